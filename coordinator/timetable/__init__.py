"""The timetable solver: problem in, plan out; validate, explain, rebalance (pure, no I/O)."""

from coordinator.timetable.bound import cpsat_bound, lp_bound, quick_bound
from coordinator.timetable.build import build_problem
from coordinator.timetable.changes import (
    BusyBlocksChanged,
    Change,
    ClassroomAdded,
    ClassroomRemoved,
    NeedAdded,
    NeedRemoved,
    TeacherUnavailable,
    apply_change,
)
from coordinator.timetable.diff import LessonChange, PlanDiff
from coordinator.timetable.greedy import greedy
from coordinator.timetable.options import SolverOptions, Weights
from coordinator.timetable.plan import Plan, PlanStats, Reason, Session, Unmet, plan_to_json
from coordinator.timetable.problem import Problem, ProblemError
from coordinator.timetable.rebalance import RebalanceResult, naive_repair, rebalance
from coordinator.timetable.solve import InvalidPlanError, greedy_plan, solve
from coordinator.timetable.validate import Violation, validate_plan

__all__ = [
    "BusyBlocksChanged",
    "Change",
    "ClassroomAdded",
    "ClassroomRemoved",
    "InvalidPlanError",
    "LessonChange",
    "NeedAdded",
    "NeedRemoved",
    "Plan",
    "PlanDiff",
    "PlanStats",
    "Problem",
    "ProblemError",
    "Reason",
    "RebalanceResult",
    "Session",
    "SolverOptions",
    "TeacherUnavailable",
    "Unmet",
    "Violation",
    "Weights",
    "apply_change",
    "build_problem",
    "cpsat_bound",
    "greedy",
    "greedy_plan",
    "lp_bound",
    "naive_repair",
    "plan_to_json",
    "quick_bound",
    "rebalance",
    "solve",
    "validate_plan",
]
