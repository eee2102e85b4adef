"""A bundle import as a job: its progress while it checks and writes, then where it ended.

Confirming an upload submits a job (services/jobs/importing); its page shows the Solve page's
progress bar (updated from ``/data/jobs/{id}.json``, refreshed without script). A done job
sends the admin to the Data page with the import's summary; a refused one to the Data page
with why, in the page's language (nothing was written).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from coordinator.errors import NotFoundError
from coordinator.models import JobRow
from coordinator.services.jobs import importing, records
from coordinator.web.i18n import translator
from coordinator.web.keys import STORE
from coordinator.web.pages.access import VIEWER
from coordinator.web.pages.base import N_, page_context, render

STATES = {
    records.QUEUED: N_("waiting"),
    records.RUNNING: N_("importing"),
    records.DONE: N_("finished"),
    records.STOPPED: N_("stopped early"),
    records.FAILED: N_("failed"),
}
PHASES = {
    records.QUEUED: N_("waiting for a worker"),
    "start": N_("reading the file"),
    "check": N_("checking the file with the stored data"),
    "import": N_("writing the data (all or nothing)"),
    "done": N_("done"),
}
STEPS = ("queued", "start", "check", "import", "done")
INVALID = N_(
    "The file no longer passes the checks with the stored data; nothing was imported. "
    "Upload it again to see why."
)
FAILED = N_("The import failed and nothing was imported; the worker's log says why.")


async def own_job(request: web.Request, job_id: str) -> JobRow:
    """The import job named, if this user started it (any other: not found)."""
    try:
        job = await records.get_job(request.app[STORE], int(job_id))
    except (ValueError, NotFoundError):
        raise web.HTTPNotFound() from None
    if job.requested_by != request[VIEWER].user.username or job.kind != importing.KIND:
        raise web.HTTPNotFound()
    return job


def progress_of(request: web.Request, job: JobRow) -> dict[str, Any]:
    """What the bar shows: the phase in words and how many of the steps are behind it."""
    gettext = translator(request).gettext
    phase = job.progress.get("phase", "start") if job.state != records.QUEUED else job.state
    phase = phase if phase in PHASES else "start"
    return {
        "state": job.state,
        "state_text": gettext(STATES[job.state]),
        "phase_text": gettext(PHASES[phase]),
        "ended": job.state in records.ENDED,
        "time_limit_s": len(STEPS) - 1,
        "elapsed_s": STEPS.index(phase),
        "seconds_left": 0,
        "stop_requested": False,
    }


def refusal(request: web.Request, job: JobRow) -> str:
    """Why a failed import wrote nothing, in the page's language (but for a file outside
    the admin's region or named after no table: the Data page says those)."""
    gettext = translator(request).gettext
    refused = job.result.get("refused")
    if refused == importing.EXPIRED:
        return gettext("Upload the file again.")
    if refused == importing.UNREADABLE:
        return gettext(str(job.result.get("message", "")))
    if refused == importing.INVALID:
        return gettext(INVALID)
    return gettext(FAILED)


async def progress_page(request: web.Request, job: JobRow) -> web.Response:
    context = await page_context(request)
    context.update(job=job, progress=progress_of(request, job))
    return render("data_job.html", request, context)


async def job_json(request: web.Request) -> web.Response:
    job = await own_job(request, request.match_info["job"])
    return web.json_response(progress_of(request, job))
