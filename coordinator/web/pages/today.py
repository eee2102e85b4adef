"""Today: the admin's board of the day's lessons, as a page, a fragment and JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from aiohttp import web

from coordinator.services.accounts.policy import shows_person
from coordinator.services.accounts.users import Scope
from coordinator.services.reporting.today import BoardLesson, RoomState, today_board
from coordinator.web.i18n import LANGUAGE
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import VIEWER, allow
from coordinator.web.pages.base import page_context, render, school_date
from coordinator.web.pages.config import PAGES


def day_of(request: web.Request, now: dt.datetime) -> dt.date:
    """?date=YYYY-MM-DD, or today where the schools are."""
    try:
        return dt.date.fromisoformat(request.query["date"])
    except (KeyError, ValueError):
        return school_date(request, now)


async def _board(request: web.Request) -> tuple[dt.date, list[BoardLesson]]:
    now = request.app[PAGES].clock()
    day = day_of(request, now)
    settings = request.app[SETTINGS]
    board = await today_board(
        request.app[STORE],
        request[VIEWER].directory,
        request[VIEWER].scope,
        day=day,
        now=now,
        language=request[LANGUAGE],
        streams=settings.streams,
        live_check_providers=settings.notifications.live_check_providers,
    )
    scope = request[VIEWER].scope
    return day, [_within(scope, lesson) for lesson in board]


def room_within(scope: Scope, state: RoomState) -> RoomState:
    """A classroom outside the scope: no name, no assistant, no phone."""
    if shows_person(scope, "classroom", state.classroom_id):
        return state
    return dataclasses.replace(state, name="", assistant="", phone="")


def _within(scope: Scope, lesson: BoardLesson) -> BoardLesson:
    """A lesson shared beyond the scope: the other part's names and phones left out."""
    teacher = lesson.teacher if shows_person(scope, "teacher", lesson.teacher_id) else ""
    rooms = tuple(room_within(scope, room) for room in lesson.rooms)
    return dataclasses.replace(lesson, teacher=teacher, rooms=rooms)


@allow("admin")
async def today_page(request: web.Request) -> web.Response:
    day, board = await _board(request)
    context = await page_context(request)
    template = "today_board.html" if request.query.get("fragment") else "today.html"
    refresh = request.app[PAGES].today_refresh_s
    return render(template, request, {**context, "day": day, "board": board, "refresh": refresh})


def lesson_json(lesson: BoardLesson) -> dict[str, Any]:
    return {
        "key": lesson.key,
        "subject": lesson.subject,
        "teacher": lesson.teacher,
        "start": lesson.start.isoformat(),
        "end": lesson.end.isoformat(),
        "state": lesson.state.value,
        "teacher_live": lesson.teacher_live,
        "teacher_live_reported": lesson.live_known,
        "checked_in": lesson.checked_in,
        "classrooms": len(lesson.rooms),
        "problem": lesson.is_problem,
        "teacher_missing": lesson.teacher_missing,
        "substitute": lesson.substitute,
        "moved": lesson.moved,
        "alerts": [
            {
                "problem": alert.problem,
                "recipient": alert.recipient,
                "at": alert.at.isoformat(),
                "status": alert.status,
            }
            for alert in lesson.alerts
        ],
        "rooms": [
            {
                "id": room.classroom_id,
                "name": room.name,
                "checked_in": room.checked_in,
                "students": room.students,
                "late": room.late,
                "failed": room.failed,
            }
            for room in lesson.rooms
        ],
    }


@allow("admin")
async def today_json(request: web.Request) -> web.Response:
    day, board = await _board(request)
    return web.json_response({"date": day.isoformat(), "lessons": [lesson_json(x) for x in board]})


def routes() -> list[web.RouteDef]:
    return [web.get("/today", today_page), web.get("/today.json", today_json)]
