"""A rebalance change stored as JSON for a job reads back as the very same change."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from coordinator.domain import BusyBlock, Classroom, Need
from coordinator.enums import NetworkProfile
from coordinator.services.rebalancing.change_json import (
    ChangeJsonError,
    change_from_json,
    change_to_json,
)
from coordinator.timetable.changes import (
    BusyBlocksChanged,
    Change,
    ClassroomAdded,
    ClassroomRemoved,
    NeedAdded,
    NeedRemoved,
    TeacherUnavailable,
)

CHANGES: list[Change] = [
    TeacherUnavailable("t-wang", (2, 3)),
    TeacherUnavailable("t-wang"),
    BusyBlocksChanged("t-wang", (BusyBlock("t-wang", 1, dt.time(8, 0), dt.time(8, 40), "早读"),)),
    ClassroomAdded(
        Classroom("c-east-5", "r-east", "五年级（1）班", 5, 28, "a-li", NetworkProfile.WEAK),
        (Need("c-east-5", "music", 1),),
    ),
    ClassroomRemoved("c-east-3"),
    NeedAdded(Need("c-east-3", "art", 2)),
    NeedRemoved("c-east-3", "art"),
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: type(c).__name__)
def test_a_change_reads_back_equal_after_a_trip_through_json_text(change: Change) -> None:
    text = json.dumps(change_to_json(change), ensure_ascii=False)
    assert change_from_json(json.loads(text)) == change


def test_an_unknown_or_broken_change_is_refused_with_its_kind() -> None:
    with pytest.raises(ChangeJsonError, match="unknown change kind 'Eclipse'"):
        change_from_json({"kind": "Eclipse", "fields": {}})
    with pytest.raises(ChangeJsonError, match="NeedAdded"):
        change_from_json({"kind": "NeedAdded", "fields": {"need": {"classroom_id": "c"}}})
