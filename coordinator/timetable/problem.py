"""The solver's problem: teachers, classrooms, needs and candidate session times on one clock.

Session length: a session is as long as the rural live period it is aligned to. Candidate times
are the distinct (start, end) pairs of every rural classroom's live periods on the common clock
(see ``clock``); a session fits a classroom if it starts no earlier than one of the classroom's
live periods and ends at most ``overrun_minutes`` after it, so a 45-minute session aligned to one
school fits a 40-minute period starting at the same instant in another. A teacher is free at a
candidate time on the weekdays their home school's bell schedule has periods (Monday–Friday if it
has none), outside their busy blocks and pinned sessions (plus the buffer). A whole weekday a
teacher's school is closed is given as a busy block; dated closures belong to the calendar.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from coordinator.errors import CoordinatorError
from coordinator.timetable.options import SolverOptions

Interval = tuple[int, int]  # [start, end) in common minutes
Option = tuple[int, int]  # (teacher index, slot index)


class ProblemError(CoordinatorError):
    """The data cannot be turned into a solvable problem (e.g. clashing pinned sessions)."""


@dataclass(frozen=True, slots=True)
class TeacherInfo:
    id: str
    school_id: str
    region_id: str
    offset: int  # UTC offset of the home school's zone, minutes
    subjects: frozenset[str]
    grades: frozenset[int]
    max_per_day: int
    max_per_week: int
    open_days: frozenset[int]  # local ISO weekdays the home school is open
    busy: tuple[Interval, ...]  # busy blocks, common minutes


@dataclass(frozen=True, slots=True)
class ClassroomInfo:
    id: str
    school_id: str
    region_id: str
    grade: int
    band: int  # index into options.grade_bands
    assistant_id: str
    capacity: int  # most classrooms in a session this classroom joins (network profile)
    offset: int
    live: tuple[Interval, ...]  # live periods, common minutes


@dataclass(frozen=True, slots=True)
class NeedInfo:
    classroom: int  # classroom index
    subject_id: str
    periods: int


@dataclass(frozen=True, slots=True)
class PinnedInfo:
    id: str
    teacher: int
    subject_id: str
    slot: int
    grades: frozenset[int]
    capacity: int
    open: bool
    for_classes: bool = True  # False: teachers or parents join it, never a classroom


def mask_of(slots: Iterable[int]) -> int:
    """A set of slot indices as a bit mask."""
    mask = 0
    for slot in slots:
        mask |= 1 << slot
    return mask


def slots_of(mask: int) -> list[int]:
    """The slot indices of a bit mask, in increasing order."""
    found = []
    while mask:
        low = mask & -mask
        found.append(low.bit_length() - 1)
        mask ^= low
    return found


@dataclass(frozen=True, slots=True)
class Problem:
    """Everything the model, the greedy, the validator and the explainer read."""

    options: SolverOptions
    teachers: tuple[TeacherInfo, ...]
    classrooms: tuple[ClassroomInfo, ...]
    needs: tuple[NeedInfo, ...]
    slots: tuple[Interval, ...]  # candidate session times; pinned sessions have their own
    pinned: tuple[PinnedInfo, ...]
    qualified: tuple[tuple[int, ...], ...]  # per need: teachers qualified for subject+grade
    nearby: tuple[tuple[int, ...], ...]  # per need: qualified teachers of its region or alliance
    fits: tuple[tuple[int, ...], ...]  # per classroom: regular slots inside its live periods
    free: tuple[frozenset[int], ...]  # per teacher: regular slots they are free for
    joins: tuple[tuple[int, ...], ...]  # per pinned session: classrooms that may join it
    affinity: Mapping[tuple[str, str], int]  # (teacher school, classroom school) -> weight
    subject_names: Mapping[str, tuple[str, str]]  # id -> (zh, en)
    need_of: Mapping[tuple[int, str], int]  # (classroom index, subject) -> need index
    # id -> what people call it: teachers by name, classrooms by school and room (explanations)
    names: Mapping[str, str] = field(default_factory=dict)
    # Slot sets as bit masks (bit s: slot s), made on first use: an option test is one AND.
    _masks: dict[str, list[int]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def name(self, ident: str) -> str:
        return self.names.get(ident, ident)

    def day_of(self, teacher: int, slot: int) -> int:
        """The teacher's local weekday of a slot."""
        offset = self.teachers[teacher].offset
        return ((self.slots[slot][0] + offset) // 1440) % 7 + 1

    def options_for(self, need: int, teachers: Collection[int] | None = None) -> list[Option]:
        """(teacher, slot) pairs that may serve a need, optionally among some teachers only."""
        pool = self.qualified[need]
        if teachers is not None:
            wanted = teachers if isinstance(teachers, set | frozenset) else set(teachers)
            pool = tuple(t for t in pool if t in wanted)
        fit = self.fit_masks()[self.needs[need].classroom]
        free = self.free_masks()
        return [(t, s) for t in pool if (common := fit & free[t]) for s in slots_of(common)]

    def fit_masks(self) -> list[int]:
        """Per classroom, its fitting slots as a bit mask."""
        if "fits" not in self._masks:
            self._masks["fits"] = [mask_of(f) for f in self.fits]
        return self._masks["fits"]

    def free_masks(self) -> list[int]:
        """Per teacher, the slots they are free for as a bit mask."""
        if "free" not in self._masks:
            self._masks["free"] = [mask_of(f) for f in self.free]
        return self._masks["free"]

    def option_count(self) -> int:
        """At most how many lesson options the whole problem has (cheap estimate)."""
        pairs = zip(self.qualified, self.needs, strict=True)
        return sum(len(q) * len(self.fits[n.classroom]) for q, n in pairs)

    def serves(self, need: int, teacher: int, slot: int) -> bool:
        """Whether a teacher may serve a need at a slot (qualified, fitting, free)."""
        return (
            slot in self.free[teacher]
            and slot in self.fits[self.needs[need].classroom]
            and teacher in self.qualified[need]
        )

    def need_index(self) -> Mapping[tuple[int, str], int]:
        """Needs by (classroom index, subject)."""
        return self.need_of

    def teacher_index(self) -> dict[str, int]:
        return {t.id: i for i, t in enumerate(self.teachers)}

    def classroom_index(self) -> dict[str, int]:
        return {c.id: i for i, c in enumerate(self.classrooms)}

    @property
    def demand_periods(self) -> int:
        return sum(n.periods for n in self.needs)
