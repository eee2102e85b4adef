"""Baselines the benchmark compares the solver with: a naive first-fit and a top-k whole model.

- ``naive_plan``: every period gets its own session, at the first free (teacher, slot) found,
  needs in their given order; broadcasts are never shared. Where this delivers most of the
  bound, the instance cannot tell solvers apart.
- ``topk_plan``: the whole model, each need restricted to k teachers (those of the greedy plan
  first, then nearby ones), the greedy plan as hint, one CP-SAT run to the time limit.
"""

from __future__ import annotations

import dataclasses
import time

from coordinator.timetable.cpsat import solve_scope
from coordinator.timetable.greedy import drafts_of, greedy, new_state
from coordinator.timetable.plan import GREEDY, Plan
from coordinator.timetable.problem import Problem
from coordinator.timetable.scope import full_scope
from coordinator.timetable.solve import finish


def naive_plan(problem: Problem) -> Plan:
    """First fit, one classroom per session, pinned sessions left empty."""
    started = time.monotonic()
    state = new_state(problem)
    for need, info in enumerate(problem.needs):
        room = info.classroom
        band = problem.classrooms[room].band
        for teacher, slot in problem.options_for(need):
            if state.delivered[need] >= info.periods:
                break
            key = (teacher, info.subject_id, slot, band)
            if key in state.sessions or not state.room_free(room, slot):
                continue
            if not state.teacher_free(teacher, slot):
                continue
            state.sessions[key] = [room]
            state.book_teacher(teacher, slot)
            state.book_room(need, room, slot, teacher)
    return finish(problem, drafts_of(state), GREEDY, started=started, bound=False)


def topk_plan(problem: Problem, k: int, time_limit_s: float) -> Plan:
    """The whole model over k teachers per need, hinted with the greedy plan."""
    started = time.monotonic()
    hint = greedy(problem)
    used: dict[int, list[int]] = {}
    needs = problem.need_index()
    for draft in hint:
        for room in draft.classrooms:
            need = needs.get((room, draft.subject_id))
            if need is not None:
                used.setdefault(need, []).append(draft.teacher)
    qualified = tuple(
        tuple(dict.fromkeys([*used.get(n, []), *problem.nearby[n], *problem.qualified[n]]))[:k]
        if len(used.get(n, [])) <= k
        else tuple(dict.fromkeys(used[n]))
        for n in range(len(problem.needs))
    )
    narrowed = dataclasses.replace(problem, qualified=qualified)
    drafts, status = solve_scope(narrowed, full_scope(narrowed), hint, started + time_limit_s - 0.5)
    return finish(problem, drafts, status, started=started, bound=False)
