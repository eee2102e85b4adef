"""Which audit entries an admin sees: changes to objects in their scope, nothing else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from coordinator import models
from coordinator.services.accounts.users import Scope, audit_visible

NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
PAIR = Scope(
    schools=frozenset({"u-one", "r-east"}),
    classrooms=frozenset({"c-east-3"}),
    teachers=frozenset({"t-wang"}),
    owners=frozenset({"alliance:pair-1", "region:xiao"}),
)


def entry(kind: str, object_id: str, **details: Any) -> models.AuditRow:
    return models.AuditRow(
        at=NOW, actor="a", action="x", object_kind=kind, object_id=object_id, details=details
    )


@pytest.mark.parametrize(
    ("row", "region_admin", "seen"),
    [
        (entry("data", "run-3"), True, True),
        (entry("data", "run-3"), False, False),  # the bundle holds every school
        (entry("timetable", "7", teachers=["t-wang"], classrooms=[]), False, True),
        (entry("timetable", "7", teachers=["t-far"], classrooms=["c-east-3"]), False, True),
        (entry("timetable", "7", teachers=["t-far"], classrooms=["c-far"]), False, False),
        (entry("timetable", "7"), True, True),  # a publish that names nobody
        # another county's rebalance and data import stay that county's
        (entry("timetable", "7", teachers=["t-far"], classrooms=["c-far"]), True, False),
        (entry("data", "bundle", region="da"), True, False),
        (entry("data", "bundle", region="xiao"), True, True),
        (entry("lesson", "k@1", teachers=[], classrooms=["c-east-3"]), False, True),
        (entry("lesson", "k@1", teachers=["t-far"], classrooms=["c-far"]), False, False),
        (entry("user", "li", scope="alliance:pair-1"), False, True),
        (entry("user", "far", scope="alliance:pair-2"), False, False),
        (entry("teacher", "t-wang"), False, True),
    ],
)
def test_an_admin_sees_changes_that_touch_their_scope(
    row: models.AuditRow, region_admin: bool, seen: bool
) -> None:
    assert audit_visible(PAIR, row, region_admin) is seen
