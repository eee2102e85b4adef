"""Continuity polish: give a classroom x subject split between teachers back to one of them.

On tight ground the search delivers periods first, and a need whose periods ended up with two
or three teachers costs only ``continuity`` in the objective. A reunite move takes the need's
lessons from every teacher but one out of their sessions (a session left empty closes, which
frees its teacher's time) and gives them to that one teacher: to a session of theirs already
running (same subject and grade band) with room, or to a new one where they are free, days the
classroom does not yet have the subject first. Every lesson is placed or the move is dropped,
so delivery never falls; a move is kept when the plan's score (``plan_score``) rises.
"""

from __future__ import annotations

import logging
import time
from collections import Counter

from coordinator.timetable.broadcasts import Clashes
from coordinator.timetable.greedy import GreedyState, drafts_of, slot_conflicts
from coordinator.timetable.plan import Draft
from coordinator.timetable.problem import Problem
from coordinator.timetable.repair import state_of
from coordinator.timetable.score import plan_score, served_by

logger = logging.getLogger(__name__)


def clashes_of(problem: Problem) -> Clashes:
    return Clashes(
        slot_conflicts(problem, problem.options.teacher_buffer_minutes), slot_conflicts(problem, 0)
    )


def polish_continuity(
    problem: Problem, drafts: list[Draft], deadline: float, clashes: Clashes | None = None
) -> list[Draft]:
    """Reunite split needs until no move raises the score or the deadline; never worse."""
    clashes = clashes or clashes_of(problem)
    current, score = drafts, plan_score(problem, drafts)
    before, moves, improved = score, 0, True
    while improved and time.monotonic() < deadline:
        improved = False
        served = served_by(problem, current)
        split = sorted(n for n, teachers in served.teachers_of.items() if len(teachers) > 1)
        for need in split:
            if time.monotonic() >= deadline:
                break
            for teacher in _teachers_by_lessons(problem, current, need):
                candidate = reunite(problem, current, need, teacher, clashes)
                if candidate is None:
                    continue
                new_score = plan_score(problem, candidate)
                if new_score > score:
                    current, score, improved = candidate, new_score, True
                    moves += 1
                    break
    logger.info("continuity polish: %d moves, score %d -> %d", moves, before, score)
    return current


def _teachers_by_lessons(problem: Problem, drafts: list[Draft], need: int) -> list[int]:
    """The need's teachers, the one giving it the most lessons first."""
    info = problem.needs[need]
    counts = Counter(
        d.teacher
        for d in drafts
        if d.subject_id == info.subject_id and info.classroom in d.classrooms
    )
    return [teacher for teacher, _ in sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))]


def reunite(
    problem: Problem, drafts: list[Draft], need: int, teacher: int, clashes: Clashes
) -> list[Draft] | None:
    """The plan with every lesson of the need given to ``teacher``, or None if they cannot
    take them all (or another teacher's lesson is in a pinned session)."""
    info = problem.needs[need]
    room, subject = info.classroom, info.subject_id
    kept: list[Draft] = []
    moved = 0
    for draft in drafts:
        if draft.subject_id != subject or room not in draft.classrooms or draft.teacher == teacher:
            kept.append(draft)
        elif draft.pinned_id is not None:
            return None
        else:
            moved += 1
            rest = tuple(r for r in draft.classrooms if r != room)
            if rest:
                kept.append(Draft(draft.teacher, subject, draft.slot, rest))
    if not moved:
        return None
    state = state_of(problem, kept, clashes)
    for _ in range(min(moved, info.periods - state.delivered[need])):
        if not _place(state, need, teacher):
            return None
    return drafts_of(state)


def _place(state: GreedyState, need: int, teacher: int) -> bool:
    """One lesson of the need with the teacher: a running session first, a new day first."""
    problem = state.problem
    info = problem.needs[need]
    room = info.classroom
    band = problem.classrooms[room].band
    best: tuple[int, int, int] | None = None  # (new session, day already used, slot)
    for _, slot in problem.options_for(need, (teacher,)):
        if not state.room_free(room, slot):
            continue
        key = (teacher, info.subject_id, slot, band)
        if key in state.sessions:
            if not state.fits_session(key, room):
                continue
            opens = 0
        elif state.teacher_free(teacher, slot):
            opens = 1
        else:
            continue
        used = int(problem.day_of(teacher, slot) in state.need_days[need])
        if best is None or (opens, used, slot) < best:
            best = (opens, used, slot)
    if best is None:
        return False
    opens, _, slot = best
    key = (teacher, info.subject_id, slot, band)
    if opens:
        state.sessions[key] = []
        state.book_teacher(teacher, slot)
    state.sessions[key].append(room)
    state.book_room(need, room, slot, teacher)
    return True
