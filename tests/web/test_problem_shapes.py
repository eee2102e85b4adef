"""Every problem the bundle reader can write reaches a Chinese page in Chinese.

The messages are found in the source of coordinator/bundle/ itself (the timetable readers
included): every string or f-string handed to `error`, `warning`, `refused`, `CellError`,
`NotText` or `UnsafeZip`, assigned to a `message`, `problem` or `too_big`, or returned as the
reason a workbook or a sheet is refused. Each is rendered with a sample value in every hole
and must take a shape `problem_text` knows, so a message added to the reader without a Chinese
form fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from coordinator.bundle.problems import error
from coordinator.web.i18n import load_catalogs
from coordinator.web.problem_text import problem_line, problem_text

BUNDLE = Path(__file__).parents[2] / "coordinator" / "bundle"
NAMES = {"message", "problem", "too_big"}
REASONS = {"refusal", "sheet_too_big"}  # functions whose returned string is the message


def constants(paths: list[Path]) -> dict[str, str]:
    """The reader's module-level strings (CLOCK_HINT, SAVE_AS, …), as a hole writes them."""
    found: dict[str, str] = {}
    for path in paths:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                for target in node.targets:
                    if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                        found[target.id] = node.value.value
    return found


def hole(part: ast.expr, known: dict[str, str]) -> str:
    if isinstance(part, ast.Constant):
        return str(part.value)
    if isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Name):
        return known.get(part.value.id, "'v'")
    return "'v'"


def rendered(node: ast.expr, known: dict[str, str]) -> str | None:
    """The message a string expression writes, each hole filled with a sample value (or the
    constant it names); None for an expression not written here (a name, a call's result)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(hole(part, known) for part in node.values)
    if isinstance(node, ast.BinOp):  # "unknown column" + did_you_mean(…)
        return rendered(node.left, known)
    return None


def written(tree: ast.AST) -> list[ast.expr]:
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            name = node.func.id
            if name in {"error", "warning"} and len(node.args) == 4:
                found.append(node.args[3])
            elif name == "refused" and len(node.args) == 2:
                found.append(node.args[1])
            elif name in {"CellError", "NotText", "UnsafeZip"}:
                found.append(node.args[0])
        elif isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id in NAMES for target in node.targets
        ):
            found.append(node.value)
        elif isinstance(node, ast.FunctionDef) and node.name in REASONS:
            found += [
                step.value
                for step in ast.walk(node)
                if isinstance(step, ast.Return) and step.value is not None
            ]
    return found


def messages() -> list[tuple[str, str]]:
    """(where, message) for every message the reader writes."""
    found = []
    paths = [path for path in sorted(BUNDLE.rglob("*.py")) if "synthetic" not in path.parts]
    known = constants(paths)  # the demo's generator (synthetic/) writes no problems
    for path in paths:
        for node in written(ast.parse(path.read_text(encoding="utf-8"))):
            message = rendered(node, known)
            if message is not None:
                found.append((f"{path.relative_to(BUNDLE)}:{node.lineno}", message))
    return found


def test_the_walk_finds_the_reader_s_messages() -> None:
    """The walk is not empty by accident: it meets messages of every part of the reader."""
    found = messages()
    places = {where.split(":")[0] for where, _ in found}
    assert len(found) > 70
    assert {"cells.py", "sources.py", "teaching_checks.py", "timetables/fet.py"} <= places


@pytest.mark.parametrize(("where", "message"), messages())
def test_every_message_has_a_chinese_form(where: str, message: str) -> None:
    catalogs = load_catalogs()
    problem = error("needs.csv", 3, "subject_id", message)
    assert problem_text(problem, catalogs["en"].gettext) == message, where
    chinese = problem_text(problem, catalogs["zh"].gettext)
    assert chinese != message, f"{where}: no Chinese form for {message!r}"


def test_a_problem_line_keeps_file_line_and_field_around_the_chinese() -> None:
    zh = load_catalogs()["zh"].gettext
    problem = error("needs.csv", 3, "subject_id", "no network teacher teaches 'music'")
    assert problem_line(problem, zh) == "needs.csv:3: subject_id: 没有网络教师教 'music'"


def test_a_page_with_names_shows_people_and_places_by_name_and_other_values_as_typed() -> None:
    zh = load_catalogs()["zh"].gettext
    message = "assistant 'a-li' works at 'r-east', not at 'r-far'"
    problem = error("classrooms.csv", 4, "assistant_id", message)
    names = {"a-li": "李老师", "r-east": "东村小学"}
    assert problem_text(problem, zh, names) == "助教 李老师 在 东村小学 工作，不在 'r-far'"
    assert problem_text(problem, zh) == "助教 'a-li' 在 'r-east' 工作，不在 'r-far'"
