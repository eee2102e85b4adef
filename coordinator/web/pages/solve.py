"""Solve from the console: start a solve job, watch its progress, publish or discard its plan.

The solve runs as a job (services/jobs), never in the request: the page shows a progress bar
that a small script updates from ``/solve/jobs/{id}.json`` (without script, the page
refreshes itself). A finished (or stopped) job opens as a proposal in the rebalance view;
publishing refuses a proposal that changes lessons outside the admin's scope, and a stale one
(a timetable published or data imported since the solve began).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from coordinator.errors import NotFoundError
from coordinator.models import JobRow
from coordinator.services.jobs import records
from coordinator.services.jobs.proposals import publish_solve, solve_proposal
from coordinator.services.jobs.solving import KIND, solve_params
from coordinator.services.rebalancing.proposals import RebalancePreview, StalePreviewError
from coordinator.web.i18n import LANGUAGE, translator
from coordinator.web.keys import JOB_RUNNER, SETTINGS, STORE
from coordinator.web.pages.access import VIEWER, Viewer, allow
from coordinator.web.pages.base import N_, page_context, render, school_date
from coordinator.web.pages.config import PAGES
from coordinator.web.pages.rebalance_view import DATED_KINDS, WEEKLY_KINDS, preview_view, touched

TIME_LIMITS = (10, 30, 60, 120, 300, 600)  # seconds offered
PHASES = {
    records.QUEUED: N_("waiting for a solver worker"),
    "start": N_("reading the data"),
    "construct": N_("building a first timetable"),
    "improve": N_("improving the timetable"),
    "finish": N_("checking the timetable"),
    "done": N_("done"),
}
STATES = {
    records.QUEUED: N_("waiting"),
    records.RUNNING: N_("solving"),
    records.DONE: N_("finished"),
    records.STOPPED: N_("stopped early"),
    records.FAILED: N_("failed"),
}
BAD_LIMIT = N_("Choose one of the time limits offered.")
BAD_SCOPE = N_("Choose one of the scopes offered.")
WHOLE_REGION = N_("the whole region: %(name)s")
ONE_ALLIANCE = N_("one alliance or group: %(name)s")
OUTSIDE = N_(
    "This timetable changes lessons outside your scope. Ask an admin whose scope covers every "
    "school involved (the region's admin) to publish it."
)
STALE = N_(
    "A timetable was published or data was imported after this solve began. Nothing was "
    "stored: solve again to preview the timetable as it is now."
)


async def _own_job(request: web.Request) -> JobRow:
    """The job in the address, if this user started it (any other: not found)."""
    try:
        job = await records.get_job(request.app[STORE], int(request.match_info["job"]))
    except (ValueError, NotFoundError):
        raise web.HTTPNotFound() from None
    if job.requested_by != request[VIEWER].user.username or job.kind != KIND:
        raise web.HTTPNotFound()
    return job


def _outside(viewer: Viewer, proposal: RebalancePreview) -> bool:
    teachers, classrooms = touched(proposal)
    return not (teachers <= viewer.scope.teachers and classrooms <= viewer.scope.classrooms)


def progress_of(request: web.Request, job: JobRow) -> dict[str, Any]:
    """What the bar shows: phase in words, time used, periods delivered against demand."""
    gettext = translator(request).gettext
    progress = job.progress
    phase = progress.get("phase", records.QUEUED) if job.state != records.QUEUED else job.state
    limit = float(progress.get("time_limit_s") or job.params.get("time_limit_s", 1))
    return {
        "state": job.state,
        "state_text": gettext(STATES[job.state]),
        "phase_text": gettext(PHASES.get(phase, PHASES["improve"])),
        "ended": job.state in records.ENDED,
        "time_limit_s": limit,
        "elapsed_s": min(float(progress.get("elapsed_s", 0)), limit),
        "seconds_left": float(progress.get("seconds_left", limit)),
        "delivered": int(progress.get("delivered", 0)),
        "demand": int(progress.get("demand", 0)),
        "bound": int(progress.get("bound", 0)),
        "stop_requested": job.stop_requested,
    }


def scopes(request: web.Request) -> dict[str, str]:
    """What this admin may solve, in words: their own scope, and (for a region admin) each
    alliance or group whose schools are all in the region."""
    viewer, gettext = request[VIEWER], translator(request).gettext
    directory, user = viewer.directory, viewer.user
    kind, _, object_id = user.scope.partition(":")
    if kind != "region":
        alliance = directory.alliances.get(object_id)
        return {user.scope: gettext(ONE_ALLIANCE) % {"name": getattr(alliance, "name", object_id)}}
    region = directory.regions.get(object_id)
    offered = {user.scope: gettext(WHOLE_REGION) % {"name": getattr(region, "name", object_id)}}
    for alliance in sorted(directory.alliances.values(), key=lambda a: a.name):
        schools = directory.alliance_schools.get(alliance.id, set())
        if schools and schools <= viewer.scope.schools:
            offered[f"alliance:{alliance.id}"] = gettext(ONE_ALLIANCE) % {"name": alliance.name}
    return offered


async def _page(request: web.Request, *, error: str = "", status: int = 200) -> web.Response:
    viewer = request[VIEWER]
    jobs = await records.jobs_of(request.app[STORE], requested_by=viewer.user.username, kind=KIND)
    zone = ZoneInfo(request.app[SETTINGS].default_time_zone)
    context = await page_context(request)
    context.update(
        error=error,
        time_limits=TIME_LIMITS,
        scopes=scopes(request),
        default_limit=int(request.app[SETTINGS].solver.time_limit_s),
        jobs=[(job, job.created_at.astimezone(zone)) for job in jobs],
        states=STATES,
        teachers=len(viewer.scope.teachers),
        classrooms=len(viewer.scope.classrooms),
        discarded="discarded" in request.query,
    )
    return render("solve.html", request, context, status=status)


@allow("admin")
async def solve_page(request: web.Request) -> web.Response:
    return await _page(request)


@allow("admin")
async def start(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    try:
        limit = int(str(form.get("time_limit", "")))
    except ValueError:
        limit = 0
    if limit not in TIME_LIMITS:
        return await _page(request, error=translator(request).gettext(BAD_LIMIT), status=400)
    user = request[VIEWER].user
    scope = str(form.get("scope", user.scope))
    if scope not in scopes(request):
        return await _page(request, error=translator(request).gettext(BAD_SCOPE), status=400)
    keep_current = form.get("keep_current") == "1"
    params = solve_params(time_limit_s=float(limit), scope=scope, keep_current=keep_current)
    now = request.app[PAGES].clock()
    store = request.app[STORE]
    job_id = await records.create_job(
        store, kind=KIND, params=params, requested_by=user.username, now=now
    )
    await request.app[JOB_RUNNER].submit(job_id)
    raise web.HTTPSeeOther(f"/solve/jobs/{job_id}")


@allow("admin")
async def job_page(request: web.Request) -> web.Response:
    job = await _own_job(request)
    context = await page_context(request)
    context.update(job=job, progress=progress_of(request, job), error="", view=None)
    published = job.result.get("published_version")
    if job.state in (records.DONE, records.STOPPED) and not published:
        if job.result.get("discarded"):
            raise web.HTTPSeeOther("/solve?discarded=1")
        return await _proposal_page(request, job, context)
    context.update(published=published)
    return render("solve_job.html", request, context)


async def _proposal_page(
    request: web.Request,
    job: JobRow,
    context: dict[str, Any],
    *,
    error: str = "",
    status: int = 200,
) -> web.Response:
    now = request.app[PAGES].clock()
    today = school_date(request, now)
    assert job.id is not None
    proposal = await solve_proposal(
        request.app[STORE], request.app[SETTINGS].solver, job.id, today=today
    )
    gettext = translator(request).gettext
    viewer = request[VIEWER]
    view = preview_view(
        proposal, viewer, lang=request[LANGUAGE], gettext=gettext, now=now, today=today
    )
    context.update(
        view=view,
        plan=proposal.result.plan.stats,
        base=proposal.base.stats if proposal.base_version_id else None,
        outside=_outside(viewer, proposal),
        dated_kinds=DATED_KINDS,
        weekly_kinds=WEEKLY_KINDS,
        week=today.isoformat(),
        error=error,
        published=None,
    )
    return render("solve_proposal.html", request, context, status=status)


@allow("admin")
async def job_json(request: web.Request) -> web.Response:
    return web.json_response(progress_of(request, await _own_job(request)))


@allow("admin")
async def stop(request: web.Request) -> web.StreamResponse:
    job = await _own_job(request)
    assert job.id is not None
    await records.request_stop(request.app[STORE], job.id)
    raise web.HTTPSeeOther(f"/solve/jobs/{job.id}")


@allow("admin")
async def publish(request: web.Request) -> web.StreamResponse:
    job = await _own_job(request)
    assert job.id is not None
    store, viewer = request.app[STORE], request[VIEWER]
    now = request.app[PAGES].clock()
    today = school_date(request, now)
    proposal = await solve_proposal(store, request.app[SETTINGS].solver, job.id, today=today)
    context = await page_context(request)
    context.update(job=job, progress=progress_of(request, job))
    gettext = translator(request).gettext
    if _outside(viewer, proposal):
        return await _proposal_page(request, job, context, error=gettext(OUTSIDE), status=403)
    try:
        applied = await publish_solve(
            store,
            request.app[SETTINGS],
            proposal,
            now=now,
            today=today,
            actor=viewer.user.username,
        )
    except StalePreviewError:
        return await _proposal_page(request, job, context, error=gettext(STALE), status=409)
    await records.add_to_result(store, job.id, {"published_version": applied.version_id})
    raise web.HTTPSeeOther(f"/solve/jobs/{job.id}")


@allow("admin")
async def discard(request: web.Request) -> web.StreamResponse:
    job = await _own_job(request)
    assert job.id is not None
    await records.add_to_result(request.app[STORE], job.id, {"discarded": True})
    raise web.HTTPSeeOther("/solve?discarded=1")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/solve", solve_page),
        web.post("/solve", start),
        web.get(r"/solve/jobs/{job:\d+}", job_page),
        web.get(r"/solve/jobs/{job:\d+}.json", job_json),
        web.post(r"/solve/jobs/{job:\d+}/stop", stop),
        web.post(r"/solve/jobs/{job:\d+}/publish", publish),
        web.post(r"/solve/jobs/{job:\d+}/discard", discard),
    ]
