"""Small ruin-and-recreate moves for a rebalance, within a budget of changed lessons.

On tight ground the needs a change leaves short can rarely be served by adding lessons: the
teachers who could serve them have no session to spare, or the classroom's free periods do not
meet theirs. A move takes out one to three sessions around a short need (sessions of teachers
who could serve it, or sessions that hold its assistant's time) and refills the gap
broadcast-first (``fill_broadcasts``). A move is kept when the plan delivers more, or as much
with a score not lower, and the lessons of unaffected teachers it changed stay within the
budget. Each move is cheap, so many fit in a rebalance's second.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections import Counter

from coordinator.timetable.broadcasts import Clashes, Takers, fill_broadcasts
from coordinator.timetable.greedy import GreedyState, drafts_of, slot_conflicts
from coordinator.timetable.plan import Draft
from coordinator.timetable.problem import Problem
from coordinator.timetable.score import plan_score

logger = logging.getLogger(__name__)

Lesson = tuple[int, str, int, int]  # (classroom, subject, teacher, slot)
RUINED_SESSIONS = (1, 2, 3)  # sessions one move takes out, mostly one: changes are scarce
RUINED_WEIGHTS = (6, 3, 1)
REPLAY_MOVES = 60  # moves of a replayable rebalance (``lns_steps`` or ``deterministic_time``)


def lessons_of(drafts: list[Draft]) -> Counter[Lesson]:
    return Counter((room, d.subject_id, d.teacher, d.slot) for d in drafts for room in d.classrooms)


def changed(before: Counter[Lesson], drafts: list[Draft]) -> int:
    """Lessons of `before` the drafts no longer hold (same classroom, teacher and time)."""
    return sum((before - lessons_of(drafts)).values())


def repair(
    problem: Problem,
    drafts: list[Draft],
    protected: Counter[Lesson],
    budget: int,
    takers: Takers,
    deadline: float,
) -> list[Draft]:
    """Improve the drafts by small moves until the deadline; never worse, never over budget.

    `protected`: the previous lessons of unaffected teachers; at most `budget` of them change.
    """
    rng = random.Random(problem.options.seed)
    clashes = Clashes(
        slot_conflicts(problem, problem.options.teacher_buffer_minutes),
        slot_conflicts(problem, 0),
    )
    best, best_key = drafts, _key(problem, drafts, changed(protected, drafts))
    short = _short(problem, best)
    steps = kept = 0
    replay = problem.options.lns_steps is not None or problem.options.deterministic_time is not None
    while short and ((steps < REPLAY_MOVES) if replay else (time.monotonic() < deadline)):
        candidate = _move(
            problem, best, takers, short, clashes, rng, math.inf if replay else deadline
        )
        steps += 1
        changes = changed(protected, candidate)
        if changes > budget or _delivered(problem, candidate) < best_key[0]:
            continue  # most moves end here, before the objective is computed
        key = _key(problem, candidate, changes)
        if key >= best_key:
            kept += key > best_key
            best, best_key, short = candidate, key, _short(problem, candidate)
    logger.info("repair: %d moves, %d improving, delivered %d", steps, kept, best_key[0])
    return best


def _delivered(problem: Problem, drafts: list[Draft]) -> int:
    counts = _counts(problem, drafts)
    return sum(min(c, problem.needs[n].periods) for n, c in counts.items())


def _counts(problem: Problem, drafts: list[Draft]) -> Counter[int]:
    needs = problem.need_index()
    return Counter(
        need
        for d in drafts
        for room in d.classrooms
        if (need := needs.get((room, d.subject_id))) is not None
    )


def _key(problem: Problem, drafts: list[Draft], changes: int) -> tuple[int, int]:
    """Periods delivered first, then the objective with the rebalance's cost of changes."""
    penalty = problem.options.change_penalty * changes
    return _delivered(problem, drafts), plan_score(problem, drafts) - penalty


def _short(problem: Problem, drafts: list[Draft]) -> set[int]:
    counts = _counts(problem, drafts)
    return {n for n, info in enumerate(problem.needs) if counts[n] < info.periods}


def _move(
    problem: Problem,
    drafts: list[Draft],
    takers: Takers,
    short: set[int],
    clashes: Clashes,
    rng: random.Random,
    deadline: float,
) -> list[Draft]:
    """Take out a few sessions around a short need and refill broadcast-first."""
    need = rng.choice(sorted(short))
    room = problem.classrooms[problem.needs[need].classroom]
    holding = [  # sessions that hold the classroom's (assistant's) time
        i
        for i, d in enumerate(drafts)
        if d.pinned_id is None
        and any(problem.classrooms[r].assistant_id == room.assistant_id for r in d.classrooms)
    ]
    teaching = [  # sessions of teachers who could serve the need
        i
        for i, d in enumerate(drafts)
        if d.pinned_id is None and d.teacher in takers.teachers_of[need]
    ]
    count = rng.choices(RUINED_SESSIONS, RUINED_WEIGHTS)[0]
    ruined = {rng.choice(pool) for _ in range(count) if (pool := rng.choice([holding, teaching]))}
    if not ruined:
        return drafts
    state = state_of(problem, [d for i, d in enumerate(drafts) if i not in ruined], clashes)
    needs = problem.need_index()
    freed = {
        needs.get((r, drafts[i].subject_id), need) for i in ruined for r in drafts[i].classrooms
    }
    return drafts_of(fill_broadcasts(state, takers.around(short | freed), deadline, rng))


def state_of(problem: Problem, drafts: list[Draft], clashes: Clashes) -> GreedyState:
    """A booking holding exactly the given drafts (and the pinned sessions' teachers)."""
    state = GreedyState(problem, clashes.teacher, clashes.room)
    for session in problem.pinned:
        state.book_teacher(session.teacher, session.slot)
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
            state.book_room(needs.get((room, draft.subject_id)), room, draft.slot, draft.teacher)
    return state
