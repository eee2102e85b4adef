"""The Messages page for admins: every message's state, filterable; and the same as JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from aiohttp import web

from coordinator import models
from coordinator.services.data.directory import Directory
from coordinator.services.notifications.message_states import (
    KINDS,
    STATES,
    MessageFilter,
    MessageFilterError,
    message_states,
    state_json,
    state_of,
)
from coordinator.web.i18n import translator
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import VIEWER, Viewer, allow
from coordinator.web.pages.base import N_, page_context, render

KIND_LABELS = {
    "reminder": N_("Reminder"),
    "change": N_("Change"),
    "alert": N_("Alert"),
    "calendar": N_("Calendar entry"),
}
STATE_LABELS = {
    "queued": N_("Queued"),
    "sent": N_("Sent"),
    "delivered": N_("Delivered"),
    "failed": N_("Failed"),
    "superseded": N_("Replaced by a later change"),
}
Gettext = Callable[[str], str]
FIELD_LABELS = {"kind": N_("Kind"), "state": N_("State"), "limit": N_("Messages")}
CHANNEL_LABELS = {
    "wecom": N_("WeCom"),
    "dingtalk": N_("DingTalk"),
    "sms": N_("SMS"),
    "email": N_("E-mail"),
    "calendar:wecom": N_("WeCom schedule"),
    "calendar:dingtalk": N_("DingTalk calendar"),
    "robot": N_("Group robot"),
    "webhook": N_("Webhook"),
}


def person_label(directory: Directory, recipient: str, gettext: Gettext) -> str:
    kind, _, person = recipient.partition(":")
    if kind == "teacher" and person in directory.teachers:
        return directory.teachers[person].name
    if kind == "assistant" and person in directory.assistants:
        return directory.assistants[person].name
    if kind == "admin":
        return f"{gettext('Admins')} {person}".strip()  # an admin's user name, or all admins
    return recipient


def channel_label(channel: str, gettext: Gettext) -> str:
    name, _, own = channel.partition(":")
    label = CHANNEL_LABELS.get(channel) or CHANNEL_LABELS.get(name)
    if label is None:
        return channel
    shown = gettext(label)
    return f"{shown} {own}" if own and channel not in CHANNEL_LABELS else shown


def _people(viewer: Viewer) -> list[tuple[str, str]]:
    """Teachers and assistants the admin may see, by name."""
    directory = viewer.directory
    people = [
        (f"teacher:{t.id}", t.name)
        for t in directory.teachers.values()
        if viewer.scope.sees("teacher", t.id)
    ]
    people += [
        (f"assistant:{a.id}", a.name)
        for a in directory.assistants.values()
        if viewer.scope.sees("assistant", a.id)
    ]
    return sorted(people, key=lambda pair: pair[1])


def _line(
    row: models.NotificationRow, viewer: Viewer, zone: ZoneInfo, gettext: Gettext
) -> dict[str, str]:
    def local(moment: dt.datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    state = state_of(row)
    return {
        "created": local(row.created_at),
        "done": local(row.delivered_at or row.sent_at),
        "person": person_label(viewer.directory, row.recipient, gettext),
        "kind": gettext(KIND_LABELS.get(row.kind, row.kind)),
        "channel": channel_label(row.channel, gettext),
        "state": state,
        "state_label": gettext(STATE_LABELS.get(state, state)),
        "subject": row.subject,
        "error": row.last_error if state in ("failed", "queued", "superseded") else "",
        "attempts": str(row.attempts),
    }


@allow("admin")
async def messages_page(request: web.Request) -> web.Response:
    viewer = request[VIEWER]
    gettext = translator(request).gettext
    problem, rows = "", []
    try:
        wanted = MessageFilter.of_query(dict(request.query))
    except MessageFilterError as error:
        problem = gettext("The filter “%(field)s” does not know “%(value)s”.") % {
            "field": gettext(FIELD_LABELS.get(error.field, error.field)),
            "value": error.value,
        }
    else:
        rows = await message_states(request.app[STORE], viewer.scope, wanted=wanted)
    zone = ZoneInfo(request.app[SETTINGS].default_time_zone)
    context = await page_context(request)
    context.update(
        lines=[_line(row, viewer, zone, gettext) for row in rows],
        people=_people(viewer),
        kinds=[(kind, KIND_LABELS[kind]) for kind in KINDS],
        states=[(state, STATE_LABELS[state]) for state in STATES],
        query=dict(request.query),
        problem=problem,
        region_admin=viewer.region_admin,
    )
    return render("messages.html", request, context, status=400 if problem else 200)


@allow("admin")
async def messages_json(request: web.Request) -> web.Response:
    viewer = request[VIEWER]
    try:
        wanted = MessageFilter.of_query(dict(request.query))
    except MessageFilterError as error:
        body = {"error": str(error), "field": error.field, "allowed": list(error.allowed)}
        return web.json_response(body, status=400)
    rows = await message_states(request.app[STORE], viewer.scope, wanted=wanted)
    return web.json_response({"messages": [state_json(row) for row in rows]})


def routes() -> list[web.RouteDef]:
    return [web.get("/messages", messages_page), web.get("/messages.json", messages_json)]
