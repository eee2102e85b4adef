"""One lesson by hand (admins): move it, cancel it, give it to another teacher, or restore it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from aiohttp import web

from coordinator.calendar.edits import EditKind
from coordinator.services.accounts.policy import OutsideScope
from coordinator.services.lessons.edits import EditRefused, EditRequest, edit_lesson
from coordinator.services.lessons.view import lesson_view
from coordinator.services.streaming.platform_view import lesson_platform
from coordinator.web.i18n import LANGUAGE, gettext_of
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import VIEWER, allow
from coordinator.web.pages.base import page_context, render
from coordinator.web.pages.config import PAGES

FIELDS = ("date", "start", "teacher", "note")


@dataclass(frozen=True, slots=True)
class Shown:
    """A message next to a form; `field` names the input it is about ("" for the form)."""

    field: str
    text: str


@dataclass(frozen=True, slots=True)
class FormState:
    """The form that was sent back, with what was typed, its errors and its warnings."""

    kind: str = ""
    values: dict[str, str] | None = None
    errors: tuple[Shown, ...] = ()
    warnings: tuple[Shown, ...] = ()

    def value(self, kind: str, name: str, default: str = "") -> str:
        if kind != self.kind or self.values is None:
            return default
        return self.values.get(name, default)


def lesson_path(key: str) -> str:
    return f"/lessons/{quote(key, safe='@')}"


async def _page(
    request: web.Request, form: FormState | None = None, *, status: int = 200
) -> web.Response:
    viewer = request[VIEWER]
    view = await lesson_view(
        request.app[STORE],
        viewer.directory,
        viewer.scope,
        request.match_info["key"],
        now=request.app[PAGES].clock(),
        language=request[LANGUAGE],
    )
    platform = await lesson_platform(
        request.app[STORE],
        request.app[SETTINGS].streams,
        viewer.directory,
        lesson_key=view.key,
        teacher_id=view.teacher_id,
        cancelled=view.cancelled,
    )
    context = await page_context(request)
    context.update(
        view=view,
        platform=platform,
        form=form or FormState(),
        done=request.query.get("done", ""),
        path_of=lesson_path,
    )
    return render("lesson.html", request, context, status=status)


@allow("admin")
async def lesson_page(request: web.Request) -> web.Response:
    return await _page(request)


def _parsed(
    request: web.Request, kind: EditKind, values: dict[str, str]
) -> tuple[dict[str, Any], list[Shown]]:
    """The request's fields, or what is wrong with them, by field."""
    fields: dict[str, Any] = {}
    errors = []
    if kind is EditKind.MOVE:
        try:
            fields["date"] = dt.date.fromisoformat(values["date"])
        except ValueError:
            errors.append(Shown("date", gettext_of(request, "Date: write it as YYYY-MM-DD.")))
        try:
            fields["start"] = dt.time.fromisoformat(values["start"])
        except ValueError:
            errors.append(Shown("start", gettext_of(request, "Start: write it as HH:MM.")))
    if kind is EditKind.REASSIGN:
        fields["teacher_id"] = values["teacher"] or None
    return fields, errors


@allow("admin")
async def post_edit(request: web.Request) -> web.StreamResponse:
    """Check and store one edit; errors and warnings come back next to the form."""
    kind = EditKind(request.match_info["kind"])
    form = await request.post()
    values = {name: str(form.get(name, "")).strip() for name in FIELDS}
    fields, errors = _parsed(request, kind, values)
    if errors:
        return await _page(request, FormState(kind.value, values, tuple(errors)), status=400)
    key = request.match_info["key"]
    edit = EditRequest(
        kind, key, note=values["note"], confirmed=form.get("confirm") == "yes", **fields
    )
    viewer = request[VIEWER]
    try:
        await edit_lesson(
            request.app[STORE],
            viewer.directory.bundle,
            viewer.scope,
            edit,
            actor=viewer.user.username,
            now=request.app[PAGES].clock(),
        )
    except EditRefused as refused:
        language = request[LANGUAGE]
        state = FormState(
            kind.value,
            values,
            tuple(Shown(p.field, p.text(language)) for p in refused.check.errors),
            tuple(Shown(p.field, p.text(language)) for p in refused.check.warnings),
        )
        return await _page(request, state, status=200 if refused.needs_confirmation else 400)
    except OutsideScope:
        text = gettext_of(
            request,
            "This lesson reaches beyond your scope: only an admin of the whole lesson may "
            "change it.",
        )
        return await _page(request, FormState(kind.value, values, (Shown("", text),)), status=403)
    raise web.HTTPSeeOther(f"{lesson_path(key)}?done={kind.value}")


def routes() -> list[web.RouteDef]:
    kinds = "|".join(kind.value for kind in EditKind)
    return [
        web.get("/lessons/{key}", lesson_page),
        web.post("/lessons/{key}/{kind:" + kinds + "}", post_edit),
    ]
