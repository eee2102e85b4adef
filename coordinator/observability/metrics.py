"""Prometheus metrics and the GET /metrics handler; one process or many (PROMETHEUS_MULTIPROC_DIR).

The metric objects are process-wide, as prometheus_client wants them (its default registry
and its multi-process files are per process). With PROMETHEUS_MULTIPROC_DIR set before the
process starts, every process writes its own files there and /metrics merges them all.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
SOLVER_BUCKETS = (0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600)

REQUEST_SECONDS = Histogram(
    "coordinator_http_request_duration_seconds",
    "HTTP request latency by route template, method and status class (2xx, 4xx, ...).",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
CHECKINS = Counter(
    "coordinator_checkins_total",
    "Check-in submissions by outcome: accepted, replayed (same Idempotency-Key) or refused.",
    ["outcome"],
)
JOBS = Counter(
    "coordinator_jobs_total",
    "Scheduler job runs by job kind and result (run, failed, missed).",
    ["job", "result"],
)
NOTIFICATIONS = Counter(
    "coordinator_notifications_total",
    "Outbox delivery attempts that ended a message: sent, or failed after the last attempt.",
    ["result"],
)
FEED_HITS = Counter("coordinator_feed_hits_total", "Calendar feed requests for a known feed.")
FEED_NOT_MODIFIED = Counter(
    "coordinator_feed_not_modified_total", "Calendar feed requests answered 304 Not Modified."
)
SOLVER_RUNS = Counter(
    "coordinator_solver_runs_total", "Timetable solver runs by plan status.", ["status"]
)
SOLVER_SECONDS = Histogram(
    "coordinator_solver_duration_seconds", "Timetable solver wall time.", buckets=SOLVER_BUCKETS
)


def status_class(status: int) -> str:
    return f"{status // 100}xx"


@functools.lru_cache(maxsize=1024)  # routes x methods x classes: a few dozen in practice
def _latency(route: str, method: str, status: str) -> Histogram:
    return REQUEST_SECONDS.labels(route, method, status)


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    _latency(route, method, status_class(status)).observe(seconds)


def checkin_outcome(outcome: str) -> None:
    """Called where the check-in writer answers: accepted, replayed or refused."""
    CHECKINS.labels(outcome).inc()


def job_finished(job_id: str, result: str) -> None:
    """A scheduler job ran, failed or was missed; the label is its kind (`reminder`, ...)."""
    JOBS.labels(job_id.split(":", 1)[0], result).inc()


def notification_finished(result: str) -> None:
    NOTIFICATIONS.labels(result).inc()


def solver_finished(status: str, seconds: float) -> None:
    SOLVER_RUNS.labels(status).inc()
    SOLVER_SECONDS.observe(seconds)


def render(multiproc_dir: str | None = None) -> bytes:
    """The exposition text: this process's registry, or every process's files in the dir."""
    if not multiproc_dir:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=multiproc_dir)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and their content type."""
    return render(os.environ.get(MULTIPROC_ENV)), CONTENT_TYPE_LATEST


def ensure_multiproc_dir() -> None:
    """Before gunicorn forks: give the workers a metrics dir, re-executing to pick it up.

    prometheus_client chooses per-process files only if the variable is set when it is
    first imported, so a process that had to set it starts over (same arguments).
    """
    if os.environ.get(MULTIPROC_ENV):
        return
    os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="coordinator-metrics-")
    os.execv(sys.executable, sys.orig_argv)


def worker_exited(pid: int) -> None:
    """gunicorn's child_exit: the dead worker's live gauges stop counting (its counters stay)."""
    if os.environ.get(MULTIPROC_ENV):
        mark_process_dead(pid)  # type: ignore[no-untyped-call]
