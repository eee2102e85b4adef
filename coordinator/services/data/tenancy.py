"""Several counties on one server: the part of the data a region owns, and a region's upload.

Every row of a bundle belongs to the regions it reaches (a school to its region, a classroom to
its school's, an alliance to every school it joins, an event to its audience and host, a bell
schedule and its periods to the regions of the schools that ring it) or is shared by all
(subjects, bell schedules no school uses, terms and calendar days for every region). A region
admin's export holds the region's own rows and the shared rows they use; their upload may add,
change or drop only rows wholly inside the region, may add shared rows but not change them, may
repeat other counties' rows only unchanged, and leaves every other county's rows exactly as they
were.
Pure: plain bundles in, a bundle or a refusal naming the rows out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from coordinator import domain
from coordinator.enums import AudienceKind
from coordinator.errors import CoordinatorError

SHARED_TABLES = ("subjects", "bell_schedules", "bell_periods")  # shared unless a school rings them
TABLES = (
    "regions",
    "schools",
    "alliances",
    "alliance_members",
    "bell_schedules",
    "bell_periods",
    "terms",
    "calendar_days",
    "subjects",
    "assistants",
    "classrooms",
    "network_teachers",
    "busy_blocks",
    "needs",
    "pinned_sessions",
    "events",
)


class OutsideRegion(CoordinatorError):
    """An upload adds or changes rows outside the admin's region; nothing is written."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(names)
        shown = ", ".join(self.names[:20]) + (" …" if len(self.names) > 20 else "")
        super().__init__(f"the file changes data outside your scope: {shown}")


@dataclasses.dataclass(frozen=True, slots=True)
class Owners:
    """Which region each school, teacher, classroom and alliance belongs to."""

    school: Mapping[str, str]
    teacher: Mapping[str, str]
    classroom: Mapping[str, str]
    alliance: Mapping[str, frozenset[str]]
    schedule: Mapping[str, frozenset[str]] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, *bundles: domain.Bundle) -> Owners:
        """The first bundle given wins: an upload's own rows, then the stored data's."""
        school: dict[str, str] = {}
        teacher: dict[str, str] = {}
        classroom: dict[str, str] = {}
        alliance: dict[str, set[str]] = {}
        rings: dict[str, tuple[str, str]] = {}  # school -> (region, bell schedule)
        for bundle in reversed(bundles):
            school |= {s.id: s.region_id for s in bundle.schools}
            rings |= {s.id: (s.region_id, s.bell_schedule_id) for s in bundle.schools}
        schedule: dict[str, set[str]] = {}
        for region, bells in rings.values():
            schedule.setdefault(bells, set()).add(region)
        for bundle in reversed(bundles):
            teacher |= {t.id: school.get(t.school_id, "?") for t in bundle.network_teachers}
            classroom |= {c.id: school.get(c.school_id, "?") for c in bundle.classrooms}
            for a in bundle.alliances:
                alliance[a.id] = {school.get(a.lead_school_id, "?")}
            for m in bundle.alliance_members:
                alliance.setdefault(m.alliance_id, set()).add(school.get(m.school_id, "?"))
        alliances = {k: frozenset(v) for k, v in alliance.items()}
        schedules = {k: frozenset(v) for k, v in schedule.items()}
        return cls(school, teacher, classroom, alliances, schedules)

    def of_row(self, table: str, row: Any) -> frozenset[str]:
        """The regions a row reaches; empty for a row every region shares."""
        return frozenset(_REACH[table](self, row))


def _event(owners: Owners, event: domain.Event) -> set[str]:
    kind, target = event.audience_kind, event.audience_id
    found = {
        AudienceKind.REGION: {target},
        AudienceKind.SCHOOL: {owners.school.get(target, "?")},
        AudienceKind.CLASSROOM: {owners.classroom.get(target, "?")},
        AudienceKind.ALLIANCE: set(owners.alliance.get(target, {"?"})),
    }[kind]
    if event.host_teacher_id:
        found.add(owners.teacher.get(event.host_teacher_id, "?"))
    return found


def _day(owners: Owners, day: domain.CalendarDay | domain.Term) -> set[str]:
    if isinstance(day, domain.CalendarDay) and day.school_id:
        return {owners.school.get(day.school_id, "?")}
    return {day.region_id} if day.region_id else set()


_REACH: dict[str, Callable[[Owners, Any], set[str]]] = {
    "regions": lambda _o, r: {r.id},
    "schools": lambda _o, r: {r.region_id},
    "alliances": lambda o, r: set(o.alliance.get(r.id, {"?"})),
    "alliance_members": lambda o, r: (
        set(o.alliance.get(r.alliance_id, {"?"})) | {o.school.get(r.school_id, "?")}
    ),
    "bell_schedules": lambda o, r: set(o.schedule.get(r.id, ())),
    "bell_periods": lambda o, r: set(o.schedule.get(r.bell_schedule_id, ())),
    "subjects": lambda _o, _r: set(),
    "terms": _day,
    "calendar_days": _day,
    "assistants": lambda o, r: {o.school.get(r.school_id, "?")},
    "classrooms": lambda o, r: {o.school.get(r.school_id, "?")},
    "network_teachers": lambda o, r: {o.school.get(r.school_id, "?")},
    "busy_blocks": lambda o, r: {o.teacher.get(r.teacher_id, "?")},
    "needs": lambda o, r: {o.classroom.get(r.classroom_id, "?")},
    "pinned_sessions": lambda o, r: {o.teacher.get(r.teacher_id, "?")},
    "events": _event,
}


def _key(table: str, row: Any) -> tuple[Any, ...]:
    """The natural key of a row (the same as the stored tables')."""
    if hasattr(row, "id"):
        return (row.id,)
    keys = {
        "alliance_members": ("alliance_id", "school_id"),
        "bell_periods": ("bell_schedule_id", "weekday", "period"),
        "calendar_days": ("date", "region_id", "school_id"),
        "busy_blocks": ("teacher_id", "weekday", "start"),
        "needs": ("classroom_id", "subject_id"),
    }[table]
    return tuple(getattr(row, name) for name in keys)


def _name(table: str, row: Any) -> str:
    return f"{table}:{'/'.join(str(part) for part in _key(table, row))}"


def region_part(bundle: domain.Bundle, region_id: str) -> domain.Bundle:
    """What a region admin may download: the region's rows and the shared rows they use."""
    owners, own = Owners.of(bundle), frozenset({region_id})
    tables: dict[str, Any] = {
        table: tuple(row for row in getattr(bundle, table) if owners.of_row(table, row) <= own)
        for table in TABLES
    }
    schedules = {school.bell_schedule_id for school in tables["schools"]}
    tables["bell_schedules"] = tuple(b for b in bundle.bell_schedules if b.id in schedules)
    tables["bell_periods"] = tuple(
        p for p in bundle.bell_periods if p.bell_schedule_id in schedules
    )
    return dataclasses.replace(bundle, **tables)


def merge_region(current: domain.Bundle, uploaded: domain.Bundle, region_id: str) -> domain.Bundle:
    """The stored data with the region's rows replaced by the upload's; OutsideRegion names
    every uploaded row that reaches beyond the region, changes a shared row, or takes over a
    stored row of another region."""
    owners = Owners.of(uploaded, current)
    stored_owners = Owners.of(current)
    own = frozenset({region_id})
    refused: list[str] = []
    tables: dict[str, Any] = {}
    for table in TABLES:
        stored = {_key(table, row): row for row in getattr(current, table)}
        kept = [row for row in stored.values() if stored_owners.of_row(table, row) != own]
        for row in getattr(uploaded, table):
            reach = owners.of_row(table, row)
            before = stored.get(_key(table, row))
            if not reach:  # shared: may be added, not changed
                if before is None:
                    kept.append(row)
                elif before != row:
                    refused.append(_name(table, row))
                continue
            was = stored_owners.of_row(table, before) if before is not None else own
            if before == row and was != own:  # another county's row, unchanged: kept as stored
                continue
            if reach != own or was != own:
                refused.append(_name(table, row))
            else:
                kept.append(row)
        tables[table] = tuple(kept)
    if refused:
        raise OutsideRegion(refused)
    return dataclasses.replace(current, **tables)
