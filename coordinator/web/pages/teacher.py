"""The network teacher's page: this week's lessons, classrooms, assistants, go-live, the feed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

from aiohttp import web

from coordinator.services.accounts.secret import secret_key
from coordinator.services.feeds.subscriptions import list_feeds
from coordinator.services.feeds.tokens import FeedOwner
from coordinator.services.lessons.grids import monday_of
from coordinator.services.reporting.today import teacher_week
from coordinator.services.streaming.teacher_links import go_live_links
from coordinator.web.i18n import LANGUAGE
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import VIEWER, allow, require_object
from coordinator.web.pages.base import page_context, render, school_date
from coordinator.web.pages.calendars import base_url, with_qr
from coordinator.web.pages.config import PAGES
from coordinator.web.pages.timetables import week_of
from coordinator.web.pages.today import room_within


@allow("admin", "teacher")
async def teacher_page(request: web.Request) -> web.Response:
    viewer = request[VIEWER]
    teacher_id = request.match_info["id"]
    require_object(viewer, "teacher", teacher_id)
    settings = request.app[SETTINGS]
    week = week_of(request)
    lessons = await teacher_week(
        request.app[STORE],
        viewer.directory,
        settings.streams,
        teacher_id=teacher_id,
        week=week,
        language=request[LANGUAGE],
        go_live=go_live_links(functools.partial(secret_key, settings), ""),  # the signed page
    )
    if viewer.user.role == "admin":  # the teacher sees every assistant; an admin their scope's
        lessons = [
            dataclasses.replace(
                lesson, rooms=tuple(room_within(viewer.scope, r) for r in lesson.rooms)
            )
            for lesson in lessons
        ]
    owner = FeedOwner("teacher", teacher_id)
    feeds = await list_feeds(
        request.app[STORE], secret=secret_key(settings), base_url=base_url(request)
    )
    context = await page_context(request)
    context.update(
        teacher=viewer.directory.teachers[teacher_id],
        lessons=lessons,
        week=week,
        this_week=monday_of(school_date(request, request.app[PAGES].clock())),
        previous=week - dt.timedelta(days=7),
        next=week + dt.timedelta(days=7),
        feeds=[with_qr(link) for link in feeds if link.owner == owner],
    )
    return render("teacher.html", request, context)


def routes() -> list[web.RouteDef]:
    return [web.get("/teachers/{id}", teacher_page)]
