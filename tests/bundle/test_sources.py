"""Tests of reading CSV files as they come: encodings, line ends, Excel exports, odd layouts."""

from __future__ import annotations

import codecs

from coordinator.bundle import read_bundle

from .expected import SMALL_BUNDLE
from .helpers import BundleCopy


def rewrite_all(copy: BundleCopy, *, encoding: str = "utf-8", newline: str = "\n") -> None:
    for path in copy.folder.glob("*.csv"):
        content = path.read_text(encoding="utf-8")
        path.write_bytes(content.replace("\n", newline).encode(encoding))


def test_read_bundle_csv_with_bom_reads_the_same(small: BundleCopy) -> None:
    rewrite_all(small, encoding="utf-8-sig")

    assert read_bundle(small.folder).bundle == SMALL_BUNDLE


def test_read_bundle_csv_with_crlf_reads_the_same(small: BundleCopy) -> None:
    rewrite_all(small, newline="\r\n")

    assert read_bundle(small.folder).bundle == SMALL_BUNDLE


def test_read_bundle_excel_export_reads_the_same(small: BundleCopy) -> None:
    excel_terms = (
        "\ufeffid,name,start,end,region_id\r\n"
        '"2026-autumn","2026年秋季学期",2026/9/1,2027/1/22,\r\n'
    )
    small.write_text("terms", excel_terms)
    small.write_text(
        "calendar_days",
        "date,kind,follows_weekday,region_id,school_id,name\r\n"
        "2026/10/1,holiday,,,,国庆节\r\n"
        '2026/10/10,makeup,周五,,,"国庆调休（上周五课表）"\r\n'
        "2026/11/18,exam,,qingshan,,期中考试\r\n"
        "2026/11/20,closure,,,r-shanbei,停电检修\r\n",
    )

    report = read_bundle(small.folder)

    assert report.problems == []
    assert report.bundle == SMALL_BUNDLE


def test_read_bundle_spaces_and_blank_lines_are_ignored(small: BundleCopy) -> None:
    small.write_text("regions", "\n id , name \n\n  qingshan ,  青山县 \n,\n\n")

    assert read_bundle(small.folder).bundle == SMALL_BUNDLE


def test_read_bundle_blank_lines_count_in_line_numbers(small: BundleCopy) -> None:
    small.write_text("regions", "id,name\n\n,\nqingshan,\n")

    assert small.problems() == ["regions.csv:4: name: is empty but required"]


def test_read_bundle_quoted_line_break_counts_as_one_line(small: BundleCopy) -> None:
    small.write_text("regions", 'id,name\n"qingshan","青山县\n（山区）"\n,x\n')

    assert small.problems() == [
        "regions.csv:2: name: '青山县\\n（山区）' holds the line break U+000A",
        "regions.csv:3: id: is empty but required",
    ]


def test_read_bundle_gbk_file_is_read_and_named(small: BundleCopy) -> None:
    (small.folder / "regions.csv").write_bytes("id,name\nqingshan,青山县\n".encode("gbk"))

    report = read_bundle(small.folder)

    assert report.bundle == SMALL_BUNDLE
    assert report.read_as["regions.csv"] == "GB18030 (GBK)"


def test_read_bundle_utf16_file_with_bom_is_read_and_named(small: BundleCopy) -> None:
    data = codecs.BOM_UTF16_LE + "id,name\nqingshan,青山县\n".encode("utf-16-le")
    (small.folder / "regions.csv").write_bytes(data)

    report = read_bundle(small.folder)

    assert report.bundle == SMALL_BUNDLE
    assert report.read_as["regions.csv"] == "UTF-16 LE with BOM"


def test_read_bundle_bytes_of_no_known_encoding_name_the_line(small: BundleCopy) -> None:
    (small.folder / "regions.csv").write_bytes(b"id,name\nqingshan,\xff\xff\xff\n")

    assert small.problems()[0] == (
        "regions.csv:2: is neither UTF-8, GBK/GB18030 nor UTF-16 text (byte 0xFF on this "
        "line); save it from Excel or WPS as 'CSV UTF-8 (comma delimited)'"
    )


def test_read_bundle_bom_only_file_is_empty(small: BundleCopy) -> None:
    (small.folder / "regions.csv").write_bytes(codecs.BOM_UTF8)

    assert small.problems() == ["regions.csv: is empty; it needs a header line"]


def test_read_bundle_empty_optional_file_is_reported(small: BundleCopy) -> None:
    small.write_text("events", "")

    assert small.problems() == ["events.csv: is empty; it needs a header line"]


def test_read_bundle_column_named_twice_is_an_error(small: BundleCopy) -> None:
    small.write_text("regions", "id,name,name\nqingshan,青山县,青山\n")

    assert small.problems() == [
        "regions.csv:1: name: appears twice in the header (columns B and C)"
    ]


def test_read_bundle_repeated_header_line_is_an_error(small: BundleCopy) -> None:
    small.append("subjects", id="id", name_zh="name_zh", name_en="name_en")

    assert small.problems() == ["subjects.csv:5: repeats the header line"]


def test_read_bundle_value_without_column_name_is_an_error(small: BundleCopy) -> None:
    small.write_text("regions", "id,name,\nqingshan,青山县,\n,,\nx,y,oops\n")

    assert small.problems() == [
        "regions.csv:4: value 'oops' in column C has no column name above it"
    ]


def test_read_bundle_trailing_empty_columns_are_ignored(small: BundleCopy) -> None:
    small.write_text("regions", "id,name,,\nqingshan,青山县,,\n")

    assert read_bundle(small.folder).bundle == SMALL_BUNDLE


def test_read_bundle_semicolon_separated_file_is_reported(small: BundleCopy) -> None:
    small.write_text("regions", "id;name\nqingshan;青山县\n")

    assert small.problems() == [
        "regions.csv:1: columns are separated by semicolons; "
        "save it as 'CSV UTF-8 (comma delimited)'"
    ]


def test_read_bundle_lock_and_hidden_files_are_skipped(small: BundleCopy) -> None:
    small.write_text("~$schools", "junk")
    small.write_text(".schools", "junk")

    assert read_bundle(small.folder).bundle == SMALL_BUNDLE


def test_read_bundle_unreadable_file_is_a_problem(small: BundleCopy) -> None:
    (small.folder / "regions.csv").unlink()
    (small.folder / "regions.csv").mkdir()

    problems = small.problems()

    assert len(problems) == 1
    assert problems[0].startswith("regions.csv: cannot be read: ")


def test_read_bundle_range_exported_as_a_date_is_explained(small: BundleCopy) -> None:
    small.set_cell("network_teachers", 3, "grades", "2026/3/4")

    assert small.problems() == [
        "network_teachers.csv:3: grades: got the date 2026/3/4: Excel turned it into a date; "
        "format the column as Text and type it again"
    ]
