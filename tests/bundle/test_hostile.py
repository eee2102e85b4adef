"""Hostile files are refused with a message naming the file, never an exception or a hang."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from coordinator.bundle import DEFAULT_LIMITS, ReadLimits, read_bundle
from coordinator.bundle.limits import MIB

from .helpers import BundleCopy
from .test_xlsx import build_workbook

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData>
</worksheet>"""


def errors(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> list[str]:
    report = read_bundle(path, limits)
    assert report.bundle is None
    return [str(problem) for problem in report.errors]


def replace_member(path: Path, name: str, data: bytes) -> None:
    """Rewrite the zip at `path` with member `name` holding `data`."""
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for member, content in members.items():
            target.writestr(member, content)


def first_sheet(path: Path) -> str:
    with zipfile.ZipFile(path) as source:
        return sorted(n for n in source.namelist() if n.startswith("xl/worksheets/sheet"))[0]


def test_csv_past_the_row_cap_is_refused(small: BundleCopy) -> None:
    line = "t-wangli,1,08:50,09:30,\n"
    small.write_text("busy_blocks", "teacher_id,weekdays,start,end,note\n" + line * 200_000)

    assert errors(small.folder) == [
        "busy_blocks.csv: has more than the 200000 lines allowed in one file; split it"
    ]


def test_csv_past_the_size_cap_is_refused(small: BundleCopy) -> None:
    small.write_text("regions", "id,name\n" + "qingshan,青山县\n" * 20_000)

    problems = errors(small.folder, ReadLimits(max_file_bytes=MIB // 4))

    assert problems[0] == (
        "regions.csv: is 371 KB, more than the 256 KB allowed for one file; "
        "split the data into smaller files"
    )


def test_duplicated_busy_blocks_are_each_named_once(small: BundleCopy) -> None:
    line = "t-wangli,1;3,08:50,09:30,\n"
    small.write_text("busy_blocks", "teacher_id,weekdays,start,end,note\n" + line * 5000)

    report = read_bundle(small.folder)

    overlaps = [str(p) for p in report.warnings if "overlaps the busy block" in p.message]
    assert len(overlaps) == 4999
    assert overlaps[-1] == (
        "busy_blocks.csv:5001: start: overlaps the busy block on line 2 (weekdays 1;3)"
    )


def test_zip_bomb_workbook_is_refused_before_it_is_unpacked(
    small: BundleCopy, tmp_path: Path
) -> None:
    path = build_workbook(small, tmp_path / "bomb.xlsx")
    replace_member(path, "xl/worksheets/bomb.xml", b" " * (64 * MIB))

    problems = errors(path)

    assert len(problems) == 1
    assert problems[0].startswith("bomb.xlsx: part 'xl/worksheets/bomb.xml' is packed ")
    assert problems[0].endswith("times (a zip bomb?); save the file again from Excel or WPS")


def test_workbook_unpacking_past_the_cap_is_refused(small: BundleCopy, tmp_path: Path) -> None:
    path = build_workbook(small, tmp_path / "big.xlsx")

    problems = errors(path, ReadLimits(max_unpacked_bytes=1024))

    assert len(problems) == 1
    assert problems[0].startswith("big.xlsx: would unpack to ")
    assert problems[0].endswith("KB, more than the 1 KB allowed; split the data into smaller files")


def test_xml_entity_expansion_is_refused(small: BundleCopy, tmp_path: Path) -> None:
    path = build_workbook(small, tmp_path / "laughs.xlsx")
    sheet = first_sheet(path)
    replace_member(path, sheet, LAUGHS)

    assert errors(path) == [
        f"laughs.xlsx: part {sheet!r} declares XML entities, which a spreadsheet never does; "
        "save the file again from Excel or WPS"
    ]


@pytest.mark.parametrize(
    "garbage",
    [
        b"<worksheet><sheetData><row><c r=",
        b"\x00\xff not xml at all",
        b'<worksheet><sheetData><row r="1"><c r="ZZZZZZZ99999999"><v>1</v></c></row>'
        b"</sheetData></worksheet>",
        b'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>999999</v></c></row>'
        b"</sheetData></worksheet>",
    ],
)
def test_malformed_sheet_xml_is_a_problem_not_a_traceback(
    small: BundleCopy, tmp_path: Path, garbage: bytes
) -> None:
    path = build_workbook(small, tmp_path / "broken.xlsx")
    replace_member(path, first_sheet(path), garbage)

    report = read_bundle(path)

    assert report.bundle is None
    assert report.errors
    assert all(problem.file for problem in report.errors)


def test_truncated_workbook_is_a_problem(small: BundleCopy, tmp_path: Path) -> None:
    path = build_workbook(small, tmp_path / "cut.xlsx")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    problems = errors(path)

    assert problems == ["cut.xlsx: is not a readable workbook: File is not a zip file"]


def test_sheet_past_the_row_cap_is_refused(small: BundleCopy, tmp_path: Path) -> None:
    path = build_workbook(small, tmp_path / "rows.xlsx")

    problems = errors(path, ReadLimits(max_rows=3))

    assert "bell_periods: has 7 lines, more than the 3 allowed in one sheet; split it" in problems


def test_sheet_wider_than_the_cap_is_refused(small: BundleCopy, tmp_path: Path) -> None:
    path = build_workbook(small, tmp_path / "wide.xlsx")
    wide = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>'
        b'<c r="XFD1"><v>1</v></c></row></sheetData></worksheet>'
    )
    replace_member(path, first_sheet(path), wide)

    problems = errors(path)

    assert problems[0].endswith(
        "has 16384 columns, more than the 256 allowed in one sheet; delete the empty columns "
        "at its right"
    )


def test_csv_of_a_million_lines_is_refused_before_it_is_parsed(small: BundleCopy) -> None:
    line = "t-wangli,1,08:50,09:30,\n"
    small.write_text("busy_blocks", "teacher_id,weekdays,start,end,note\n" + line * 1_000_000)

    assert errors(small.folder) == [
        "busy_blocks.csv: has 1000001 lines, more than the 200000 allowed in one file; split it"
    ]
