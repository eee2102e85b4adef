"""Bundle problems in the reader's language: every known shape through the real catalogs."""

from __future__ import annotations

from coordinator.bundle.problems import error
from coordinator.web.i18n import load_catalogs
from coordinator.web.problem_text import PART, TEMPLATES, problem_text


def test_a_bad_clock_time_reads_in_chinese_with_its_value() -> None:
    zh = load_catalogs()["zh"].gettext
    problem = error("bell_periods.csv", 3, "start", "'25:61' is not a clock time (HH:MM, 24-hour)")
    assert problem_text(problem, zh) == "'25:61' 不是有效的时间（HH:MM，24 小时制）"


def test_an_unknown_id_keeps_its_guess_in_chinese() -> None:
    zh = load_catalogs()["zh"].gettext
    message = "'t-wng' is not an id in network_teachers.csv (did you mean 't-wang'?)"
    problem = error("classrooms.csv", 4, "teacher_id", message)
    expected = "network_teachers.csv 中没有编号 't-wng'（是不是 't-wang'？）"
    assert problem_text(problem, zh) == expected


def test_every_shape_comes_back_unchanged_in_english_and_translated_in_chinese() -> None:
    catalogs = load_catalogs()
    for template in TEMPLATES:
        parts = {"value": "'x'", "least": "1", "allowed": "a, b", "file": "f.csv", "line": "2"}
        parts |= {"column": "id", "columns": "a, b", "end": "09:00", "start": "10:00"}
        parts |= {name: "'y'" for name in PART.findall(template) if name not in parts}
        message = template % (parts | {"days": "Mon"})
        problem = error("f.csv", 2, "c", message)
        assert problem_text(problem, catalogs["en"].gettext) == message
        assert problem_text(problem, catalogs["zh"].gettext) != message, template


def test_a_message_of_no_known_shape_is_shown_as_written() -> None:
    problem = error("f.csv", 2, "c", "something new")
    assert problem_text(problem, load_catalogs()["zh"].gettext) == "something new"
