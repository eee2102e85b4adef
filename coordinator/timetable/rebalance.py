"""``rebalance``: the previous plan carried over to a changed problem with minimal change.

The problem given is the one *after* the change (``apply_change`` then ``build_problem``).
Lessons still valid are carried over. Teachers whose sessions broke, teachers the change names,
and a few nearby teachers who could serve the needs now short are freed; all other sessions
stay exactly where they are. Freed teachers' old lessons are hinted and rewarded
(``change_penalty`` each), so they move only when that delivers clearly more. Never a silent
re-solve from scratch.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from coordinator.timetable.broadcasts import takers_of
from coordinator.timetable.changes import Change, touched
from coordinator.timetable.cpsat import FOUND, hint_objective, new_solver
from coordinator.timetable.diff import PlanDiff, diff_plans
from coordinator.timetable.greedy import extend
from coordinator.timetable.lessons import session_interval
from coordinator.timetable.model import build_model
from coordinator.timetable.plan import FEASIBLE, GREEDY, OPTIMAL, Draft, Plan
from coordinator.timetable.problem import Problem
from coordinator.timetable.repair import lessons_of, repair
from coordinator.timetable.scope import Scope
from coordinator.timetable.score import plan_score
from coordinator.timetable.solve import FINISH_SHARE, finish

logger = logging.getLogger(__name__)

CPSAT_SHARE = 0.3  # of the rebalance's time: CP-SAT on the freed part, then small moves
CHANGE_SHARE = 0.02  # lessons of unaffected teachers a rebalance may change (CP-SAT, moves)
Kept = tuple[int, int, int, str | None]  # (need or -1-classroom for a guest, teacher, slot, pinned)


@dataclass(frozen=True, slots=True)
class RebalanceResult:
    plan: Plan
    diff: PlanDiff
    affected_teacher_ids: frozenset[str]
    affected_classroom_ids: frozenset[str]
    unaffected_changed: int  # lessons of unaffected teachers and classrooms that changed
    wall_seconds: float


def rebalance(problem: Problem, previous: Plan, change: Change) -> RebalanceResult:
    """Repair the previous plan for the changed problem; returns the new plan and the diff."""
    started = time.monotonic()
    valid, broken_teachers = carry_over(problem, previous)
    named_teachers, named_rooms = touched(change)
    teacher_ids = problem.teacher_index()
    affected = broken_teachers | {teacher_ids[t] for t in named_teachers if t in teacher_ids}
    scope = _scope(problem, valid, affected)
    hint = extend(problem, _drafts(problem, valid, set(range(len(problem.teachers)))))
    limit = problem.options.rebalance_time_limit_s * (1 - FINISH_SHARE)
    protected = lessons_of([d for d in _drafts(problem, valid, set()) if d.teacher not in affected])
    budget = int(CHANGE_SHARE * sum(protected.values()))
    drafts, status = _solve_freed(
        problem, scope, hint, affected, budget, started + CPSAT_SHARE * limit
    )
    if plan_score(problem, drafts) < plan_score(problem, hint):
        drafts, status = hint, GREEDY  # the greedy additions to fixed teachers delivered more
    repaired = repair(problem, drafts, protected, budget, takers_of(problem), started + limit)
    if repaired is not drafts:
        drafts, status = repaired, FEASIBLE
    plan = finish(problem, drafts, status, started=started, bound=False)
    diff = diff_plans(previous, plan)
    affected_ids = frozenset(problem.teachers[t].id for t in affected) | named_teachers
    unaffected = _unaffected_changed(diff, affected_ids, named_rooms)
    logger.info("rebalance: %d unaffected lessons changed", unaffected)
    return RebalanceResult(
        plan, diff, affected_ids, named_rooms, unaffected, time.monotonic() - started
    )


def _solve_freed(
    problem: Problem,
    scope: Scope,
    hint: list[Draft],
    affected: set[int],
    budget: int,
    deadline: float,
) -> tuple[list[Draft], str]:
    """CP-SAT on the freed part, where at most `budget` previous lessons of unaffected teachers
    (the helpers') may change: their cost in the objective alone let CP-SAT spend the whole
    budget of changes before the small moves could use it."""
    built = build_model(problem, scope, hint)
    v = built.variables
    kept = [var for key, var in v.lesson.items() if key in scope.keep and key[1] not in affected]
    kept += [
        var
        for (n, _, p), var in v.join.items()
        if n is not None
        and (n, p) in scope.keep_pinned
        and problem.pinned[p].teacher not in affected
    ]
    built.model.add(sum(kept) >= len(kept) - budget)
    solver = new_solver(problem, deadline - time.monotonic())
    result = solver.solve(built.model)
    logger.info(
        "rebalance CP-SAT %s: %.2f s, %d variables, %d kept lessons may change of %d",
        solver.status_name(result),
        solver.wall_time,
        len(built.model.proto.variables),
        budget,
        len(kept),
    )
    if result not in FOUND or solver.objective_value < hint_objective(built.model) - 0.5:
        return hint, GREEDY
    found = list(scope.fixed) + v.extract(solver)
    return found, OPTIMAL if result == cp_model.OPTIMAL else FEASIBLE


def naive_repair(problem: Problem, previous: Plan) -> Plan:
    """The naive repair (a benchmark's baseline): what still fits kept, what fits added."""
    started = time.monotonic()
    valid, _ = carry_over(problem, previous)
    drafts = extend(problem, _drafts(problem, valid, set(range(len(problem.teachers)))))
    return finish(problem, drafts, GREEDY, started=started, bound=False)


def current_start(
    problem: Problem, previous: Plan
) -> tuple[list[Draft], frozenset[tuple[int, int, int]]]:
    """A solve's start from the current timetable: its lessons that still fit, with what else
    fits added (greedy), and those lessons (need, teacher, slot) to reward when kept."""
    valid, _ = carry_over(problem, previous)
    start = extend(problem, _drafts(problem, valid, set(range(len(problem.teachers)))))
    return start, frozenset((n, t, s) for n, t, s, p in valid if p is None)


def carry_over(problem: Problem, previous: Plan) -> tuple[list[Kept], set[int]]:
    """The previous lessons still valid, and the teachers whose lessons no longer fit them."""
    teachers, rooms = problem.teacher_index(), problem.classroom_index()
    needs = problem.need_index()
    slot_of = {interval: i for i, interval in reversed(list(enumerate(problem.slots)))}
    pinned_ids = {p.id: i for i, p in enumerate(problem.pinned)}
    valid: list[Kept] = []
    broken: set[int] = set()
    used: Counter[int] = Counter()
    for session in sorted(previous.sessions, key=lambda s: s.pinned_id is None):
        teacher = teachers.get(session.teacher_id)
        if teacher is None:
            continue
        if session.pinned_id is not None:  # pinned first: they keep their classrooms
            lessons = _pinned_lessons(problem, session.pinned_id, session.classroom_ids, pinned_ids)
            valid += [k for k in lessons if k[0] < 0 or _count(problem, used, k[0])]
            continue
        slot = slot_of.get(session_interval(problem, teacher, session))
        for room_id in session.classroom_ids:
            need = needs.get((rooms.get(room_id, -1), session.subject_id))
            if need is None or used[need] >= problem.needs[need].periods:
                continue  # the classroom or its need is gone: the lesson is cancelled
            if slot is None or not problem.serves(need, teacher, slot):
                broken.add(teacher)
                continue
            _count(problem, used, need)
            valid.append((need, teacher, slot, None))
    return valid, broken


def _count(problem: Problem, used: Counter[int], need: int) -> bool:
    """Count one more lesson of a need if the need still has room for it."""
    if used[need] >= problem.needs[need].periods:
        return False
    used[need] += 1
    return True


def _pinned_lessons(
    problem: Problem, pinned_id: str, room_ids: tuple[str, ...], pinned_ids: dict[str, int]
) -> list[Kept]:
    index = pinned_ids.get(pinned_id)
    if index is None:
        return []
    pinned = problem.pinned[index]
    rooms, needs = problem.classroom_index(), problem.need_index()
    kept: list[Kept] = []
    for room_id in room_ids:
        room = rooms.get(room_id)
        if room is not None and room in problem.joins[index]:
            need = needs.get((room, pinned.subject_id), -1 - room)
            kept.append((need, pinned.teacher, pinned.slot, pinned_id))
    return kept


def _scope(problem: Problem, valid: list[Kept], affected: set[int]) -> Scope:
    """Free the affected teachers and whoever could serve a need now short."""
    delivered = Counter(need for need, *_ in valid if need >= 0)
    short = {n for n, info in enumerate(problem.needs) if delivered[n] < info.periods}
    teachers = set(affected) | _helpers(problem, valid, short)
    needs = short | {need for need, t, *_ in valid if t in teachers and need >= 0}
    fixed = [k for k in valid if k[1] not in teachers]
    pinned_index = {p.id: i for i, p in enumerate(problem.pinned)}
    return Scope(
        teachers=frozenset(teachers),
        needs=frozenset(needs),
        fixed=tuple(_drafts(problem, fixed, set(range(len(problem.teachers))) - teachers)),
        keep=frozenset((n, t, s) for n, t, s, p in valid if p is None and t in teachers),
        keep_pinned=frozenset(
            (n, pinned_index[p])
            for n, t, _, p in valid
            if p is not None and n >= 0 and t in teachers
        ),
    )


def _helpers(problem: Problem, valid: list[Kept], short: set[int]) -> set[int]:
    """The nearby teachers who could serve the most short needs and have room to spare."""
    sessions = {(t, s) for _, t, s, _ in valid}
    load = Counter(t for t, _ in sessions)
    can_serve: Counter[int] = Counter()
    for need in short:
        can_serve.update({t for t, _ in problem.options_for(need, problem.nearby[need])})
    ranked = sorted(
        can_serve,
        key=lambda t: (-can_serve[t], load[t] - problem.teachers[t].max_per_week, t),
    )
    return set(ranked[: problem.options.lns_teachers])


def _drafts(problem: Problem, lessons: list[Kept], pinned_teachers: set[int]) -> list[Draft]:
    """Lessons grouped back into sessions, with every pinned session of the given teachers."""
    rooms: dict[tuple[int, str, int, int, str | None], list[int]] = defaultdict(list)
    for need, teacher, slot, pinned in lessons:
        room = problem.needs[need].classroom if need >= 0 else -1 - need
        info = problem.needs[need] if need >= 0 else None
        subject = info.subject_id if info else _pinned_subject(problem, pinned)
        band = problem.classrooms[room].band if pinned is None else -1
        rooms[(teacher, subject, slot, band, pinned)].append(room)
    drafts = [Draft(t, s, slot, tuple(sorted(r)), p) for (t, s, slot, _, p), r in rooms.items()]
    present = {d.pinned_id for d in drafts}
    drafts += [
        Draft(p.teacher, p.subject_id, p.slot, (), p.id)
        for p in problem.pinned
        if p.teacher in pinned_teachers and p.id not in present
    ]
    return drafts


def _pinned_subject(problem: Problem, pinned_id: str | None) -> str:
    return next(p.subject_id for p in problem.pinned if p.id == pinned_id)


def _unaffected_changed(diff: PlanDiff, teachers: frozenset[str], rooms: frozenset[str]) -> int:
    changed = diff.moved + diff.reassigned + diff.cancelled
    return sum(
        1
        for c in changed
        if c.before is not None
        and c.before.teacher_id not in teachers
        and c.classroom_id not in rooms
    )
