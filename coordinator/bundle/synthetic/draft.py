"""The bundle while it is being drawn, with its random source and id counters."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from coordinator.bundle.synthetic.vocabulary import GIVEN, PLACE_FIRST, PLACE_SECOND, SURNAMES
from coordinator.domain import (
    Alliance,
    AllianceMember,
    Assistant,
    BellPeriod,
    BellSchedule,
    BusyBlock,
    CalendarDay,
    Classroom,
    Event,
    Need,
    NetworkTeacher,
    PinnedSession,
    Region,
    School,
)


@dataclass(slots=True)
class Draft:
    """The bundle while it is being drawn: plain lists that become the Bundle's tuples."""

    rng: random.Random
    regions: list[Region] = field(default_factory=list)
    schools: list[School] = field(default_factory=list)
    alliances: list[Alliance] = field(default_factory=list)
    members: list[AllianceMember] = field(default_factory=list)
    assistants: list[Assistant] = field(default_factory=list)
    classrooms: list[Classroom] = field(default_factory=list)
    teachers: list[NetworkTeacher] = field(default_factory=list)
    busy: list[BusyBlock] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
    pinned: list[PinnedSession] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    days: list[CalendarDay] = field(default_factory=list)
    bells: list[BellSchedule] = field(default_factory=list)  # beyond the shared shapes
    periods: list[BellPeriod] = field(default_factory=list)  # of those bell schedules
    places: list[str] = field(default_factory=list)
    issued: Counter[str] = field(default_factory=Counter)

    def new_id(self, prefix: str, width: int) -> str:
        """The next id of a kind: r-00001, c-000001, ..."""
        self.issued[prefix] += 1
        return f"{prefix}-{self.issued[prefix]:0{width}d}"

    def place(self) -> str:
        """The next village or county name, drawn without repeats until the pool runs out."""
        if not self.places:
            self.places = [a + b for a in PLACE_FIRST for b in PLACE_SECOND]
            self.rng.shuffle(self.places)
        return self.places.pop()

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.randint(1, 2)))

    def phone(self, prefix: str = "139") -> str:
        return f"{prefix}{self.rng.randrange(10**8):08d}"


def classrooms_of(draft: Draft, schools: list[School]) -> list[Classroom]:
    ids = {school.id for school in schools}
    return [classroom for classroom in draft.classrooms if classroom.school_id in ids]


def teachers_of(draft: Draft, schools: list[School]) -> list[NetworkTeacher]:
    ids = {school.id for school in schools}
    return [teacher for teacher in draft.teachers if teacher.school_id in ids]
