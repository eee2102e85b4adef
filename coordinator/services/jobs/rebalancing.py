"""A rebalance preview as a job: the repair runs on a worker, the proposal is kept in the job.

The job is asked for one change (stored as JSON, `rebalancing.change_json`) and the dates it
holds on; it repairs the active plan as ``preview_rebalance`` does and keeps the proposed plan,
its lesson keys and the stamp of what it was made from. ``job_preview`` sets that plan against
its base again (the diff, the dated lessons from today) for the console to show and apply:
applying refuses it once the timetable or the data moved on, as before.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from coordinator import models
from coordinator.errors import CoordinatorError, NotFoundError
from coordinator.services.data.imports import load_bundle
from coordinator.services.jobs import records
from coordinator.services.planning.plans import load_plan
from coordinator.services.rebalancing.change_json import change_from_json, change_to_json
from coordinator.services.rebalancing.changes import changed_bundle, dating_bundle
from coordinator.services.rebalancing.dates import DatedChange, dated_changes, proposed_layer
from coordinator.services.rebalancing.proposals import (
    OverlapError,
    RebalancePreview,
    Stamp,
    TemporaryChange,
    preview_rebalance,
)
from coordinator.settings import Settings
from coordinator.store import Store
from coordinator.timetable.changes import Change
from coordinator.timetable.diff import diff_plans
from coordinator.timetable.plan import plan_to_json
from coordinator.timetable.plan_json import plan_from_json
from coordinator.timetable.rebalance import RebalanceResult

log = logging.getLogger(__name__)

KIND = "rebalance_preview"
Clock = Callable[[], dt.datetime]
NO_PLAN, OVERLAP = "no_plan", "overlap"  # refusals the page says in its own words


def preview_params(
    change: Change,
    dates: tuple[dt.date, dt.date] | None,
    *,
    today: dt.date,
    fields: list[tuple[str, str]],
) -> dict[str, Any]:
    """What a preview job is asked for, with the form's fields to offer again."""
    return {
        "change": change_to_json(change),
        "dates": None if dates is None else [d.isoformat() for d in dates],
        "today": today.isoformat(),
        "fields": [list(pair) for pair in fields],
    }


def dates_of(params: dict[str, Any]) -> tuple[dt.date, dt.date] | None:
    dates = params.get("dates")
    if not dates:
        return None
    return dt.date.fromisoformat(dates[0]), dt.date.fromisoformat(dates[1])


def progress_json(limit: float, elapsed: float, *, phase: str) -> dict[str, Any]:
    """The progress a page shows: the repair's share of its time limit."""
    return {
        "phase": phase,
        "time_limit_s": limit,
        "elapsed_s": round(min(elapsed, limit), 1),
        "seconds_left": round(max(0.0, limit - elapsed), 1),
    }


async def run_preview_job(
    store: Store, settings: Settings, job_id: int, *, worker: str, clock: Clock
) -> str | None:
    """Claim the job and repair the plan; its final state (None: another runner has it)."""
    if not await records.claim(store, job_id, worker=worker, now=clock()):
        return None
    job = await records.get_job(store, job_id)
    limit = settings.solver.rebalance_time_limit_s
    started = time.monotonic()
    refused: dict[str, Any] = {}
    try:
        change = change_from_json(job.params["change"])
        today = dt.date.fromisoformat(job.params["today"])
        making = preview_rebalance(
            store, settings.solver, change, dates_of(job.params), today=today
        )
        running = asyncio.ensure_future(making)
        while not running.done():
            await asyncio.wait({running}, timeout=settings.jobs.heartbeat_s)
            progress = progress_json(limit, time.monotonic() - started, phase="improve")
            await records.beat(store, job_id, worker=worker, progress=progress, now=clock())
        preview = running.result()
    except OverlapError as overlap:
        held = overlap.held
        refused = {"refused": OVERLAP, "held": [held.first.isoformat(), held.last.isoformat()]}
        refused["note"], error = held.note, str(overlap)
    except NotFoundError as missing:
        refused, error = {"refused": NO_PLAN}, str(missing)
    except CoordinatorError as problem:
        error = str(problem)
    except Exception as bug:  # the job ends failed, not running, and the log has why
        log.exception("rebalance preview job %d failed", job_id)
        error = f"internal error ({type(bug).__name__}); see the worker's log"
    else:
        done = progress_json(limit, time.monotonic() - started, phase="done")
        await records.finish(
            store,
            job_id,
            worker=worker,
            state=records.DONE,
            now=clock(),
            result=preview_result(preview),
            progress=done,
        )
        return records.DONE
    log.warning("rebalance preview job %d failed: %s", job_id, error)
    await records.finish(
        store,
        job_id,
        worker=worker,
        state=records.FAILED,
        now=clock(),
        result=refused,
        error=error,
    )
    return records.FAILED


def preview_result(preview: RebalancePreview) -> dict[str, Any]:
    """What the job keeps of a preview (the rest is worked out again when shown)."""
    result = preview.result
    return {
        "base_version_id": preview.base_version_id,
        "plan": plan_to_json(result.plan),
        "keys": dict(preview.keys),
        "stamp": dataclasses.asdict(preview.stamp),
        "in_force": [
            [held.version_id, held.first.isoformat(), held.last.isoformat(), held.note]
            for held in preview.in_force
        ],
        "affected_teachers": sorted(result.affected_teacher_ids),
        "affected_classrooms": sorted(result.affected_classroom_ids),
        "unaffected_changed": result.unaffected_changed,
        "wall_seconds": result.wall_seconds,
    }


async def job_preview(store: Store, job: models.JobRow, *, today: dt.date) -> RebalancePreview:
    """A finished preview job's proposal: its plan against its base, dated from `today`."""
    kept, params = job.result, job.params
    change = change_from_json(params["change"])
    dates = dates_of(params)
    plan = plan_from_json(kept["plan"])
    keys: dict[str, str] = dict(kept["keys"])
    async with store.read() as session:
        base_id, base = await load_plan(session, int(kept["base_version_id"]))
    result = RebalanceResult(
        plan=plan,
        diff=diff_plans(base, plan),
        affected_teacher_ids=frozenset(kept["affected_teachers"]),
        affected_classroom_ids=frozenset(kept["affected_classrooms"]),
        unaffected_changed=int(kept["unaffected_changed"]),
        wall_seconds=float(kept["wall_seconds"]),
    )
    stamp_data = kept["stamp"]
    stamp = Stamp(
        int(stamp_data["active_id"]),
        tuple(stamp_data["temporary_ids"]),
        int(stamp_data["import_run"]),
    )
    in_force = tuple(
        TemporaryChange(int(v), dt.date.fromisoformat(a), dt.date.fromisoformat(b), str(note))
        for v, a, b, note in kept["in_force"]
    )
    stored = await load_bundle(store)
    dating = dating_bundle(stored, changed_bundle(stored, change), dates)
    async with store.read() as session:
        proposed = proposed_layer(plan, keys, dates)
        dated: tuple[DatedChange, ...] = await dated_changes(session, dating, proposed, today=today)
    return RebalancePreview(base_id, change, dates, result, keys, stamp, base, in_force, dated)
