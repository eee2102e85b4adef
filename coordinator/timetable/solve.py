"""``solve``: greedy construction, then CP-SAT (whole model, or neighbourhoods at scale)."""

from __future__ import annotations

import dataclasses
import logging
import math
import time

from coordinator.errors import CoordinatorError
from coordinator.timetable import broadcasts, deliver_first
from coordinator.timetable.bound import lp_bound, quick_bound
from coordinator.timetable.broadcasts import construct
from coordinator.timetable.cpsat import solve_scope
from coordinator.timetable.explain import explain_unmet
from coordinator.timetable.lns import improve
from coordinator.timetable.plan import FEASIBLE, GREEDY, OPTIMAL, Draft, Plan, sessions_of
from coordinator.timetable.problem import Problem
from coordinator.timetable.progress import CONSTRUCT, DONE, FINISH, IMPROVE, Progress, SolveControl
from coordinator.timetable.scope import Scope, full_scope
from coordinator.timetable.score import plan_score, served_by
from coordinator.timetable.stats import plan_stats
from coordinator.timetable.validate import validate_plan

logger = logging.getLogger(__name__)

FINISH_SHARE = 0.05  # of the time limit, kept for validating and explaining the plan
FINISH_S_PER_NEED = 0.00015  # ... or this per need if more (a province: 16k needs, 2.4 s)
SEARCH_SHARE = 0.35  # of the limit, for the search, where the whole-model phases follow
CONSTRUCTION_SHARE = 0.5  # of the time limit, at most, for the construction
MEASURABLE_CPU_S = 0.02  # a shorter timing says nothing of the machine's load
MAX_SLOWDOWN = 4.0
STEP_S = 2.0  # with a control: improve in steps this long, reporting and heeding stop between


class InvalidPlanError(CoordinatorError):
    """The solver produced a plan that breaks a hard rule (a bug: the plan is not stored)."""


def solve(
    problem: Problem,
    *,
    bound: bool = False,
    time_limit_s: float | None = None,
    control: SolveControl | None = None,
    keep: frozenset[tuple[int, int, int]] = frozenset(),
    start: list[Draft] | None = None,
) -> Plan:
    """The best plan found within the time limit; deterministic for a fixed seed and 1 worker.

    With a ``control``, the solve reports its progress after each phase and step, and stops
    early (returning its best plan) when asked to. ``keep`` holds lessons (need, teacher,
    slot) of the current timetable: each one kept earns ``change_penalty`` in the whole-model
    objective (the rebalance's term), so they stay unless moving them delivers clearly more;
    the decomposed search rewards them in each neighbourhood. ``start`` replaces the first
    construction (the current timetable's lessons that fit, extended: ``current_start``).
    """
    started, cpu_started = time.monotonic(), time.process_time()
    limit = problem.options.time_limit_s if time_limit_s is None else time_limit_s
    counting = quick_bound(problem)  # needed to finish; timing it tells the machine's load
    slowdown = _slowdown(time.monotonic() - started, time.process_time() - cpu_started)
    deadline = started + limit - _finish_reserve(problem, limit, slowdown)
    reporter = _Reporter(problem, control, deadline, counting)
    reporter.report(CONSTRUCT, [])
    whole = dataclasses.replace(full_scope(problem), keep=keep)
    first = deliver_first.applies(problem, whole, limit)
    search_by = min(deadline, started + SEARCH_SHARE * limit) if first else deadline
    searching = SEARCH_SHARE * limit if first else limit
    constructed_by = _construction_deadline(problem, started, searching, search_by)
    drafts = construct(problem, constructed_by) if start is None else start
    logger.info("construction: %d sessions in %.2f s", len(drafts), time.monotonic() - started)
    reporter.report(IMPROVE, drafts)
    if control is not None and problem.options.lns_steps is None:
        drafts, status = _improve_in_steps(problem, whole, drafts, search_by, reporter)
    elif _whole_model_fits(problem):
        drafts, status = solve_scope(problem, whole, drafts, search_by)
    else:
        drafts = improve(problem, drafts, search_by, keep=keep)
        status = FEASIBLE
    if first and status != OPTIMAL:
        drafts = _deliver_first(problem, whole, drafts, deadline, reporter)
        status = FEASIBLE
    reporter.report(FINISH, drafts)
    plan = finish(problem, drafts, status, started=started, bound=bound, counting=counting)
    reporter.report(DONE, drafts)
    return plan


def _deliver_first(
    problem: Problem, whole: Scope, drafts: list[Draft], deadline: float, reporter: _Reporter
) -> list[Draft]:
    """The whole-model phases; with a control, in steps of at most STEP_S, reporting between."""
    if reporter.control is None:
        return deliver_first.deliver_then_polish(problem, whole, drafts, deadline)
    left = deadline - time.monotonic()
    phases = (
        (deliver_first.deliver, time.monotonic() + deliver_first.DELIVER_SHARE * left),
        (deliver_first.polish, deadline),
    )
    score = plan_score(problem, drafts)
    for phase, phase_deadline in phases:
        while not reporter.stopped and phase_deadline - time.monotonic() > 0.05:
            step = phase(problem, whole, drafts, min(phase_deadline, time.monotonic() + STEP_S))
            if (step_score := plan_score(problem, step)) >= score:
                drafts, score = step, step_score
            reporter.report(IMPROVE, drafts)
    return drafts


def _slowdown(wall_s: float, cpu_s: float) -> float:
    """Wall seconds per CPU second this process gets now (1 on an idle core), at most 4.

    Finishing a province plan takes about 2 CPU seconds; on a shared machine that gives the
    process half a core it takes twice that on the clock, so the reserve grows with it.
    """
    if cpu_s < MEASURABLE_CPU_S:
        return 1.0
    return min(MAX_SLOWDOWN, max(1.0, wall_s / cpu_s))


def _finish_reserve(problem: Problem, limit: float, slowdown: float = 1.0) -> float:
    """Seconds kept for validating, explaining and summing up the plan (at most half)."""
    by_size = FINISH_S_PER_NEED * len(problem.needs) * slowdown
    return min(0.5 * limit, max(0.2, FINISH_SHARE * limit, by_size))


def _construction_deadline(
    problem: Problem, started: float, limit: float, deadline: float
) -> float:
    """Half the limit; the whole time up to finishing where the greedy alone builds the plan
    (a province): it is anytime, and a neighbourhood step there gains little per second."""
    if problem.option_count() > broadcasts.BROADCAST_MAX_OPTIONS:
        return deadline
    return min(deadline, started + CONSTRUCTION_SHARE * limit)


def _improve_in_steps(
    problem: Problem, whole: Scope, drafts: list[Draft], deadline: float, reporter: _Reporter
) -> tuple[list[Draft], str]:
    """Improve in steps of at most STEP_S, each from the last one's plan, until stopped."""
    status = GREEDY if _whole_model_fits(problem) else FEASIBLE
    while not reporter.stopped and deadline - time.monotonic() > 0.05 and status != OPTIMAL:
        step_deadline = min(deadline, time.monotonic() + STEP_S)
        if _whole_model_fits(problem):
            found, found_status = solve_scope(problem, whole, drafts, step_deadline)
            if found_status != GREEDY:
                drafts, status = found, found_status
        else:
            drafts = improve(problem, drafts, step_deadline, keep=whole.keep)
        reporter.report(IMPROVE, drafts)
    return drafts, status


class _Reporter:
    """Progress reports for a control (none without one)."""

    def __init__(
        self, problem: Problem, control: SolveControl | None, deadline: float, bound: int
    ) -> None:
        self.problem, self.control, self.deadline, self.bound = problem, control, deadline, bound

    @property
    def stopped(self) -> bool:
        return self.control is not None and self.control.stopped

    def report(self, phase: str, drafts: list[Draft]) -> None:
        if self.control is None:
            return
        needs = self.problem.needs
        delivered = served_by(self.problem, drafts).delivered
        progress = Progress(
            phase=phase,
            delivered=sum(min(count, needs[n].periods) for n, count in delivered.items()),
            demand=self.problem.demand_periods,
            bound=self.bound,
            seconds_left=self.control.left(self.deadline) if phase != DONE else 0.0,
            stopped=self.control.stopped,
        )
        self.control.report(progress)


def _whole_model_fits(problem: Problem) -> bool:
    """Whether the whole model has few enough lesson options (a cheap estimate)."""
    return problem.option_count() <= problem.options.monolithic_max_options


def greedy_plan(problem: Problem, *, bound: bool = False) -> Plan:
    """The construction alone (no ruin and recreate), as a plan (the benchmark's baseline)."""
    started = time.monotonic()
    drafts = construct(problem, math.inf, improve=False)
    return finish(problem, drafts, GREEDY, started=started, bound=bound)


def finish(
    problem: Problem,
    drafts: list[Draft],
    status: str,
    *,
    started: float,
    bound: bool,
    counting: int | None = None,
) -> Plan:
    """Drafts turned into a validated plan with explanations and summary figures.

    ``counting``: the counting bound (``quick_bound``) if the caller has it already.
    """
    sessions = sessions_of(problem, drafts)
    draft_plan = Plan(status=status, sessions=sessions)
    violations = validate_plan(problem, draft_plan)
    if violations:
        raise InvalidPlanError("; ".join(f"{v.rule}: {v.message}" for v in violations[:5]))
    wall_seconds = time.monotonic() - started  # the bound is not part of the solve
    plan = Plan(status=status, sessions=sessions, unmet=explain_unmet(problem, draft_plan))
    if counting is None:
        counting = quick_bound(problem)
    stats = plan_stats(problem, plan, bound=counting, wall_seconds=wall_seconds)
    if bound and stats.delivered_periods < stats.upper_bound_periods:
        # Delivering the counting bound already proves it tight: only otherwise solve the LP.
        stats = dataclasses.replace(stats, upper_bound_periods=lp_bound(problem))
    logger.info(
        "plan %s: %d of %d periods delivered (bound %d), continuity %.3f",
        status,
        stats.delivered_periods,
        stats.demand_periods,
        stats.upper_bound_periods,
        stats.continuity,
    )
    return Plan(status=status, sessions=sessions, unmet=plan.unmet, stats=stats)
