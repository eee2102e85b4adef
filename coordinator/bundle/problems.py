"""Problems found in a data bundle, and the report that gathers them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from coordinator.domain import Bundle

Severity: TypeAlias = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a bundle: where it is and what it is, in plain words."""

    severity: Severity
    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place = f"{place}:{self.line}"
        if self.column:
            place = f"{place}: {self.column}"
        return f"{place}: {self.message}" if place else self.message


def error(file: str, line: int | None, column: str | None, message: str) -> Problem:
    """An error: the bundle cannot be used until it is fixed."""
    return Problem("error", file, line, column, message)


def warning(file: str, line: int | None, column: str | None, message: str) -> Problem:
    """A warning: worth a look, but the bundle can be used."""
    return Problem("warning", file, line, column, message)


@dataclass(frozen=True, slots=True)
class BundleReport:
    """What reading a bundle gave: the bundle (None on any error) and every problem found."""

    bundle: Bundle | None
    problems: list[Problem] = field(default_factory=list)
    read_as: dict[str, str] = field(default_factory=dict)  # file -> encoding or format read

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.bundle is not None and not self.errors
