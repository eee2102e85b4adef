"""Timetables: the index of grids a user may open, and one week grid."""

from __future__ import annotations

import dataclasses
import datetime as dt

from aiohttp import web

from coordinator.services.accounts.policy import shows_person
from coordinator.services.accounts.users import Scope
from coordinator.services.lessons.grids import (
    GRID_KINDS,
    Cell,
    WeekGrid,
    grid_index,
    monday_of,
    week_grid,
)
from coordinator.web.i18n import LANGUAGE, gettext_of
from coordinator.web.keys import STORE
from coordinator.web.pages.access import ALL_ROLES, VIEWER, allow, require_object
from coordinator.web.pages.base import page_context, render, school_date
from coordinator.web.pages.config import PAGES


def week_of(request: web.Request) -> dt.date:
    try:
        return monday_of(dt.date.fromisoformat(request.query["week"]))
    except (KeyError, ValueError):
        return monday_of(school_date(request, request.app[PAGES].clock()))


@allow(*ALL_ROLES)
async def index(request: web.Request) -> web.Response:
    viewer = request[VIEWER]
    context = await page_context(request)
    entries = grid_index(viewer.directory, viewer.scope)
    return render("timetables.html", request, {**context, "index": entries})


@allow(*ALL_ROLES)
async def grid(request: web.Request) -> web.Response:
    viewer = request[VIEWER]
    kind, object_id = request.match_info["kind"], request.match_info["id"]
    if kind not in GRID_KINDS:
        raise web.HTTPNotFound()
    require_object(viewer, kind, object_id)
    week = week_of(request)
    shown = await week_grid(
        request.app[STORE],
        viewer.directory,
        viewer.scope,
        kind=kind,
        object_id=object_id,
        week=week,
        language=request[LANGUAGE],
    )
    if viewer.user.role == "admin":  # shared lessons: the other part's names left out
        _within(request, viewer.scope, shown)
    context = await page_context(request)
    weeks = {"previous": week - dt.timedelta(days=7), "next": week + dt.timedelta(days=7)}
    return render("grid.html", request, {**context, "grid": shown, "week": week, **weeks})


def _within(request: web.Request, scope: Scope, grid: WeekGrid) -> None:
    """Names of teachers and classrooms outside the admin's scope replaced, in place."""
    room = gettext_of(request, "a classroom outside your scope")
    teacher = gettext_of(request, "outside your scope")

    def cell_within(cell: Cell) -> Cell:
        rooms = tuple(
            name if shows_person(scope, "classroom", room_id) else room
            for name, room_id in zip(cell.classrooms, cell.classroom_ids, strict=True)
        )
        shown = cell.teacher if shows_person(scope, "teacher", cell.teacher_id) else teacher
        return dataclasses.replace(cell, classrooms=rooms, teacher=shown)

    for place, cells in grid.cells.items():
        grid.cells[place] = [cell_within(cell) for cell in cells]
    grid.off_bell[:] = [cell_within(cell) for cell in grid.off_bell]


def routes() -> list[web.RouteDef]:
    return [web.get("/timetables", index), web.get("/timetables/{kind}/{id}", grid)]
