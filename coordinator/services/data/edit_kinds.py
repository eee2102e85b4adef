"""What the Data page edits in place: for each edit, its table, whose rows, which columns.

One pattern serves them all (``row_edits``): the owner's rows of one table are replaced by
the rows typed, checked as that table uploaded. A *single* edit changes some columns of the
owner's one row and keeps the others as stored; an *adding* edit adds rows and replaces none.
"""

from __future__ import annotations

from dataclasses import dataclass

OWNER_KINDS = ("teacher", "school", "classroom", "region")


@dataclass(frozen=True, slots=True)
class EditKind:
    name: str
    table: str
    owner: str  # the column holding the owner's id
    owner_kind: str  # whose scope the owner must be in: one of OWNER_KINDS
    columns: tuple[str, ...]  # the columns typed in the form
    single: bool = False
    adds: bool = False
    fixed: tuple[tuple[str, str], ...] = ()  # other columns of a new row, as text


TEACHER_COLUMNS = (
    "id",
    "school_id",
    "name",
    "subjects",
    "grades",
    "max_per_day",
    "max_per_week",
    "phone",
    "email",
)
CLASSROOM_COLUMNS = ("id", "school_id", "name", "grade", "students", "assistant_id", "network")
PIN_COLUMNS = ("id", "subject_id", "weekday", "start", "end", "grades", "capacity", "open", "note")

EDITS: dict[str, EditKind] = {
    kind.name: kind
    for kind in (
        EditKind(
            "limits",
            "network_teachers",
            "id",
            "teacher",
            ("max_per_day", "max_per_week"),
            single=True,
        ),
        EditKind(
            "calendar",
            "calendar_days",
            "school_id",
            "school",
            ("date", "kind", "follows_weekday", "name"),
        ),
        EditKind("needs", "needs", "classroom_id", "classroom", ("subject_id", "periods_per_week")),
        EditKind("assistant", "classrooms", "id", "classroom", ("assistant_id",), single=True),
        EditKind("pins", "pinned_sessions", "teacher_id", "teacher", PIN_COLUMNS),
        EditKind("teacher", "network_teachers", "id", "region", TEACHER_COLUMNS, adds=True),
        EditKind("classroom", "classrooms", "id", "region", CLASSROOM_COLUMNS, adds=True),
    )
}
