"""Tests of read_bundle: files, columns, cells, ids and references."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordinator.bundle import read_bundle

from .expected import SMALL_BUNDLE
from .helpers import SMALL, BundleCopy


def test_read_bundle_small_gives_expected_bundle() -> None:
    report = read_bundle(SMALL)

    assert report.problems == []
    assert report.ok
    assert report.bundle == SMALL_BUNDLE
    assert report.bundle is not None
    assert report.bundle.source == str(SMALL)


def test_read_bundle_missing_required_file_is_an_error(small: BundleCopy) -> None:
    small.delete("needs")

    report = read_bundle(small.folder)

    assert [str(problem) for problem in report.problems] == ["needs.csv: required file is missing"]
    assert report.bundle is None
    assert not report.ok


def test_read_bundle_missing_target_file_reports_no_dangling_references(
    small: BundleCopy,
) -> None:
    small.delete("schools")

    assert small.problems() == ["schools.csv: required file is missing"]


def test_read_bundle_missing_optional_files_is_fine(small: BundleCopy) -> None:
    for name in ("meta", "calendar_days", "busy_blocks", "pinned_sessions", "events"):
        small.delete(name)
    small.delete("alliance_members")
    small.delete("alliances")

    report = read_bundle(small.folder)

    assert report.problems == []
    assert report.bundle is not None
    assert report.bundle.name == ""
    assert report.bundle.events == ()


def test_read_bundle_empty_folder_lists_every_required_file(tmp_path: Path) -> None:
    problems = [str(problem) for problem in read_bundle(tmp_path).problems]

    assert problems == [
        f"{name}.csv: required file is missing"
        for name in (
            "regions",
            "schools",
            "bell_schedules",
            "bell_periods",
            "terms",
            "subjects",
            "assistants",
            "classrooms",
            "network_teachers",
            "needs",
        )
    ]


def test_read_bundle_unknown_file_is_a_warning(small: BundleCopy) -> None:
    small.write_text("school", "id,name\n")

    report = read_bundle(small.folder)

    assert [str(problem) for problem in report.warnings] == [
        "school.csv: unknown file, ignored (did you mean 'schools'?)"
    ]
    assert report.bundle == SMALL_BUNDLE


def test_read_bundle_unknown_unreadable_file_is_only_a_warning(small: BundleCopy) -> None:
    (small.folder / "notes.csv").write_bytes("备注".encode("gbk"))

    report = read_bundle(small.folder)

    assert [str(problem) for problem in report.problems] == ["notes.csv: unknown file, ignored"]
    assert report.bundle == SMALL_BUNDLE


def test_read_bundle_missing_required_column_is_an_error(small: BundleCopy) -> None:
    small.drop_column("schools", "kind")

    assert small.problems() == ["schools.csv:1: kind: required column is missing"]


def test_read_bundle_missing_optional_column_takes_defaults(small: BundleCopy) -> None:
    small.drop_column("schools", "time_zone")
    small.drop_column("alliance_members", "weight")

    report = read_bundle(small.folder)

    assert report.problems == []
    assert report.bundle is not None
    assert [member.weight for member in report.bundle.alliance_members] == [1, 1]


def test_read_bundle_unknown_column_is_an_error(small: BundleCopy) -> None:
    small.set_cell("busy_blocks", 1, "note", "notes")

    assert small.problems() == ["busy_blocks.csv:1: notes: unknown column (did you mean 'note'?)"]


def test_read_bundle_column_order_does_not_matter(small: BundleCopy) -> None:
    rows = small.rows("schools")
    small.write_rows("schools", [list(reversed(row)) for row in rows])

    assert read_bundle(small.folder).bundle == SMALL_BUNDLE


@pytest.mark.parametrize(
    ("file", "line", "column", "value", "expected"),
    [
        ("schools", 3, "name", " ", "schools.csv:3: name: is empty but required"),
        (
            "classrooms",
            2,
            "students",
            "twenty",
            "classrooms.csv:2: students: 'twenty' is not a whole number",
        ),
        ("classrooms", 2, "students", "-1", "classrooms.csv:2: students: -1 is less than 0"),
        (
            "network_teachers",
            2,
            "max_per_day",
            "0",
            "network_teachers.csv:2: max_per_day: 0 is less than 1",
        ),
        (
            "pinned_sessions",
            2,
            "weekday",
            "Mo",
            "pinned_sessions.csv:2: weekday: 'Mo' is not a weekday (1–7, Mon–Sun or 周一–周日)",
        ),
        (
            "busy_blocks",
            2,
            "weekdays",
            "1-8",
            "busy_blocks.csv:2: weekdays: '8' is not a weekday (1–7, Mon–Sun or 周一–周日)",
        ),
        (
            "bell_periods",
            3,
            "start",
            "8.50",
            "bell_periods.csv:3: start: '8.50' is not a clock time (HH:MM, 24-hour)",
        ),
        (
            "terms",
            2,
            "start",
            "2026-13-01",
            "terms.csv:2: start: '2026-13-01' is not a date (YYYY-MM-DD)",
        ),
        (
            "bell_periods",
            2,
            "live",
            "maybe",
            "bell_periods.csv:2: live: 'maybe' is not yes or no (yes/no, true/false, 1/0, 是/否)",
        ),
        ("schools", 2, "kind", "city", "schools.csv:2: kind: 'city' is not one of: urban, rural"),
        (
            "calendar_days",
            2,
            "kind",
            "vacation",
            "calendar_days.csv:2: kind: 'vacation' is not one of: holiday, closure, makeup, exam",
        ),
        (
            "schools",
            3,
            "time_zone",
            "Asia/Beijing",
            "schools.csv:3: time_zone: 'Asia/Beijing' is not a known time zone "
            "(e.g. Asia/Shanghai)",
        ),
        (
            "assistants",
            2,
            "phone",
            "call me",
            "assistants.csv:2: phone: 'call me' is not a phone number (digits, + and -)",
        ),
        (
            "network_teachers",
            2,
            "email",
            "wangli@",
            "network_teachers.csv:2: email: 'wangli@' is not an e-mail address",
        ),
        ("classrooms", 2, "grade", "13", "classrooms.csv:2: grade: grade 13 is outside 1–12"),
        (
            "network_teachers",
            3,
            "grades",
            "3;14",
            "network_teachers.csv:3: grades: grade 14 is outside 1–12",
        ),
        (
            "events",
            2,
            "link",
            "meet.example.cn",
            "events.csv:2: link: 'meet.example.cn' is not a web address (http:// or https://)",
        ),
        (
            "pinned_sessions",
            2,
            "id",
            "p choir",
            "pinned_sessions.csv:2: id: 'p choir' is not a valid id "
            "(use letters, digits, _, - and .)",
        ),
        ("meta", 3, "value", "someday", "meta.csv:3: value: 'someday' is not a date (YYYY-MM-DD)"),
        (
            "meta",
            2,
            "key",
            "title",
            "meta.csv:2: key: unknown key 'title' (use name or anchor_date)",
        ),
    ],
)
def test_read_bundle_bad_cell_is_reported_where_it_is(
    small: BundleCopy, file: str, line: int, column: str, value: str, expected: str
) -> None:
    small.set_cell(file, line, column, value)

    assert small.problems() == [expected]


def test_read_bundle_reports_every_problem_at_once(small: BundleCopy) -> None:
    small.set_cell("classrooms", 2, "students", "many")
    small.set_cell("classrooms", 3, "grade", "0")
    small.set_cell("needs", 5, "periods_per_week", "x")

    assert small.problems() == [
        "classrooms.csv:2: students: 'many' is not a whole number",
        "classrooms.csv:3: grade: grade 0 is outside 1–12",
        "needs.csv:5: periods_per_week: 'x' is not a whole number",
    ]


def test_read_bundle_duplicate_id_is_an_error(small: BundleCopy) -> None:
    small.append("subjects", id="music", name_zh="音乐", name_en="Music")

    assert small.problems() == ["subjects.csv:5: id: duplicate id 'music' (first on line 2)"]


def test_read_bundle_duplicate_need_is_an_error(small: BundleCopy) -> None:
    small.append("needs", classroom_id="c-hexi-3", subject_id="music", periods_per_week="1")

    assert small.problems() == [
        "needs.csv:6: classroom_id: same classroom_id, subject_id as line 2"
    ]


def test_read_bundle_duplicate_alliance_member_is_an_error(small: BundleCopy) -> None:
    small.append("alliance_members", alliance_id="pair-shiyan", school_id="r-hexi")

    assert small.problems() == [
        "alliance_members.csv:4: alliance_id: same alliance_id, school_id as line 2"
    ]


def test_read_bundle_duplicate_calendar_day_is_an_error(small: BundleCopy) -> None:
    small.append("calendar_days", date="2026/10/1", kind="closure")

    assert small.problems() == [
        "calendar_days.csv:6: date: same date, region_id, school_id as line 2"
    ]


def test_read_bundle_duplicate_meta_key_is_an_error(small: BundleCopy) -> None:
    small.append("meta", key="name", value="Another name")

    assert small.problems() == ["meta.csv:4: key: duplicate key 'name' (first on line 2)"]


def test_read_bundle_dangling_reference_is_an_error(small: BundleCopy) -> None:
    small.set_cell("schools", 3, "region_id", "qingshann")

    assert small.problems() == [
        "schools.csv:3: region_id: 'qingshann' is not an id in regions.csv "
        "(did you mean 'qingshan'?)"
    ]


def test_read_bundle_dangling_reference_in_a_list_is_an_error(small: BundleCopy) -> None:
    small.set_cell("network_teachers", 3, "subjects", "art;english;maths")

    assert small.problems() == [
        "network_teachers.csv:3: subjects: 'maths' is not an id in subjects.csv"
    ]


def test_read_bundle_reference_into_absent_optional_file_is_an_error(small: BundleCopy) -> None:
    small.delete("alliance_members")
    small.delete("alliances")

    assert small.problems() == [
        "events.csv:2: audience_id: 'pair-shiyan' is not an id in alliances.csv"
    ]


def test_read_bundle_reference_to_line_with_bad_cell_is_not_dangling(small: BundleCopy) -> None:
    small.set_cell("classrooms", 2, "students", "?")

    assert small.problems() == ["classrooms.csv:2: students: '?' is not a whole number"]


def test_read_bundle_event_audience_must_exist(small: BundleCopy) -> None:
    small.set_cell("events", 3, "audience_id", "c-hexi-30")

    assert small.problems() == [
        "events.csv:3: audience_id: 'c-hexi-30' is not an id in classrooms.csv "
        "(did you mean 'c-hexi-3'?)"
    ]


def test_read_bundle_path_that_does_not_exist_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "nowhere"

    report = read_bundle(path)

    assert [str(problem) for problem in report.problems] == [f"{path}: no such file or folder"]
    assert report.bundle is None


def test_read_bundle_path_of_another_kind_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "bundle.zip"
    path.write_bytes(b"PK")

    problems = [str(problem) for problem in read_bundle(path).problems]

    assert problems == [
        f"{path}: is neither a folder of CSV files nor a workbook (.xlsx, .xls, .ods)"
    ]


def test_read_bundle_single_csv_file_asks_for_the_folder(small: BundleCopy) -> None:
    path = small.folder / "schools.csv"

    problems = [str(problem) for problem in read_bundle(path).problems]

    assert problems == [
        f"{path}: is one CSV file; give the folder that holds all the bundle's CSV files"
    ]


def test_read_bundle_damaged_old_excel_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "bundle.xls"
    path.write_bytes(b"\xd0\xcf")

    problems = [str(problem) for problem in read_bundle(path).problems]

    assert len(problems) == 1
    assert problems[0].startswith("bundle.xls: is not a readable workbook: ")
    assert problems[0].endswith("save it again as Excel Workbook (.xlsx)")


def test_read_bundle_never_raises_on_a_nonsense_cell(small: BundleCopy) -> None:
    """Any cell of any file may hold nonsense: the answer is problems, never an exception."""
    for path in sorted(small.folder.glob("*.csv")):
        original = path.read_bytes()
        for column in small.rows(path.stem)[0]:
            small.set_cell(path.stem, 2, column, "1e400;周八-\x00")

            report = read_bundle(small.folder)

            assert report.problems, f"{path.name}: {column}"
            path.write_bytes(original)
