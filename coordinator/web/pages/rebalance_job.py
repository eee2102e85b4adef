"""A rebalance preview as a job: its progress while the repair runs, then the proposal.

The preview form submits a job (services/jobs/rebalancing); its page shows the progress bar
the Solve page shows (updated from ``/rebalance/jobs/{id}.json``, refreshed without script)
and, once the job is done, the proposal with Apply and Discard. A job that found no proposal
sends the admin back to the forms with why, and the fields as typed.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDict

from coordinator.errors import CoordinatorError, NotFoundError
from coordinator.models import JobRow
from coordinator.services.jobs import rebalancing, records
from coordinator.services.rebalancing.proposals import RebalancePreview
from coordinator.web.i18n import LANGUAGE, translator
from coordinator.web.keys import STORE
from coordinator.web.pages.access import VIEWER
from coordinator.web.pages.base import N_, page_context, render, school_date
from coordinator.web.pages.config import PAGES
from coordinator.web.pages.rebalance_form import REASONS, ChangeRequest
from coordinator.web.pages.rebalance_view import DATED_KINDS, WEEKLY_KINDS, digest, preview_view
from coordinator.web.pages.solve import PHASES, STATES

OVERLAP = N_(
    "A temporary change already holds from %(first)s to %(last)s (%(note)s). Another one on "
    "the same dates would undo it there: choose other dates, or make the change from now on."
)
NO_PLAN = N_("There is no timetable yet: solve and publish one first.")
PHASES_HERE = {**PHASES, "improve": N_("working out the smallest change")}


async def own_job(request: web.Request, job_id: str) -> JobRow:
    """The preview job named, if this user started it (any other: not found)."""
    try:
        job = await records.get_job(request.app[STORE], int(job_id))
    except (ValueError, NotFoundError):
        raise web.HTTPNotFound() from None
    if job.requested_by != request[VIEWER].user.username or job.kind != rebalancing.KIND:
        raise web.HTTPNotFound()
    return job


def asked(job: JobRow) -> ChangeRequest:
    """The fields the admin typed for this job, as a form."""
    return ChangeRequest.of(MultiDict((str(n), str(v)) for n, v in job.params.get("fields", [])))


def progress_of(request: web.Request, job: JobRow) -> dict[str, Any]:
    """What the bar shows: the phase in words and the share of the repair's time limit."""
    gettext = translator(request).gettext
    progress = job.progress
    phase = progress.get("phase", "start") if job.state != records.QUEUED else job.state
    limit = float(progress.get("time_limit_s", 0) or 2.0)
    return {
        "state": job.state,
        "state_text": gettext(STATES[job.state]),
        "phase_text": gettext(PHASES_HERE.get(phase, PHASES_HERE["improve"])),
        "ended": job.state in records.ENDED,
        "time_limit_s": limit,
        "elapsed_s": min(float(progress.get("elapsed_s", 0)), limit),
        "seconds_left": float(progress.get("seconds_left", limit)),
        "stop_requested": False,
    }


def refusal(request: web.Request, job: JobRow) -> tuple[str, int]:
    """Why a failed job made no proposal, in the page's language, and the status to send."""
    gettext = translator(request).gettext
    refused = job.result.get("refused")
    if refused == rebalancing.NO_PLAN:
        return gettext(NO_PLAN), 409
    if refused == rebalancing.OVERLAP:
        first, last = job.result["held"]
        values = {"first": first, "last": last, "note": job.result.get("note", "")}
        return gettext(OVERLAP) % values, 409
    return f"{gettext('No proposal:')} {job.error}", 400


async def proposal_of(request: web.Request, job: JobRow) -> RebalancePreview | None:
    """The job's proposal as it stands now; None when the data it was made from is gone."""
    today = school_date(request, request.app[PAGES].clock())
    try:
        return await rebalancing.job_preview(request.app[STORE], job, today=today)
    except CoordinatorError:  # its base version or a record it names no longer exists
        return None


async def show(
    request: web.Request,
    job: JobRow,
    proposal: RebalancePreview,
    *,
    notice: str = "",
    status: int = 200,
) -> web.Response:
    """The proposal in names, with Apply (the job's id and the digest) and Discard."""
    viewer, now = request[VIEWER], request.app[PAGES].clock()
    today = school_date(request, now)
    gettext = translator(request).gettext
    view = preview_view(
        proposal, viewer, lang=request[LANGUAGE], gettext=gettext, now=now, today=today
    )
    fields = asked(job)
    context = await page_context(request)
    context.update(
        view=view,
        preview_id=str(job.id),
        digest=digest(proposal),
        hidden=fields.hidden(),
        reason=REASONS.get(fields.reason, "") if fields.kind == "teacher" else "",
        notice=notice,
        dated_kinds=DATED_KINDS,
        weekly_kinds=WEEKLY_KINDS,
        week=(proposal.dates[0] if proposal.dates else today).isoformat(),
    )
    return render("rebalance_preview.html", request, context, status=status)


async def progress_page(request: web.Request, job: JobRow) -> web.Response:
    context = await page_context(request)
    context.update(job=job, progress=progress_of(request, job))
    return render("rebalance_job.html", request, context)


async def job_json(request: web.Request) -> web.Response:
    job = await own_job(request, request.match_info["job"])
    return web.json_response(progress_of(request, job))
