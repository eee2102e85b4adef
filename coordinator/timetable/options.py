"""Solver settings: capacities, time limits, seed and the weight of every soft rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Grade bands (学段): a broadcast only mixes classrooms of one band.
DEFAULT_GRADE_BANDS: tuple[tuple[int, ...], ...] = (
    (1, 2),
    (3, 4),
    (5, 6),
    (7, 8, 9),
    (10, 11, 12),
)


@dataclass(frozen=True, slots=True)
class Weights:
    """Objective weights; delivering one period must outweigh every other rule combined."""

    delivered: int = 1000  # each needed period delivered
    pinned_enrolment: int = 40  # a needed period delivered inside a pinned session
    open_extra: int = 1  # a classroom without a need joins an open pinned broadcast
    continuity: int = 60  # each teacher serving a classroom x subject (the first is free)
    same_day: int = 20  # each extra period of one subject on one day for one classroom
    alliance: int = 8  # per alliance weight, a lesson within a pairing or education group
    balance: int = 3  # the busiest teacher's weekly sessions
    session: int = 10  # each broadcast opened (fewer, fuller broadcasts)
    mixed_grades: int = 4  # each extra grade mixed into one broadcast


@dataclass(frozen=True, slots=True)
class SolverOptions:
    """Everything the solver needs besides the data; the CLI fills it from settings."""

    max_classrooms_per_session: int = 4  # K
    weak_network_max: int = 2  # K for a session that includes a weak-network classroom
    audio_only_max: int = 1  # K for a session that includes an audio-only classroom
    overrun_minutes: int = 5  # a session may end this much after the classroom's period
    teacher_buffer_minutes: int = 10  # least gap between two of a teacher's sessions
    grade_bands: tuple[tuple[int, ...], ...] = DEFAULT_GRADE_BANDS
    time_limit_s: float = 10.0
    seed: int = 0
    deterministic_time: float | None = None  # CP-SAT work units; set with 1 worker for replay
    num_workers: int = 2
    weights: Weights = field(default_factory=Weights)
    change_penalty: int = 300  # rebalance: each lesson of the previous plan not kept
    rebalance_time_limit_s: float = 1.5  # CP-SAT share; the whole rebalance stays near 2 s
    reference_date: dt.date | None = None  # for time-zone offsets; None: bundle anchor date
    monolithic_max_options: int = 5_000  # above this many lesson options, decompose (LNS)
    deliver_first_max_options: int = 40_000  # up to this many, whole-model phases end the solve
    deliver_first_min_s: float = 30.0  # ... for time limits this long (shorter: the search only)
    lns_teachers: int = 6  # teachers re-solved together (a neighbourhood, a rebalance's helpers)
    lns_subsolve_s: float = 1.0  # time limit of one neighbourhood re-solve
    lns_steps: int | None = None  # replay: exactly this many steps, whatever the clock says
