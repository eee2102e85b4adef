"""A rebalance change as JSON and back, so a job on another machine makes the same change.

The change's dataclass is named by its type; each field is stored as plain JSON (times and
dates in ISO form, enums by value, nested domain records as objects) and read back by the
field's type hint.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from typing import Any

from coordinator.errors import CoordinatorError
from coordinator.timetable import changes
from coordinator.timetable.changes import Change

KINDS: dict[str, type[Any]] = {
    kind.__name__: kind
    for kind in (
        changes.TeacherUnavailable,
        changes.BusyBlocksChanged,
        changes.ClassroomAdded,
        changes.ClassroomRemoved,
        changes.NeedAdded,
        changes.NeedRemoved,
        changes.WeekSolved,
    )
}


class ChangeJsonError(CoordinatorError):
    """A stored change that cannot be read back (not written by `change_to_json`)."""


def change_to_json(change: Change) -> dict[str, Any]:
    """The change as JSON values, with its kind."""
    return {"kind": type(change).__name__, "fields": _plain(change)}


def change_from_json(data: dict[str, Any]) -> Change:
    """The change `change_to_json` wrote."""
    kind = KINDS.get(str(data.get("kind")))
    if kind is None:
        raise ChangeJsonError(f"unknown change kind {data.get('kind')!r}")
    try:
        change: Change = _read(kind, data.get("fields", {}))
    except (KeyError, TypeError, ValueError) as error:
        raise ChangeJsonError(f"a stored {kind.__name__} change cannot be read: {error}") from None
    return change


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.time | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _read(hint: Any, value: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin is tuple:
        (item, *_) = typing.get_args(hint)
        return tuple(_read(item, v) for v in value)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return None if value is None else _read(options[0], value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        fields = {f.name: f for f in dataclasses.fields(hint)}
        return hint(**{name: _read(hints[name], v) for name, v in value.items() if name in fields})
    if hint is dt.time:
        return dt.time.fromisoformat(value)
    if hint is dt.date:
        return dt.date.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    if hint in (int, float, str, bool):
        return hint(value)
    return value
