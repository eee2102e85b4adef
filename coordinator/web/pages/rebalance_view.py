"""A rebalance proposal in the admin's words: names instead of ids, times in the school's clock.

Lessons of teachers or classrooms outside the admin's scope are counted, never named; a
proposal with any of them cannot be applied from this admin's account.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from coordinator.services.rebalancing.dates import DatedChange, LessonState
from coordinator.services.rebalancing.proposals import (
    RebalancePreview,
    TemporaryChange,
    change_json,
)
from coordinator.timetable.diff import LessonChange
from coordinator.web.collation import pinyin_key
from coordinator.web.pages.access import Viewer
from coordinator.web.pages.base import N_
from coordinator.web.pages.rebalance_names import (
    Gettext,
    Namer,
    SlotView,
    describe_change,
    describe_span,
)

DATED_SHOWN_DAYS = 14  # a change from now on lists the dated lessons of the next two weeks
DATED_COUNTED = {"classrooms": "reassigned", "restored": "added"}  # counted together


@dataclass(frozen=True, slots=True)
class WeeklyRow:
    kind: str  # moved | reassigned | cancelled | added
    classroom: str
    subject: str
    before: SlotView | None
    after: SlotView | None
    kinds: tuple[str, ...] = ()  # every way it changes: a new teacher at a new time is both


@dataclass(frozen=True, slots=True)
class DatedRow:
    key: str  # the lesson's key
    kind: str  # moved | reassigned | classrooms | cancelled | added | restored
    date: dt.date
    time: str  # in the teacher's school's clock ("before → after" when it moves)
    subject: str
    classrooms: str  # those it keeps
    joined: str  # classrooms it gains
    left: str  # classrooms it loses
    before: str  # the teacher before (empty for a new lesson)
    after: str  # the teacher after (empty when cancelled)
    started: bool
    kinds: tuple[str, ...] = ()  # every way it changes: a new teacher at a new time is both


@dataclass(frozen=True, slots=True)
class UnmetRow:
    classroom: str
    subject: str
    periods: int
    reason: str
    new: bool  # not unmet before the change


@dataclass(frozen=True, slots=True)
class Named:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class PreviewView:
    title: str
    span: str
    base_version_id: int
    seconds: float
    counts: dict[str, int]  # kept, moved, reassigned, cancelled, added
    weekly: list[WeeklyRow]
    unaffected_changed: int
    dated: list[DatedRow]
    dated_counts: dict[str, int]
    dated_total: int
    dated_shown_until: dt.date | None  # None: every dated change is listed
    started: int  # dated lessons affected that have begun already
    unmet: list[UnmetRow]
    teachers: list[Named]
    classrooms: list[Named]
    outside: int  # changes touching teachers or classrooms outside the admin's scope
    ending: list[TemporaryChange]  # temporary changes a change from now on ends


def weekly_kinds(kind: str, change: LessonChange) -> tuple[str, ...]:
    """A weekly lesson re-assigned to a teacher who gives it on another day or time is both."""
    old, new = change.before, change.after
    if kind != "reassigned" or old is None or new is None:
        return (kind,)
    if (old.weekday, old.start) != (new.weekday, new.start):
        return ("reassigned", "moved")
    return (kind,)


def dated_kinds(change: DatedChange) -> tuple[str, ...]:
    """A dated lesson that moves and also gets a new teacher (or classrooms) is both."""
    old, new = change.before, change.after
    if change.kind != "moved" or old is None or new is None:
        return (change.kind,)
    if old.teacher_id != new.teacher_id:
        return ("moved", "reassigned")
    if set(old.classroom_ids) != set(new.classroom_ids):
        return ("moved", "classrooms")
    return ("moved",)


def _weekly(preview: RebalancePreview, namer: Namer) -> tuple[list[WeeklyRow], int]:
    diff = preview.result.diff
    rows, outside = [], 0
    kinds: tuple[tuple[str, tuple[LessonChange, ...]], ...] = (
        ("moved", diff.moved),
        ("reassigned", diff.reassigned),
        ("cancelled", diff.cancelled),
        ("added", diff.added),
    )
    for kind, changes in kinds:
        for change in changes:
            teachers = {s.teacher_id for s in (change.before, change.after) if s is not None}
            if not namer.sees(teachers, {change.classroom_id}):
                outside += 1
                continue
            rows.append(
                WeeklyRow(
                    kind,
                    namer.classroom(change.classroom_id),
                    namer.subject(change.subject_id),
                    namer.slot(change.before, change.classroom_id),
                    namer.slot(change.after, change.classroom_id),
                    weekly_kinds(kind, change),
                )
            )
    return rows, outside


def _time(state: LessonState) -> str:
    zone = ZoneInfo(state.time_zone)
    return f"{state.start.astimezone(zone):%H:%M}–{state.end.astimezone(zone):%H:%M}"


def _dated(
    changes: tuple[DatedChange, ...], namer: Namer, now: dt.datetime, until: dt.date | None
) -> tuple[list[DatedRow], int]:
    rows, outside = [], 0
    for change in changes:
        if not namer.sees(change.teacher_ids, change.classroom_ids):
            outside += 1
            continue
        if until is not None and change.date > until:
            continue
        old, new = change.before, change.after
        times = [_time(state) for state in (old, new) if state is not None]
        rows.append(
            DatedRow(
                key=change.key,
                kind=change.kind,
                date=change.date,
                time=" → ".join(dict.fromkeys(times)),
                subject=namer.subject(change.subject_id),
                classrooms=_rooms(
                    namer, _ids(old) & _ids(new) if old and new else _ids(old or new)
                ),
                joined=_rooms(namer, _ids(new) - _ids(old) if old else set()),
                left=_rooms(namer, _ids(old) - _ids(new) if new else set()),
                before=namer.teacher(old.teacher_id) if old else "",
                after=namer.teacher(new.teacher_id) if new else "",
                started=old is not None and old.start <= now,
                kinds=dated_kinds(change),
            )
        )
    return rows, outside


def _ids(state: LessonState | None) -> set[str]:
    return set(state.classroom_ids) if state is not None else set()


def _rooms(namer: Namer, ids: set[str]) -> str:
    return "、".join(namer.classroom(room) for room in sorted(ids))


def _unmet(preview: RebalancePreview, namer: Namer) -> list[UnmetRow]:
    before = {(u.classroom_id, u.subject_id): u.periods for u in preview.base.unmet}
    rows = []
    for unmet in preview.result.diff.unmet:
        if not namer.viewer.scope.sees("classroom", unmet.classroom_id):
            continue
        reason = unmet.reason.text_zh if namer.lang == "zh" else unmet.reason.text_en
        new = unmet.periods > before.get((unmet.classroom_id, unmet.subject_id), 0)
        rows.append(
            UnmetRow(
                namer.classroom(unmet.classroom_id),
                namer.subject(unmet.subject_id),
                unmet.periods,
                reason,
                new,
            )
        )
    return sorted(rows, key=lambda row: (not row.new, row.classroom, row.subject))


def touched(preview: RebalancePreview) -> tuple[set[str], set[str]]:
    """Every teacher and classroom whose lessons the proposal changes."""
    diff = preview.result.diff
    changes = diff.moved + diff.reassigned + diff.cancelled + diff.added
    teachers = {s.teacher_id for c in changes for s in (c.before, c.after) if s is not None}
    classrooms = {c.classroom_id for c in changes}
    for dated in preview.dated:
        teachers |= dated.teacher_ids
        classrooms |= dated.classroom_ids
    return teachers, classrooms


def preview_view(
    preview: RebalancePreview,
    viewer: Viewer,
    *,
    lang: str,
    gettext: Gettext,
    now: dt.datetime,
    today: dt.date,
) -> PreviewView:
    week = today - dt.timedelta(days=today.weekday())
    namer = Namer(viewer.directory, viewer, lang, gettext, week)
    diff = preview.result.diff
    weekly, weekly_outside = _weekly(preview, namer)
    until = None if preview.dates else today + dt.timedelta(days=DATED_SHOWN_DAYS - 1)
    dated, dated_outside = _dated(preview.dated, namer, now, until)
    teachers, classrooms = touched(preview)
    dated_counts = dict.fromkeys(("reassigned", "moved", "cancelled", "added"), 0)
    for change in preview.dated:
        for kind in {DATED_COUNTED.get(k, k) for k in dated_kinds(change)}:
            dated_counts[kind] += 1
    counts = dict.fromkeys(("moved", "reassigned", "cancelled", "added"), 0)
    for kind in counts.copy():
        for change in getattr(diff, kind):
            for counted in weekly_kinds(kind, change):
                counts[counted] += 1
    return PreviewView(
        title=describe_change(preview.change, namer),
        span=describe_span(preview.dates, gettext),
        base_version_id=preview.base_version_id,
        seconds=preview.result.wall_seconds,
        counts={"kept": len(diff.kept), **counts},
        weekly=weekly,
        unaffected_changed=preview.result.unaffected_changed,
        dated=dated,
        dated_counts=dated_counts,
        dated_total=len(preview.dated),
        dated_shown_until=until,
        started=sum(row.started for row in dated),
        unmet=_unmet(preview, namer),
        teachers=sorted(
            (Named(t, namer.teacher(t)) for t in teachers if t in viewer.scope.teachers),
            key=lambda n: pinyin_key(n.name),
        ),
        classrooms=sorted(
            (Named(c, namer.classroom(c)) for c in classrooms if c in viewer.scope.classrooms),
            key=lambda n: pinyin_key(n.name),
        ),
        outside=max(weekly_outside, dated_outside),
        ending=list(preview.in_force) if preview.dates is None else [],
    )


def digest(preview: RebalancePreview) -> str:
    """A fingerprint of exactly what applying would store (for the Apply form)."""
    plan = preview.result.plan
    content = {
        "stamp": [preview.stamp.active_id, list(preview.stamp.temporary_ids)],
        "import": preview.stamp.import_run,
        "change": change_json(preview.change),
        "dates": [d.isoformat() for d in preview.dates] if preview.dates else None,
        "sessions": sorted(
            [s.id, s.teacher_id, s.subject_id, s.weekday, f"{s.start}", list(s.classroom_ids)]
            for s in plan.sessions
        ),
        "keys": sorted(preview.keys.items()),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:32]


DATED_KINDS = {
    "moved": N_("moved"),
    "reassigned": N_("new teacher"),
    "classrooms": N_("classrooms changed"),
    "cancelled": N_("cancelled"),
    "added": N_("new lesson"),
    "restored": N_("back on"),
}
WEEKLY_KINDS = {
    "moved": N_("moved"),
    "reassigned": N_("re-assigned"),
    "cancelled": N_("cancelled"),
    "added": N_("newly delivered"),
}
