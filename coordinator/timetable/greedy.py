"""A fast greedy construction: pinned broadcasts first, then the hardest needs first.

Used as the baseline in the benchmark, as the hint of a CP-SAT solve and as the start of the
decomposition. Each period goes to the option that best keeps the soft rules: join a broadcast
already running, stay with the classroom's teacher, use a new day, prefer alliance partners.
"""

from __future__ import annotations

import bisect
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from coordinator.timetable.plan import Draft
from coordinator.timetable.problem import Problem, mask_of, slots_of

SessionKey = tuple[int, str, int, int]  # (teacher, subject, slot, band)


def slot_conflicts(problem: Problem, gap: int) -> list[list[int]]:
    """Per slot, the slots that overlap it or lie closer than ``gap`` minutes."""
    slots = problem.slots
    order = sorted(range(len(slots)), key=lambda s: slots[s][0])
    starts = [slots[s][0] for s in order]
    longest = max((e - s for s, e in slots), default=0)
    conflicts: list[list[int]] = []
    for start, end in slots:
        lo = bisect.bisect_left(starts, start - longest - gap)
        hi = bisect.bisect_left(starts, end + gap)
        conflicts.append(
            [o for o in order[lo:hi] if slots[o][0] < end + gap and start < slots[o][1] + gap]
        )
    return conflicts


@dataclass(slots=True)
class GreedyState:
    """What is booked so far."""

    problem: Problem
    teacher_clash: list[list[int]]
    room_clash: list[list[int]]
    teacher_blocked: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    assistant_blocked: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    day_load: Counter[tuple[int, int]] = field(default_factory=Counter)
    week_load: Counter[int] = field(default_factory=Counter)
    sessions: dict[SessionKey, list[int]] = field(default_factory=dict)
    pinned_rooms: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    delivered: Counter[int] = field(default_factory=Counter)
    need_teachers: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    need_days: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))

    def book_teacher(self, teacher: int, slot: int) -> None:
        self.teacher_blocked[teacher].update(self.teacher_clash[slot])
        self.day_load[(teacher, self.problem.day_of(teacher, slot))] += 1
        self.week_load[teacher] += 1

    def teacher_free(self, teacher: int, slot: int) -> bool:
        info = self.problem.teachers[teacher]
        return (
            slot not in self.teacher_blocked[teacher]
            and self.week_load[teacher] < info.max_per_week
            and self.day_load[(teacher, self.problem.day_of(teacher, slot))] < info.max_per_day
        )

    def book_room(self, need: int | None, room: int, slot: int, teacher: int) -> None:
        self.assistant_blocked[self.problem.classrooms[room].assistant_id].update(
            self.room_clash[slot]
        )
        if need is not None:
            self.delivered[need] += 1
            self.need_teachers[need].add(teacher)
            self.need_days[need].add(self.problem.day_of(teacher, slot))

    def room_free(self, room: int, slot: int) -> bool:
        return slot not in self.assistant_blocked[self.problem.classrooms[room].assistant_id]

    def fits_session(self, key: SessionKey, room: int) -> bool:
        members = self.sessions[key]
        rooms = self.problem.classrooms
        limit = min([self.problem.options.max_classrooms_per_session, rooms[room].capacity])
        limit = min([limit] + [rooms[m].capacity for m in members])
        return len(members) < limit


def new_state(problem: Problem) -> GreedyState:
    """An empty booking, with the pinned sessions' teachers booked."""
    state = GreedyState(
        problem,
        slot_conflicts(problem, problem.options.teacher_buffer_minutes),
        slot_conflicts(problem, 0),
    )
    for pinned in problem.pinned:
        state.book_teacher(pinned.teacher, pinned.slot)
    return state


def greedy(problem: Problem, deadline: float = math.inf) -> list[Draft]:
    """A valid plan built period by period, pinned sessions first; what fits by the deadline."""
    state = new_state(problem)
    fill_pinned(state)
    _fill_needs(state, deadline)
    return drafts_of(state)


def extend(problem: Problem, drafts: list[Draft]) -> list[Draft]:
    """A valid plan kept as it is, with what still fits added (pinned first, then needs)."""
    state = new_state(problem)
    needs = problem.need_index()
    pinned = {p.id: i for i, p in enumerate(problem.pinned)}
    for draft in drafts:
        if draft.pinned_id is None:
            band = problem.classrooms[draft.classrooms[0]].band
            state.sessions[(draft.teacher, draft.subject_id, draft.slot, band)] = list(
                draft.classrooms
            )
            state.book_teacher(draft.teacher, draft.slot)
        else:
            state.pinned_rooms[pinned[draft.pinned_id]] = list(draft.classrooms)
        for room in draft.classrooms:
            need = needs.get((room, draft.subject_id))
            state.book_room(need, room, draft.slot, draft.teacher)
    fill_pinned(state)
    _fill_needs(state)
    return drafts_of(state)


def _fill_needs(state: GreedyState, deadline: float = math.inf) -> None:
    """Place periods need by need, the least flexible needs first, until the deadline."""
    problem = state.problem
    order = sorted(
        range(len(problem.needs)),
        key=lambda n: (_flexibility(problem, n), n),
    )
    index = _Index.of(state)
    for need in order:
        if time.monotonic() > deadline:
            return
        while state.delivered[need] < problem.needs[need].periods:
            if not _place_one(state, index, need):
                break


def _flexibility(problem: Problem, need: int) -> float:
    """Rough count of options per period needed: the least flexible needs go first."""
    info = problem.needs[need]
    return len(problem.nearby[need]) * len(problem.fits[info.classroom]) / info.periods


def fill_pinned(state: GreedyState) -> None:
    """Enrol classrooms with a need into pinned sessions, most constrained needs first."""
    problem = state.problem
    needs = problem.need_index()
    for index, pinned in enumerate(problem.pinned):
        for room in problem.joins[index]:
            need = needs.get((room, pinned.subject_id))
            rooms = state.pinned_rooms[index]
            limit = min(
                [pinned.capacity] + [problem.classrooms[r].capacity for r in [*rooms, room]]
            )
            if (
                need is not None
                and state.delivered[need] < problem.needs[need].periods
                and len(rooms) < limit
                and state.room_free(room, pinned.slot)
            ):
                rooms.append(room)
                state.book_room(need, room, pinned.slot, pinned.teacher)


@dataclass(slots=True)
class _Index:
    """Bit-mask views of a booking (bit s: slot s), kept in step by ``_place_one``.

    With them a teacher's usable slots for a need are a few ANDs instead of a test per option,
    which makes a placement several times cheaper at province scale. Built from the state at
    the start of a fill, so sessions booked before (pinned, kept drafts) are seen.
    """

    teacher_clash: list[int]  # per slot: slots a teacher cannot also take (with the buffer)
    room_clash: list[int]  # per slot: slots an assistant cannot also take
    day_slots: dict[int, list[int]]  # per UTC offset: per local weekday (0-7), its slots
    teacher_blocked: list[int]  # per teacher: slots clashing, or on a day already full
    assistant_blocked: dict[str, int]
    session_slots: dict[tuple[int, str, int], int]  # (teacher, subject, band): sessions' slots
    pools: dict[tuple[int, bool], tuple[int, ...]]  # (need, nearby only): teachers with options

    @classmethod
    def of(cls, state: GreedyState) -> _Index:
        problem = state.problem
        day_slots: dict[int, list[int]] = {}
        for offset in {info.offset for info in problem.teachers}:
            days = [0] * 8
            for slot, (start, _) in enumerate(problem.slots):
                days[((start + offset) // 1440) % 7 + 1] |= 1 << slot
            day_slots[offset] = days
        blocked = [mask_of(state.teacher_blocked.get(t, ())) for t in range(len(problem.teachers))]
        for (teacher, day), load in state.day_load.items():
            if load >= problem.teachers[teacher].max_per_day:
                blocked[teacher] |= day_slots[problem.teachers[teacher].offset][day]
        session_slots: dict[tuple[int, str, int], int] = defaultdict(int)
        for teacher, subject, slot, band in state.sessions:
            session_slots[(teacher, subject, band)] |= 1 << slot
        return cls(
            [mask_of(c) for c in state.teacher_clash],
            [mask_of(c) for c in state.room_clash],
            day_slots,
            blocked,
            {a: mask_of(s) for a, s in state.assistant_blocked.items()},
            session_slots,
            {},
        )

    def pool(self, problem: Problem, need: int, nearby: bool) -> tuple[int, ...]:
        """Teachers (qualified, nearby ones only if asked) free at a slot the need fits."""
        key = (need, nearby)
        if key not in self.pools:
            fit, free = problem.fit_masks()[problem.needs[need].classroom], problem.free_masks()
            teachers = problem.qualified[need]
            if nearby:
                wanted = set(problem.nearby[need])
                teachers = tuple(t for t in teachers if t in wanted)
            self.pools[key] = tuple(t for t in teachers if fit & free[t])
        return self.pools[key]


def _place_one(state: GreedyState, index: _Index, need: int) -> bool:
    """Book the best option for one more period: nearby teachers first, then anyone qualified."""
    problem = state.problem
    best = _best_option(state, index, need, True)
    if best is None and len(problem.nearby[need]) < len(problem.qualified[need]):
        best = _best_option(state, index, need, False)
    if best is None:
        return False
    _, teacher, slot = best
    info = problem.needs[need]
    band = problem.classrooms[info.classroom].band
    key = (teacher, info.subject_id, slot, band)
    if key not in state.sessions:
        state.sessions[key] = []
        state.book_teacher(teacher, slot)
        index.session_slots[(teacher, info.subject_id, band)] |= 1 << slot
        index.teacher_blocked[teacher] |= index.teacher_clash[slot]
        day = problem.day_of(teacher, slot)
        if state.day_load[(teacher, day)] >= problem.teachers[teacher].max_per_day:
            index.teacher_blocked[teacher] |= index.day_slots[problem.teachers[teacher].offset][day]
    state.sessions[key].append(info.classroom)
    state.book_room(need, info.classroom, slot, teacher)
    assistant = problem.classrooms[info.classroom].assistant_id
    index.assistant_blocked[assistant] = (
        index.assistant_blocked.get(assistant, 0) | index.room_clash[slot]
    )
    return True


def _best_option(
    state: GreedyState, index: _Index, need: int, nearby: bool
) -> tuple[float, int, int] | None:
    """The feasible option with the best score, the first in (teacher, slot) order on ties.

    A teacher's options score alike within each of four kinds (join a broadcast or open one,
    on a day the need has or a new one), so only the earliest slot of each kind is scored.
    A teacher whose week is full and who runs no session the need could join never will
    (in this fill): they leave the need's pool.
    """
    problem = state.problem
    info = problem.needs[need]
    room = info.classroom
    band = problem.classrooms[room].band
    fit = problem.fit_masks()[room] & ~index.assistant_blocked.get(
        problem.classrooms[room].assistant_id, 0
    )
    if not fit:
        return None
    free = problem.free_masks()
    days = state.need_days.get(need, ())
    joined, new_day = problem.options.weights.session * 3, problem.options.weights.same_day
    best: tuple[float, int, int] | None = None
    pool = index.pool(problem, need, nearby)
    spent: list[int] = []
    for teacher in pool:
        usable = fit & free[teacher]
        if not usable:
            continue
        running = index.session_slots.get((teacher, info.subject_id, band), 0)
        week_open = state.week_load[teacher] < problem.teachers[teacher].max_per_week
        if not running and not week_open:
            spent.append(teacher)
            continue
        joins = 0
        for slot in slots_of(running & usable):
            if state.fits_session((teacher, info.subject_id, slot, band), room):
                joins |= 1 << slot
        opens = usable & ~running & ~index.teacher_blocked[teacher] if week_open else 0
        if not joins | opens:
            continue
        day_slots = index.day_slots[problem.teachers[teacher].offset]
        had = 0
        for day in days:
            had |= day_slots[day]
        found: tuple[float, int] | None = None
        fixed, spare = _teacher_terms(state, need, teacher)
        for kind, bonus in (
            (joins & ~had, joined + new_day),
            (joins & had, joined),
            (opens & ~had, new_day),
            (opens & had, 0),
        ):
            if kind:
                slot = (kind & -kind).bit_length() - 1
                score = (bonus + fixed) + spare  # as ``_score``: whole terms, then the spare
                if found is None or (score, -slot) > (found[0], -found[1]):
                    found = (score, slot)
        if found is not None and (best is None or found[0] > best[0]):
            best = (found[0], teacher, found[1])
    if spent:
        gone = set(spent)
        index.pools[(need, nearby)] = tuple(t for t in pool if t not in gone)
    return best


def _teacher_terms(state: GreedyState, need: int, teacher: int) -> tuple[int, float]:
    """The terms of ``_score`` that depend on the teacher only: whole ones, and the spare."""
    problem = state.problem
    weights = problem.options.weights
    room = problem.classrooms[problem.needs[need].classroom]
    served = state.need_teachers.get(need, ())
    affinity = problem.affinity.get((problem.teachers[teacher].school_id, room.school_id), 0)
    spare = problem.teachers[teacher].max_per_week - state.week_load[teacher]
    whole = (
        (weights.continuity * 2 if teacher in served else 0)
        - (weights.continuity if served and teacher not in served else 0)
        + weights.alliance * affinity
    )
    return whole, 0.01 * spare


def _score(state: GreedyState, need: int, teacher: int, slot: int, joining: bool) -> float:
    problem = state.problem
    weights = problem.options.weights
    room = problem.classrooms[problem.needs[need].classroom]
    served = state.need_teachers[need]
    affinity = problem.affinity.get((problem.teachers[teacher].school_id, room.school_id), 0)
    spare = problem.teachers[teacher].max_per_week - state.week_load[teacher]
    return (
        (weights.session * 3 if joining else 0)
        + (weights.continuity * 2 if teacher in served else 0)
        - (weights.continuity if served and teacher not in served else 0)
        + (0 if problem.day_of(teacher, slot) in state.need_days[need] else weights.same_day)
        + weights.alliance * affinity
        + 0.01 * spare
    )


def drafts_of(state: GreedyState) -> list[Draft]:
    """The booking as drafts, pinned sessions included even when empty."""
    drafts = [Draft(k[0], k[1], k[2], tuple(sorted(r))) for k, r in state.sessions.items()]
    drafts += [
        Draft(p.teacher, p.subject_id, p.slot, tuple(sorted(state.pinned_rooms.get(i, []))), p.id)
        for i, p in enumerate(state.problem.pinned)
    ]
    return drafts
