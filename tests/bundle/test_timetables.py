"""Urban timetables read as busy blocks: an Excel grid, an aSc XML export and a FET file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coordinator.bundle import DEFAULT_LIMITS, read_bundle
from coordinator.bundle.timetables import map_teachers, read_timetable
from coordinator.domain import Bundle, BusyBlock
from coordinator.services.data.timetables import bell_times, preview_timetable

from .office import DEMO
from .timetable_examples import EXAMPLES, GRID_NAME, write_grid


def demo() -> Bundle:
    bundle = read_bundle(DEMO).bundle
    assert bundle is not None
    return bundle


def block(teacher: str, weekday: int, start: str, end: str, note: str) -> BusyBlock:
    return BusyBlock(
        teacher, weekday, dt.time.fromisoformat(start), dt.time.fromisoformat(end), note
    )


GRID = [
    block("t-liuyang", 1, "10:50", "11:30", "三（2）班美术"),
    block("t-liuyang", 2, "08:00", "08:40", "二（1）班美术"),
    block("t-liuyang", 3, "10:50", "11:30", "三（2）班美术"),
    block("t-liuyang", 5, "08:50", "09:30", "二（1）班美术"),
    block("t-wangli", 1, "08:50", "09:30", "四（2）班"),
    block("t-wangli", 2, "08:00", "08:40", "三（1）班"),
    block("t-wangli", 3, "10:00", "10:40", "五（1）班"),
    block("t-wangli", 4, "14:00", "14:40", "合唱队"),
    block("t-wangli", 4, "14:50", "15:30", "合唱队"),
]
ASC = [
    block("t-sunhao", 2, "08:50", "09:30", "科学"),
    block("t-sunhao", 4, "14:00", "14:40", "科学"),
    *(block("t-zhaomin", day, "08:00", "08:40", "英语") for day in (1, 2, 3, 4, 5)),
    block("t-zhaomin", 1, "10:00", "10:40", "英语"),
    block("t-zhaomin", 3, "10:00", "10:40", "英语"),
]
FET = [
    block("t-xuli", 5, "10:50", "11:30", "心理健康"),
    block("t-zhouyan", 2, "08:50", "09:30", "书法"),
    block("t-zhouyan", 2, "10:00", "10:40", "书法"),
]


def ordered(blocks: list[BusyBlock]) -> list[BusyBlock]:
    return sorted(blocks, key=lambda b: (b.teacher_id, b.weekday, b.start, b.end))


def test_excel_grid_gives_two_teachers_busy_blocks(tmp_path: Path) -> None:
    path = write_grid(tmp_path / GRID_NAME)

    preview = preview_timetable(path, demo(), DEFAULT_LIMITS)

    assert preview.problems == []
    assert preview.kind == "Excel timetable grid"
    assert preview.blocks == ordered(GRID)


def test_committed_grid_example_is_what_the_script_writes(tmp_path: Path) -> None:
    written = preview_timetable(write_grid(tmp_path / GRID_NAME), demo(), DEFAULT_LIMITS)
    committed = preview_timetable(EXAMPLES / GRID_NAME, demo(), DEFAULT_LIMITS)

    assert committed.blocks == written.blocks


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("asc-timetable.xml", "aSc Timetables XML", ASC),
        ("fet-timetable.fet", "FET", FET),
    ],
)
def test_xml_timetable_gives_two_teachers_busy_blocks(
    name: str, kind: str, expected: list[BusyBlock]
) -> None:
    preview = preview_timetable(EXAMPLES / name, demo(), DEFAULT_LIMITS)

    assert preview.problems == []
    assert preview.kind == kind
    assert preview.blocks == ordered(expected)


def test_unknown_teacher_is_named_once_with_its_line(tmp_path: Path) -> None:
    path = write_grid(tmp_path / GRID_NAME)
    bundle = demo()
    read = read_timetable(path, DEFAULT_LIMITS, bell_times(bundle))
    teachers = tuple(t for t in bundle.network_teachers if t.name != "刘洋")

    blocks, problems = map_teachers(read, path.name, teachers)

    assert [str(problem) for problem in problems] == [
        f"{path.name}:2: teacher: '刘洋' is no network teacher's id or name; "
        "add them to network_teachers first"
    ]
    assert {b.teacher_id for b in blocks} == {"t-wangli"}


def test_grid_without_bell_times_or_known_periods_says_what_to_add(tmp_path: Path) -> None:
    path = write_grid(tmp_path / GRID_NAME)

    read = read_timetable(path, DEFAULT_LIMITS, lambda *_: None)

    assert [str(problem) for problem in read.problems] == [
        f"刘洋:{line}: has classes but no bell time: add a column of times like 08:00-08:40, "
        "or number the periods (第1节) and import the bundle's bell schedule first"
        for line in (2, 3, 4)
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><timetable>&a;</timetable>',
            "t.xml: declares XML entities or a DTD; export the file again",
        ),
        ("<timetable><periods>", "t.xml: is not well-formed XML"),
        ("<html/>", "t.xml: is XML of another kind (<html>), not aSc or FET"),
    ],
)
def test_hostile_or_foreign_xml_is_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "t.xml"
    path.write_text(content)

    preview = preview_timetable(path, demo(), DEFAULT_LIMITS)

    assert not preview.ok
    assert str(preview.problems[0]).startswith(message)


def test_fet_hours_not_named_by_times_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.fet"
    text = (EXAMPLES / "fet-timetable.fet").read_text().replace("08:00-08:40</Name>", "H1</Name>")
    path.write_text(text)

    preview = preview_timetable(path, demo(), DEFAULT_LIMITS)

    assert [str(problem) for problem in preview.problems] == [
        "plain.fet: Hour: 'H1' is not named by its bell times; name hours like 08:30-09:15"
    ]
