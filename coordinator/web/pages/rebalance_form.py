"""The Rebalance forms: what an admin may choose, and a posted form checked field by field.

A posted form becomes a `ChangeRequest` (the fields as typed, kept to be posted again with
Apply or "preview again") and the change it names. A field left empty or badly formed is a
`FormErrors` entry under that field's name; an id that is not in the admin's scope (only a
forged form sends one) answers 404, exactly as an id that does not exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from coordinator.domain import Classroom, Need
from coordinator.timetable.changes import (
    Change,
    ClassroomAdded,
    ClassroomRemoved,
    NeedAdded,
    NeedRemoved,
    TeacherUnavailable,
)
from coordinator.timetable.plan import Plan
from coordinator.web.pages.access import Viewer, require_object
from coordinator.web.pages.base import N_

KINDS = ("teacher", "need-add", "need-remove", "classroom-remove", "classroom-add")
REASONS = {
    "sick": N_("sick leave"),
    "training": N_("training"),
    "left": N_("left the school"),
    "other": N_("other reason"),
}
MAX_PERIODS = 20
MAX_DAYS = 366


class FormErrors(Exception):
    """Field name -> message id (with its format values)."""

    def __init__(self, errors: dict[str, tuple[str, dict[str, object]]]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    """The posted fields, as typed."""

    kind: str = ""
    teacher: str = ""
    weekdays: tuple[str, ...] = ()
    reason: str = ""
    classroom: str = ""
    subject: str = ""
    periods: str = ""
    need: str = ""
    span: str = ""
    first: str = ""
    last: str = ""

    @classmethod
    def of(cls, form: MultiMapping[Any]) -> ChangeRequest:
        def one(name: str) -> str:
            value = form.get(name, "")
            return value.strip()[:100] if isinstance(value, str) else ""

        days = tuple(v for v in form.getall("weekdays", []) if isinstance(v, str))[:7]
        values = {f.name: one(f.name) for f in fields(cls) if f.name != "weekdays"}
        return cls(weekdays=days, **values)

    def hidden(self) -> list[tuple[str, str]]:
        """The fields to post again, as (name, value) pairs."""
        pairs = [(f.name, getattr(self, f.name)) for f in fields(self) if f.name != "weekdays"]
        return [(k, v) for k, v in pairs if v] + [("weekdays", d) for d in self.weekdays]


@dataclass(frozen=True, slots=True)
class Parsed:
    request: ChangeRequest
    change: Change
    dates: tuple[dt.date, dt.date] | None
    note: str


@dataclass
class _Checker:
    viewer: Viewer
    today: dt.date
    errors: dict[str, tuple[str, dict[str, object]]] = field(default_factory=dict)

    def fail(self, name: str, message: str, **values: object) -> None:
        self.errors.setdefault(name, (message, values))

    def in_scope(self, kind: str, object_id: str, name: str, message: str) -> str:
        if not object_id:
            self.fail(name, message)
        else:
            require_object(self.viewer, kind, object_id)
        return object_id

    def date(self, name: str, text: str, label: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail(name, N_("Enter the %(day)s as a date, e.g. 2026-11-23."), day=label)
            return None

    def dates(self, request: ChangeRequest) -> tuple[dt.date, dt.date] | None:
        if request.span == "now":
            return None
        if request.span != "dates":
            self.fail("span", N_("Choose “from now on” or “only these dates”."))
            return None
        first = self.date("first", request.first, N_("first day"))
        last = self.date("last", request.last, N_("last day"))
        if first is None or last is None:
            return None
        if first < self.today:
            self.fail("first", N_("The first day is before today: lessons already given stay."))
        elif last < first:
            self.fail("last", N_("The last day is before the first day."))
        elif (last - first).days >= MAX_DAYS:
            self.fail(
                "last", N_("At most %(n)d days: for longer, choose “from now on”."), n=MAX_DAYS
            )
        return first, last


def _teacher(check: _Checker, request: ChangeRequest) -> Change | None:
    teacher = check.in_scope("teacher", request.teacher, "teacher", N_("Choose a teacher."))
    days = []
    for text in request.weekdays:
        if not text.isdigit() or not 1 <= int(text) <= 7:
            check.fail("weekdays", N_("Weekdays are Monday to Sunday."))
        else:
            days.append(int(text))
    if request.reason not in REASONS:
        check.fail("reason", N_("Choose why the teacher is away."))
    return TeacherUnavailable(teacher, tuple(sorted(set(days))))


def _need_add(check: _Checker, request: ChangeRequest) -> Change | None:
    room = check.in_scope("classroom", request.classroom, "classroom", N_("Choose a classroom."))
    if request.subject not in check.viewer.directory.subjects:
        check.fail("subject", N_("Choose a subject."))
    periods = int(request.periods) if request.periods.isdigit() else 0
    if not 1 <= periods <= MAX_PERIODS:
        message = N_("Periods a week: a whole number from 1 to %(n)d.")
        check.fail("periods", message, n=MAX_PERIODS)
    return NeedAdded(Need(room, request.subject, periods))


def _need_remove(check: _Checker, request: ChangeRequest) -> Change | None:
    room, _, subject = request.need.rpartition(":")
    check.in_scope("classroom", room, "need", N_("Choose a need to remove."))
    needs = {(n.classroom_id, n.subject_id) for n in check.viewer.directory.bundle.needs}
    if room and (room, subject) not in needs:
        check.fail("need", N_("This classroom has no such need in the current data."))
    return NeedRemoved(room, subject)


def _classroom_remove(check: _Checker, request: ChangeRequest) -> Change | None:
    message = N_("Choose a classroom.")
    return ClassroomRemoved(check.in_scope("classroom", request.classroom, "classroom", message))


def _classroom_add(check: _Checker, request: ChangeRequest, plan: Plan | None) -> Change | None:
    message = N_("Choose a classroom.")
    room = check.in_scope("classroom", request.classroom, "classroom", message)
    new = {c.id: c for c in new_classrooms(check.viewer, plan)}
    if room and room not in new:
        check.fail("classroom", N_("This classroom is in the timetable already."))
        return None
    bundle = check.viewer.directory.bundle
    needs = tuple(n for n in bundle.needs if n.classroom_id == room)
    return ClassroomAdded(new[room], needs) if room else None


def parse(form: MultiMapping[Any], viewer: Viewer, today: dt.date, plan: Plan | None) -> Parsed:
    """The change a posted form names; FormErrors for the fields to fix."""
    request = ChangeRequest.of(form)
    check = _Checker(viewer, today)
    change: Change | None = None
    if request.kind == "teacher":
        change = _teacher(check, request)
    elif request.kind == "need-add":
        change = _need_add(check, request)
    elif request.kind == "need-remove":
        change = _need_remove(check, request)
    elif request.kind == "classroom-remove":
        change = _classroom_remove(check, request)
    elif request.kind == "classroom-add":
        change = _classroom_add(check, request, plan)
    else:
        check.fail("kind", N_("Choose what to change."))
    dates = check.dates(request)
    if check.errors or change is None:
        raise FormErrors(check.errors or {"kind": (N_("Choose what to change."), {})})
    return Parsed(request, change, dates, note_of(request, dates))


def note_of(request: ChangeRequest, dates: tuple[dt.date, dt.date] | None) -> str:
    """The version's note: what happened, in the store's plain words."""
    what = {
        "teacher": f"{request.teacher} unavailable ({request.reason})"
        + (f" on weekdays {','.join(request.weekdays)}" if request.weekdays else ""),
        "need-add": f"{request.classroom} needs {request.subject} x{request.periods}",
        "need-remove": f"need {request.need} removed",
        "classroom-remove": f"classroom {request.classroom} removed",
        "classroom-add": f"classroom {request.classroom} added",
    }[request.kind]
    return what + (f", {dates[0]} to {dates[1]}" if dates else ", from now on")


def new_classrooms(viewer: Viewer, plan: Plan | None) -> list[Classroom]:
    """Classrooms in scope the imported data holds with needs, but the timetable lacks."""
    bundle = viewer.directory.bundle
    known: set[str] = set()
    if plan is not None:
        known = {room for s in plan.sessions for room in s.classroom_ids}
        known |= {unmet.classroom_id for unmet in plan.unmet}
    with_needs = {n.classroom_id for n in bundle.needs}
    return [
        c
        for c in bundle.classrooms
        if c.id in with_needs and c.id not in known and viewer.scope.sees("classroom", c.id)
    ]


def prefill(request: web.Request, viewer: Viewer, today: dt.date) -> ChangeRequest:
    """The form's starting values: ?teacher= or ?classroom= (in scope), a sick week from today."""
    teacher, room = request.query.get("teacher", ""), request.query.get("classroom", "")
    if teacher:
        require_object(viewer, "teacher", teacher)
    if room:
        require_object(viewer, "classroom", room)
    friday = today + dt.timedelta(days=(4 - today.weekday()) % 7)
    return ChangeRequest(
        kind="teacher",
        teacher=teacher,
        classroom=room,
        reason="sick",
        periods="1",
        span="dates",
        first=today.isoformat(),
        last=friday.isoformat(),
    )
