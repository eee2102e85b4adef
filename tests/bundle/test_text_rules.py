"""Names and titles are cleaned at import: normalised, trimmed, one line, visible, bounded."""

from __future__ import annotations

import pytest

from coordinator.bundle import read_bundle

from .helpers import BundleCopy


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("王\n丽", "'王\\n丽' holds the line break U+000A"),
        ("王\t丽", "'王\\t丽' holds the tab U+0009"),
        ("王\x1b丽", "'王\\x1b丽' holds the control character U+001B"),
        ("王\u202e丽", "'王\\u202e丽' holds the bidi override U+202E"),
        ("王\u2067丽", "'王\\u2067丽' holds the bidi isolate U+2067"),
        ("王\u200b丽", "'王\\u200b丽' holds the zero-width character U+200B"),
        ("王\u200d丽", "'王\\u200d丽' holds the zero-width character U+200D"),
        ("王\ufeff丽", "'王\\ufeff丽' holds the zero-width character U+FEFF"),
        ("王\u2028丽", "'王\\u2028丽' holds the line separator U+2028"),
        ("王" * 101, f"{'王' * 20!r}… is 101 characters long (at most 100)"),
    ],
)
def test_teacher_name_with_unsafe_text_is_an_error(
    small: BundleCopy, value: str, message: str
) -> None:
    small.set_cell("network_teachers", 2, "name", value)

    assert small.problems() == [f"network_teachers.csv:2: name: {message}"]


def test_event_title_past_its_limit_is_an_error(small: BundleCopy) -> None:
    small.set_cell("events", 2, "title", "培" * 201)

    assert small.problems() == [
        f"events.csv:2: title: {'培' * 20!r}… is 201 characters long (at most 200)"
    ]


def test_names_are_trimmed_and_nfc_normalised(small: BundleCopy) -> None:
    small.set_cell("network_teachers", 2, "name", "\u3000 Jose\u0301 王丽 ")
    small.set_cell("classrooms", 2, "name", "三年级（1）班")

    report = read_bundle(small.folder)

    assert report.problems == []
    assert report.bundle is not None
    teacher = next(t for t in report.bundle.network_teachers if t.id == "t-wang")
    classroom = next(c for c in report.bundle.classrooms if c.id == "c-hexi-3")
    assert (teacher.name, classroom.name) == ("José 王丽", "三年级（1）班")


def test_note_keeps_line_breaks_but_refuses_a_bidi_override(small: BundleCopy) -> None:
    small.set_cell("busy_blocks", 2, "note", "本校\n三(2)班")
    small.set_cell("busy_blocks", 3, "note", "体育\u202e课")

    assert small.problems() == [
        "busy_blocks.csv:3: note: '体育\\u202e课' holds the bidi override U+202E"
    ]


def test_event_link_with_a_line_break_is_an_error(small: BundleCopy) -> None:
    small.set_cell("events", 2, "link", "https://meet.example.cn/abc\nX-EVIL:1")

    assert small.problems() == [
        "events.csv:2: link: 'https://meet.example.cn/abc\\nX-EVIL:1' is not a web address "
        "(http:// or https://)"
    ]
