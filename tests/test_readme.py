"""The README's two commands are the ones that work: `.ci/run` runs its test command verbatim."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith("python3 -m venv .venv && ")]


def test_the_readme_has_exactly_the_two_commands() -> None:
    demo, tests = readme_commands()
    assert demo.endswith(".venv/bin/coordinator demo")
    assert tests.endswith(".venv/bin/pytest")


def test_ci_runs_the_readme_test_command_to_the_letter() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert script[-1] == readme_commands()[1]
