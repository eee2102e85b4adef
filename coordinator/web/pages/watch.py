"""The classroom's watch page: a signed, time-limited link that plays the lesson in the page."""

from __future__ import annotations

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from aiohttp import web

from coordinator.attendance.batch import Submission
from coordinator.attendance.errors import IdempotencyKeyError, ReportError
from coordinator.attendance.idempotency import fingerprint, parse_idempotency_key
from coordinator.attendance.reports import parse_report
from coordinator.services.accounts.secret import secret_key
from coordinator.services.data.directory import Directory
from coordinator.services.streaming.audience import HEARTBEAT_S, note_watching
from coordinator.services.streaming.watch import WatchView, watch_view
from coordinator.streams.watch import WatchSigner, WatchTicket
from coordinator.web.api import CHECKIN_WRITER
from coordinator.web.i18n import LANGUAGE
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import DIRECTORY
from coordinator.web.pages.base import page_context, render
from coordinator.web.pages.config import PAGES

NO_STORE = {"Cache-Control": "no-store"}
STATE_POLL_S = 5


def signer(request: web.Request) -> WatchSigner:
    return WatchSigner(secret_key(request.app[SETTINGS]).hex())


async def _view(request: web.Request) -> tuple[WatchView, Directory]:
    now = request.app[PAGES].clock()
    ticket: WatchTicket = signer(request).read(request.match_info["token"], now=now)
    directory = await request.app[DIRECTORY].directory()
    streams = request.app[SETTINGS].streams
    return await watch_view(request.app[STORE], directory, streams, ticket, now=now), directory


def _policy(view: WatchView) -> str:
    """The pages' policy, opened to the stream's own origin for media and requests."""
    origins = sorted(
        {f"{part.scheme}://{part.netloc}" for part in map(urlsplit, view.sources.values())}
        - {"://"}
    )
    extra = " ".join(origins)
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"media-src 'self' blob: {extra}; connect-src 'self' {extra}; worker-src 'self' blob:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    )


async def watch_page(request: web.Request) -> web.Response:
    """No sign-in: the token names the lesson and the classroom and expires with the link."""
    view, directory = await _view(request)
    zone = ZoneInfo(request.app[SETTINGS].default_time_zone)
    context = await page_context(request)
    context.update(
        view=view,
        subject=directory.subject_name(view.subject_id, request[LANGUAGE]),
        start=view.start.astimezone(zone),
        end=view.end.astimezone(zone),
        token=request.match_info["token"],
        poll_s=STATE_POLL_S,
        heartbeat_s=HEARTBEAT_S,
    )
    response = render("watch.html", request, context)
    response.headers.update(NO_STORE)
    response.headers["Content-Security-Policy"] = _policy(view)
    return response


async def watch_state(request: web.Request) -> web.Response:
    view, _ = await _view(request)
    return web.json_response({"state": view.state}, headers=NO_STORE)


async def no_signal(request: web.Request) -> web.Response:
    """One tap: a "no signal" problem for this lesson and classroom, as its assistant's report.

    The signed token stands for the classroom's assistant (as the link itself does); the page
    sends an Idempotency-Key, so a repeated tap or a retry stores one problem report.
    """
    view, directory = await _view(request)
    classroom = directory.classrooms.get(view.classroom_id)
    if classroom is None:
        raise web.HTTPNotFound()
    clock = request.app[CHECKIN_WRITER].config.clock
    body = {
        "lesson_key": view.lesson_key,
        "classroom_id": view.classroom_id,
        "kind": "problem",
        "device_time": clock().isoformat(),
        "fields": {"problem": "no_signal", "note": "watch page"},
    }
    try:
        submission = Submission(
            token_hash="",
            key=parse_idempotency_key(request.headers.get("Idempotency-Key")),
            fingerprint=fingerprint("POST", request.path, body["fields"]),
            report=parse_report(body),
            received_at=clock(),
            assistant_id=classroom.assistant_id,
        )
    except (ReportError, IdempotencyKeyError) as error:
        return web.json_response({"error": str(error)}, status=400, headers=NO_STORE)
    answer = await request.app[CHECKIN_WRITER].submit(submission)
    return web.json_response(answer.body, status=answer.status, headers=NO_STORE)


async def playing(request: web.Request) -> web.Response:
    """The page plays the lesson: the teacher's go-live page counts this classroom."""
    view, _ = await _view(request)
    if view.state in ("ended", "cancelled"):
        return web.json_response({"counted": False}, headers=NO_STORE)
    now = request.app[PAGES].clock()
    await note_watching(
        request.app[STORE], lesson_key=view.lesson_key, classroom_id=view.classroom_id, now=now
    )
    return web.json_response({"counted": True}, headers=NO_STORE)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/watch/{token}", watch_page),
        web.get("/watch/{token}/state.json", watch_state),
        web.post("/watch/{token}/no-signal", no_signal),
        web.post("/watch/{token}/playing", playing),
    ]
