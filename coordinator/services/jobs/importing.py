"""A bundle import as a job: the staged upload checked again and written, on any worker.

The job is asked for one staged upload (by id, with its owner and their region); it reads the
bytes from the database, checks them with the stored data as the Data page did, and imports
them in one transaction (all or nothing), then records the import and forgets the upload.
A file that no longer passes writes nothing: the job fails with why (``refused``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from coordinator import models
from coordinator.services.accounts.users import record
from coordinator.services.data import staging, uploaded
from coordinator.services.data.imports import import_into, read_limits
from coordinator.services.data.one_table import UnknownTableError
from coordinator.services.data.tenancy import OutsideRegion
from coordinator.services.jobs import records
from coordinator.settings import Settings
from coordinator.store import Store

log = logging.getLogger(__name__)

KIND = "bundle_import"
Clock = Callable[[], dt.datetime]
# refusals the page says in its own words
EXPIRED, UNREADABLE, UNKNOWN_TABLE, OUTSIDE, INVALID = (
    "expired",
    "unreadable",
    "unknown_table",
    "outside",
    "invalid",
)


def import_params(upload_id: str, *, region: str) -> dict[str, Any]:
    """What an import job is asked for: the staged upload and the region it replaces."""
    return {"upload": upload_id, "region": region}


async def run_import_job(
    store: Store, settings: Settings, job_id: int, *, worker: str, clock: Clock
) -> str | None:
    """Claim the job, check the upload again and import it; its final state."""
    if not await records.claim(store, job_id, worker=worker, now=clock()):
        return None
    job = await records.get_job(store, job_id)
    try:
        result = await _import(store, settings, job, worker=worker, clock=clock)
        state = records.DONE if "run" in result else records.FAILED
        error = "" if state == records.DONE else str(result.get("refused"))
    except Exception as bug:  # the job ends failed, not running, and the log has why
        log.exception("bundle import job %d failed", job_id)
        result, state = {}, records.FAILED
        error = f"internal error ({type(bug).__name__}); see the worker's log"
    done = {"phase": "done"} if state == records.DONE else None
    await records.finish(
        store,
        job_id,
        worker=worker,
        state=state,
        now=clock(),
        result=result,
        progress=done,
        error=error,
    )
    return state


async def _import(
    store: Store, settings: Settings, job: models.JobRow, *, worker: str, clock: Clock
) -> dict[str, Any]:
    """The summary of the import made, or what refused it (nothing written then)."""
    assert job.id is not None
    params, owner = job.params, job.requested_by
    upload = await staging.staged(store, str(params["upload"]), owner=owner)
    if upload is None:
        return {"refused": EXPIRED}
    region = str(params["region"])
    await records.beat(store, job.id, worker=worker, progress={"phase": "check"}, now=clock())
    limits = read_limits(settings.data)
    try:
        report, changes = await uploaded.checked(
            store, region, upload.file_name, upload.table, upload.data, limits
        )
    except uploaded.UploadError as error:
        return {"refused": UNREADABLE, "message": str(error)}
    except UnknownTableError:
        return {"refused": UNKNOWN_TABLE}
    except OutsideRegion as refused:
        return {"refused": OUTSIDE, "names": list(refused.names)}
    if report.bundle is None:
        return {"refused": INVALID, "errors": len(report.errors)}
    await records.beat(store, job.id, worker=worker, progress={"phase": "import"}, now=clock())
    now = clock()
    summary = await import_into(store, report.bundle, source="upload", now=now)
    details: dict[str, Any] = {
        "run": summary.run_id,
        "bundle": report.bundle.name,
        "region": region,
        "tables": summary.counts(),
    }
    if changes is not None:
        details["table"] = {"name": changes.table, **changes.counts}
    await record(
        store, actor=owner, action="data.import", target="data:bundle", now=now, details=details
    )
    await staging.forget(store, upload.id)
    return details
