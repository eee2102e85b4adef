"""Parsed tables and the context that cross-file checks read: typed rows with their lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from coordinator.bundle.schema import FileSpec

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """One line: the cells that parsed, and the objects it built (none if any cell failed)."""

    line: int
    values: dict[str, object]
    objects: tuple[object, ...] = ()


@dataclass(slots=True)
class ParsedTable:
    """One file read against its spec; `complete` when every line built its objects."""

    spec: FileSpec
    file: str
    header_line: int = 1
    rows: list[ParsedRow] = field(default_factory=list)
    complete: bool = True


@dataclass(slots=True)
class Parsed:
    """Every parsed table by name, plus how to name the files that are absent."""

    tables: dict[str, ParsedTable]
    suffix: str = ".csv"
    broken: set[str] = field(default_factory=set)  # unreadable, missing, or without ids

    def file(self, name: str) -> str:
        """How problems name the file (or sheet) `name`."""
        table = self.tables.get(name)
        return table.file if table else f"{name}{self.suffix}"

    def complete(self, *names: str) -> bool:
        """Whether all these files were read without a single bad line (absent counts as read)."""
        return all(self.tables[name].complete for name in names if name in self.tables)

    def ids(self, name: str) -> set[str] | None:
        """Every id that file `name` names, even on bad lines; None when it cannot be known."""
        if name in self.broken:
            return None
        table = self.tables.get(name)
        rows = table.rows if table else []
        return {str(row.values["id"]) for row in rows if "id" in row.values}

    def objects(self, name: str, kind: type[T]) -> list[tuple[int, T]]:
        """The objects of type `kind` built from file `name`, each with its line."""
        table = self.tables.get(name)
        if table is None:
            return []
        return [
            (row.line, item) for row in table.rows for item in row.objects if isinstance(item, kind)
        ]

    def by_id(self, name: str, kind: type[T]) -> dict[str, T]:
        """The objects of file `name` by their `id` (the first one when an id repeats)."""
        found: dict[str, T] = {}
        for _, item in self.objects(name, kind):
            found.setdefault(str(getattr(item, "id", "")), item)
        return found
