"""Who gets each kind of message, per region: a region admin's choice from the console,
stored in `notification_audience` over the setting `notifications.audiences`; audited.

A teacher's messages follow the choice of their school's region, an assistant's that of
their classroom's school, admins' that of any region the lesson touches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, get_args

from sqlmodel import col, select

from coordinator import models
from coordinator.errors import CoordinatorError
from coordinator.services.accounts.users import audit_row
from coordinator.services.data.directory import Directory
from coordinator.settings.notifications import Audience, MessageKind, NotificationSettings
from coordinator.store import Store

KINDS: tuple[MessageKind, ...] = get_args(MessageKind)
AUDIENCES: tuple[Audience, ...] = get_args(Audience)
Choice = Mapping[MessageKind, tuple[Audience, ...]]
RegionChoices = Mapping[str, Choice]


class AudienceChoiceError(CoordinatorError):
    """A kind of message or a kind of recipient that does not exist, named with its field."""

    def __init__(self, field: str, value: str) -> None:
        allowed = AUDIENCES if field != "kind" else KINDS
        super().__init__(f"{field} {value!r}: one of {', '.join(allowed)}")
        self.field, self.value = field, value


def checked(wanted: Mapping[str, list[str]]) -> dict[MessageKind, tuple[Audience, ...]]:
    """Every kind's recipients, in the usual order; AudienceChoiceError on an unknown name.
    A kind not in `wanted` gets nobody (a form sends nothing for an empty set of boxes)."""
    for kind, names in wanted.items():
        if kind not in KINDS:
            raise AudienceChoiceError("kind", kind)
        for name in names:
            if name not in AUDIENCES:
                raise AudienceChoiceError(kind, name)
    return {kind: tuple(a for a in AUDIENCES if a in wanted.get(kind, ())) for kind in KINDS}


async def region_choices(store: Store) -> dict[str, dict[MessageKind, tuple[Audience, ...]]]:
    """Every region's stored choices (kinds not chosen there are absent)."""
    async with store.read() as session:
        rows = (await session.exec(select(models.NotificationAudienceRow))).all()
    choices: dict[str, dict[MessageKind, tuple[Audience, ...]]] = {}
    for row in rows:
        if row.kind in KINDS:
            names = tuple(a for a in AUDIENCES if a in row.audiences.split(","))
            choices.setdefault(row.region_id, {})[row.kind] = names
    return choices


async def choice_of(
    store: Store, settings: NotificationSettings, region_id: str
) -> dict[MessageKind, tuple[Audience, ...]]:
    """What the region's people get now: its stored choice, else the setting's default."""
    stored = (await region_choices(store)).get(region_id, {})
    return {kind: stored.get(kind, settings.audience(kind)) for kind in KINDS}


async def choose(
    store: Store,
    settings: NotificationSettings,
    region_id: str,
    wanted: Mapping[MessageKind, tuple[Audience, ...]],
    *,
    actor: str,
    now: dt.datetime,
) -> list[MessageKind]:
    """Store the region's choice; the kinds that changed, each audited with before and after."""
    before = await choice_of(store, settings, region_id)
    changed = [kind for kind in KINDS if kind in wanted and wanted[kind] != before[kind]]
    table = models.NotificationAudienceRow
    async with store.write() as session:
        for kind in changed:
            query = select(table).where(col(table.region_id) == region_id, col(table.kind) == kind)
            row = (await session.exec(query)).first() or table(
                region_id=region_id, kind=kind, changed_at=now
            )
            row.audiences, row.changed_by, row.changed_at = ",".join(wanted[kind]), actor, now
            session.add(row)
        if changed:
            details: dict[str, Any] = {
                kind: {"from": list(before[kind]), "to": list(wanted[kind])} for kind in changed
            }
            session.add(
                audit_row(actor, "notifications.audiences", "region", region_id, details, now)
            )
    return changed


def audience_in(
    settings: NotificationSettings, choices: RegionChoices, kind: MessageKind, regions: set[str]
) -> tuple[Audience, ...]:
    """Who gets `kind` for people of these regions: anyone a region's choice (or, where it
    chose nothing, the setting) names; no region known: the setting."""
    if not regions:
        return settings.audience(kind)
    named = {a for r in regions for a in choices.get(r, {}).get(kind, settings.audience(kind))}
    return tuple(a for a in AUDIENCES if a in named)


def _region_of_school(directory: Directory, school_id: str) -> set[str]:
    school = directory.schools.get(school_id)
    return {school.region_id} if school else set()


def teacher_region(directory: Directory, teacher_id: str) -> set[str]:
    """The region of the teacher's school (none known: empty)."""
    teacher = directory.teachers.get(teacher_id)
    return _region_of_school(directory, teacher.school_id) if teacher else set()


def classroom_region(directory: Directory, classroom_id: str) -> set[str]:
    """The region of the classroom's school (none known: empty)."""
    room = directory.classrooms.get(classroom_id)
    return _region_of_school(directory, room.school_id) if room else set()
