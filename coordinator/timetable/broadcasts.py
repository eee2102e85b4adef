"""A broadcast-first construction: open the session that serves the most classrooms next.

On tight ground a teacher's weekly sessions are the scarce resource, so each one should carry
as many classrooms as it can (up to K, one grade band). Every candidate session (teacher,
subject, slot, band) is valued by the classrooms with an unmet need that could join it now;
values only fall as the plan fills (needs are met, rooms and teachers get booked), so a lazy
priority queue finds the best session without rescoring them all. Options are enumerated once
(``Takers``) and reused by every pass.

``construct`` then improves the plan until its deadline by ruin and recreate: the sessions of
a few teachers who share classrooms (or of one weekday) are taken out and the broadcast-first
pass refills the gap; a step is kept when the model's objective (``plan_score``) does not drop.
Every step leaves a valid plan, so the construction is anytime.
"""

from __future__ import annotations

import heapq
import logging
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass

from coordinator.timetable.bound import quick_bound
from coordinator.timetable.greedy import (
    GreedyState,
    SessionKey,
    drafts_of,
    fill_pinned,
    greedy,
    new_state,
    slot_conflicts,
)
from coordinator.timetable.plan import Draft
from coordinator.timetable.problem import Problem
from coordinator.timetable.score import plan_score, served_by

Value = tuple[int, float]  # (classrooms served, scarcity of their needs)
RUIN_TEACHERS = (2, 5)  # teachers whose sessions one ruin step takes out
BROADCAST_MAX_OPTIONS = 3_000_000  # (estimated) lesson options, above: greedy only
GREEDY_FIRST_OPTIONS = 100_000  # (estimated) lesson options, above: the greedy runs first
REPLAY_STEPS = 200  # ruin-and-recreate steps of a replayable (deterministic) solve
STALE_STEPS = 400  # stop after this many steps without a better plan
SPLIT_RUIN = 0.25  # share of ruin steps that free the teachers of a split classroom x subject
LATE_ACCEPTANCE = 20  # a step may score below the current plan, not below the one this many ago

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Takers:
    """Per candidate session, the needs that may join it; per need, its scarcity."""

    sessions: dict[SessionKey, list[int]]
    scarcity: list[float]  # periods needed per option
    teachers_of: list[set[int]]  # per need: teachers who could serve it
    keys_of: list[list[SessionKey]]  # per need: the candidate sessions it may join

    def around(self, needs: set[int]) -> Takers:
        """Only the candidate sessions some of the given needs may join (only those can open)."""
        keys = {key for n in needs for key in self.keys_of[n]}
        sessions = {key: self.sessions[key] for key in keys}
        return Takers(sessions, self.scarcity, self.teachers_of, self.keys_of)


def takers_of(problem: Problem, deadline: float = math.inf) -> Takers:
    """Every need's options, enumerated once (needs reached after the deadline get none)."""
    sessions: dict[SessionKey, list[int]] = defaultdict(list)
    scarcity: list[float] = []
    teachers_of: list[set[int]] = []
    keys_of: list[list[SessionKey]] = []
    for need, info in enumerate(problem.needs):
        band = problem.classrooms[info.classroom].band
        options = problem.options_for(need) if time.monotonic() < deadline else []
        scarcity.append(info.periods / max(1, len(options)))
        teachers_of.append({t for t, _ in options})
        keys_of.append([(teacher, info.subject_id, slot, band) for teacher, slot in options])
        for key in keys_of[-1]:
            sessions[key].append(need)
    return Takers(dict(sessions), scarcity, teachers_of, keys_of)


def construct(problem: Problem, deadline: float, *, improve: bool = True) -> list[Draft]:
    """The best plan the constructions reach by the deadline (never worse than the greedy).

    ``improve=False``: the better of the two constructions, without ruin and recreate.

    Above BROADCAST_MAX_OPTIONS lesson options (a province) enumerating every option would
    cost more than it brings: the greedy alone builds the plan, within the deadline.
    """
    options = problem.option_count()
    if options > BROADCAST_MAX_OPTIONS:
        return greedy(problem, deadline)
    # A district: enumerating every option and filling broadcasts can outlast a short time
    # limit, so the greedy (bounded by the deadline) makes a complete plan first.
    early = greedy(problem, deadline) if options > GREEDY_FIRST_OPTIONS else None
    takers = takers_of(problem, deadline)
    clashes = Clashes(
        slot_conflicts(problem, problem.options.teacher_buffer_minutes),
        slot_conflicts(problem, 0),
    )
    best = drafts_of(fill_broadcasts(_pinned_state(problem), takers, deadline))
    best_score = plan_score(problem, best)
    if early is None and time.monotonic() < deadline:
        early = greedy(problem, deadline)
    if early is not None and (other_score := plan_score(problem, early)) > best_score:
        best, best_score = early, other_score
    if not improve:
        return best
    return _late_acceptance(problem, best, takers, clashes, deadline)


def _late_acceptance(
    problem: Problem, start: list[Draft], takers: Takers, clashes: Clashes, deadline: float
) -> list[Draft]:
    """Ruin and recreate with late acceptance: a step is taken when its plan scores at least
    as well as the current plan, or as the plan of LATE_ACCEPTANCE steps ago (so the search
    can walk through a slightly worse plan out of a local optimum); the best plan is kept."""
    rng = random.Random(problem.options.seed)
    best = current = start
    best_score = current_score = plan_score(problem, start)
    history = [current_score] * LATE_ACCEPTANCE
    steps = stale = 0
    enough = quick_bound(problem)
    delivered = _delivered(problem, best)  # of the best plan, counted only when it changes
    while (
        time.monotonic() < deadline
        and steps < _step_cap(problem)
        and stale < STALE_STEPS
        and delivered < enough  # all that can be is delivered: CP-SAT polishes
    ):
        candidate = ruin_and_recreate(problem, current, takers, rng, deadline, clashes)
        score = plan_score(problem, candidate)
        late = steps % LATE_ACCEPTANCE
        if score >= current_score or score >= history[late]:
            current, current_score = candidate, score
        history[late] = max(history[late], current_score)
        stale = 0 if current_score > best_score else stale + 1
        if current_score > best_score:
            best, best_score = current, current_score
            delivered = _delivered(problem, best)
        steps += 1
    logger.info("construction: %d ruin-and-recreate steps, score %d", steps, best_score)
    return best


def _delivered(problem: Problem, drafts: list[Draft]) -> int:
    served = served_by(problem, drafts).delivered
    return sum(min(count, problem.needs[need].periods) for need, count in served.items())


def _step_cap(problem: Problem) -> float:
    """Replay (``lns_steps`` or ``deterministic_time`` set): a fixed number of steps."""
    if problem.options.lns_steps is not None:
        return 20 * problem.options.lns_steps
    return math.inf if problem.options.deterministic_time is None else REPLAY_STEPS


def _pinned_state(problem: Problem) -> GreedyState:
    state = new_state(problem)
    fill_pinned(state)
    return state


@dataclass(frozen=True, slots=True)
class Clashes:
    """Per slot, the slots a teacher (with the buffer) or an assistant cannot also take."""

    teacher: list[list[int]]
    room: list[list[int]]


def ruin_and_recreate(
    problem: Problem,
    drafts: list[Draft],
    takers: Takers,
    rng: random.Random,
    deadline: float,
    clashes: Clashes | None = None,
) -> list[Draft]:
    """The plan with a few related teachers' sessions taken out and the gap refilled.

    Only candidate sessions that a need still short may join are considered for the refill
    (every other one would be skipped anyway), which keeps a step cheap.
    """
    freed = _ruined_teachers(problem, drafts, takers, rng)
    if clashes is None:
        state = new_state(problem)
    else:
        state = GreedyState(problem, clashes.teacher, clashes.room)
        for session in problem.pinned:
            state.book_teacher(session.teacher, session.slot)
    needs = problem.need_index()
    pinned = {p.id: i for i, p in enumerate(problem.pinned)}
    for draft in drafts:
        if draft.pinned_id is None:
            if draft.teacher in freed:
                continue
            band = problem.classrooms[draft.classrooms[0]].band
            state.sessions[(draft.teacher, draft.subject_id, draft.slot, band)] = list(
                draft.classrooms
            )
            state.book_teacher(draft.teacher, draft.slot)
        else:
            state.pinned_rooms[pinned[draft.pinned_id]] = list(draft.classrooms)
        for room in draft.classrooms:
            state.book_room(needs.get((room, draft.subject_id)), room, draft.slot, draft.teacher)
    short = {
        n
        for n, info in enumerate(problem.needs)
        if state.delivered[n] < info.periods and takers.keys_of[n]
    }
    return drafts_of(fill_broadcasts(state, takers.around(short), deadline, rng))


def _ruined_teachers(
    problem: Problem, drafts: list[Draft], takers: Takers, rng: random.Random
) -> set[int]:
    """A teacher around an unmet need (or any teacher), grown through needs they could share;
    sometimes the teachers who split one classroom's subject (so the refill can reunite it)."""
    needs = problem.need_index()
    delivered: defaultdict[int, int] = defaultdict(int)
    teachers_of: defaultdict[int, set[int]] = defaultdict(set)
    for draft in drafts:
        for room in draft.classrooms:
            if (need := needs.get((room, draft.subject_id))) is not None:
                delivered[need] += 1
                teachers_of[need].add(draft.teacher)
    split = [n for n, teachers in teachers_of.items() if len(teachers) > 1]
    unmet = [
        n
        for n, info in enumerate(problem.needs)
        if delivered[n] < info.periods and takers.teachers_of[n]
    ]
    size = rng.randint(*RUIN_TEACHERS)
    if split and rng.random() < SPLIT_RUIN:
        frontier = sorted(teachers_of[split[rng.randrange(len(split))]])
    elif unmet:
        frontier = sorted(takers.teachers_of[rng.choice(unmet)])
    else:
        frontier = [rng.randrange(len(problem.teachers))]
    chosen: set[int] = set()
    while frontier and len(chosen) < size:
        teacher = frontier.pop(rng.randrange(len(frontier)))
        chosen.add(teacher)
        if not frontier:
            related = [n for n in unmet if teacher in takers.teachers_of[n]]
            if related:
                frontier = sorted(takers.teachers_of[rng.choice(related)] - chosen)
    return chosen


def fill_broadcasts(
    state: GreedyState, takers: Takers, deadline: float, rng: random.Random | None = None
) -> GreedyState:
    """Open sessions by how many classrooms they serve, until none serves one or the deadline.

    With ``rng``, the scarcity of each need (the tie-break) is shaken, so passes differ.
    """
    scarcity, continuity = takers.scarcity, 1
    if rng is not None:
        scarcity = [s * rng.uniform(0.3, 1.7) for s in scarcity]
        continuity = rng.randint(0, 1)  # some passes keep teachers, others only fill
    heap: list[tuple[int, float, float, SessionKey]] = [
        (-len(needs), -math.inf, 0.0, key) for key, needs in takers.sessions.items()
    ]
    heapq.heapify(heap)
    while heap and time.monotonic() < deadline:
        _, _, _, key = heapq.heappop(heap)
        chosen = _joiners(state, key, takers.sessions[key], scarcity)
        if not chosen:
            continue
        value = (
            -len(chosen),
            -_kept_teachers(state, key[0], chosen) * continuity,
            -sum(scarcity[n] for n in chosen),
        )
        if heap and heap[0][:3] < value:
            heapq.heappush(heap, (*value, key))  # no longer the best: later
            continue
        _open(state, key, chosen)
    return state


def _kept_teachers(state: GreedyState, teacher: int, needs: list[int]) -> int:
    """Continuity: needs this teacher serves already, less needs served by someone else."""
    served = state.need_teachers
    return sum(
        (teacher in served[n]) - (bool(served[n]) and teacher not in served[n]) for n in needs
    )


def _other_teacher(teachers: set[int], teacher: int) -> int:
    """-1: the need is served by this teacher already, 0: by nobody yet, 1: by someone else."""
    if teacher in teachers:
        return -1
    return 1 if teachers else 0


def _joiners(
    state: GreedyState, key: SessionKey, needs: list[int], scarcity: list[float]
) -> list[int]:
    """The needs that would join this session now (opened or not), up to K: the needs this
    teacher serves already first, then those nobody serves yet (continuity), scarcest first."""
    problem = state.problem
    rooms = problem.classrooms
    teacher, _, slot, _ = key
    members = state.sessions.get(key)
    if members is None and not state.teacher_free(teacher, slot):
        return []
    open_needs = [
        n
        for n in needs
        if state.delivered[n] < problem.needs[n].periods
        and state.room_free(problem.needs[n].classroom, slot)
    ]
    served = state.need_teachers
    open_needs.sort(key=lambda n: (_other_teacher(served[n], teacher), -scarcity[n]))
    members = members or []
    limit = min([problem.options.max_classrooms_per_session] + [rooms[m].capacity for m in members])
    chosen: list[int] = []
    assistants = {rooms[m].assistant_id for m in members}
    for need in open_needs:
        room = rooms[problem.needs[need].classroom]
        taken = len(members) + len(chosen)
        if room.assistant_id in assistants or taken >= min(limit, room.capacity):
            continue
        chosen.append(need)
        assistants.add(room.assistant_id)
        limit = min(limit, room.capacity)
    return chosen


def _open(state: GreedyState, key: SessionKey, needs: list[int]) -> None:
    """Open the session (unless it runs already) and enrol the needs' classrooms."""
    problem = state.problem
    teacher, _, slot, _ = key
    if key not in state.sessions:
        state.sessions[key] = []
        state.book_teacher(teacher, slot)
    for need in needs:
        room = problem.needs[need].classroom
        state.sessions[key].append(room)
        state.book_room(need, room, slot, teacher)
