"""One CP-SAT model of a scope: the rule catalogue applied, the objective assembled once."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from coordinator.timetable import rules
from coordinator.timetable.plan import Draft
from coordinator.timetable.problem import Problem
from coordinator.timetable.scope import Context, Scope, context_of
from coordinator.timetable.variables import LessonVars

HARD_RULES = (
    rules.teacher_one_session_at_a_time,
    rules.teacher_daily_and_weekly_max,
    rules.assistant_one_lesson_at_a_time,
    rules.session_capacity,
    rules.lessons_belong_to_open_sessions,
)


@dataclass(slots=True)
class Built:
    model: cp_model.CpModel
    variables: LessonVars
    context: Context
    delivered: cp_model.LinearExpr


def build_model(
    problem: Problem, scope: Scope, hint: list[Draft] | None = None, *, hard_only: bool = False
) -> Built:
    """The model of a scope; ``hard_only`` keeps only the delivered-periods objective."""
    model = cp_model.CpModel()
    context = context_of(problem, scope)
    v = LessonVars(model, problem, scope, context)
    for rule in HARD_RULES:
        rule(model, v)
    rules.need_not_exceeded(model, v, context)
    delivered = rules.delivered_periods(v)
    if hard_only:
        model.maximize(delivered)
    else:
        model.maximize(_objective(model, v, scope, context, delivered))
    if hint:
        v.hint(model, hint)
    return Built(model, v, context, delivered)


def _objective(
    model: cp_model.CpModel,
    v: LessonVars,
    scope: Scope,
    context: Context,
    delivered: cp_model.LinearExpr,
) -> cp_model.LinearExpr:
    """Rewards minus penalties, each soft rule weighed once."""
    w = v.problem.options.weights
    terms: list[tuple[cp_model.LinearExpr, int]] = [
        (delivered, w.delivered),
        (rules.pinned_enrolments(v), w.pinned_enrolment),
        (rules.open_broadcast_guests(v), w.open_extra),
        (rules.alliance_lessons(v), w.alliance),
        (rules.kept_lessons(v, scope), v.problem.options.change_penalty),
        (rules.teachers_per_classroom_subject(model, v), -w.continuity),
        (rules.broadcasts_opened(v), -w.session),
    ]
    if w.same_day:
        terms.append((rules.same_day_repeats(model, v, context), -w.same_day))
    if w.balance:
        terms.append((rules.busiest_teacher_load(model, v), -w.balance))
    if w.mixed_grades:
        terms.append((rules.mixed_grades(model, v), -w.mixed_grades))
    return cp_model.LinearExpr.weighted_sum([e for e, _ in terms], [c for _, c in terms])
