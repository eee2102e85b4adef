"""A running solve's progress (phase, delivered, bound, seconds left) and its stop signal."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Phases a solve reports, in order.
CONSTRUCT = "construct"  # building a first plan
IMPROVE = "improve"  # improving it (CP-SAT on the whole model or on neighbourhoods)
FINISH = "finish"  # validating and explaining the best plan
DONE = "done"  # the plan is ready


@dataclass(frozen=True, slots=True)
class Progress:
    """What a solve reports: its phase, periods delivered so far against demand and bound."""

    phase: str
    delivered: int
    demand: int
    bound: int
    seconds_left: float
    stopped: bool = False


ProgressCallback = Callable[[Progress], None]


class SolveControl:
    """Given to ``solve``: receives its progress, and stops it early (from any thread).

    A stopped solve ends its current step and returns the best plan it holds, valid and
    explained like any other.
    """

    def __init__(self, on_progress: ProgressCallback | None = None) -> None:
        self._on_progress = on_progress
        self._stop = threading.Event()
        self.last: Progress | None = None

    def stop(self) -> None:
        """Ask the solve to stop at its next step and return its best plan."""
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def left(self, deadline: float) -> float:
        """Seconds until a deadline (monotonic clock); none once stopped."""
        return 0.0 if self.stopped else max(0.0, deadline - time.monotonic())

    def report(self, progress: Progress) -> None:
        self.last = progress
        if self._on_progress is not None:
            self._on_progress(progress)
