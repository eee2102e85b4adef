"""Lessons in a WeCom member's schedule (企业微信日程): `cgi-bin/oa/schedule/add`, `update`, `del`.

The app's token is the one its messages use (shared through the token cache); the app needs
the schedule permission (日程 → 可调用接口的应用). The member is organizer and attendee, so
the schedule shows in their own calendar with its alarm. The answer's `errcode` decides: an
expired or revoked token is refreshed once; an unknown member is permanent; the rest (busy,
rate limits) is retried by the outbox.
"""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from coordinator.notify.base import DeliveryError, post_json
from coordinator.notify.calendars import CalendarEntry, has_marker
from coordinator.notify.tokens import TokenCache
from coordinator.notify.wecom_app import PROVIDER, TOKEN_CODES, WeComApp
from coordinator.settings.person_channels import WeComAppSettings

PERMANENT_CODES = frozenset({40003, 60111, 81013})  # no such member (userid, in the corp)
GONE_CODES = frozenset({400102, 400107})  # no such schedule (already deleted)
PAGE = 1000  # get_by_calendar's largest page
MAX_PAGES = 20


def _cut(description: str, limit: int) -> str:
    """At most `limit` characters, keeping the last line (the lesson's marker)."""
    if len(description) <= limit:
        return description
    head, _, last = description.rpartition("\n")
    return f"{head[: max(0, limit - len(last) - 1)]}\n{last}"[-limit:]


def schedule_of(userid: str, entry: CalendarEntry) -> dict[str, Any]:
    """The `schedule` object: Unix times, the alarm with the school's UTC offset in hours."""
    offset = entry.start.astimezone(ZoneInfo(entry.time_zone)).utcoffset()
    hours = round(offset.total_seconds() / 3600) if offset is not None else 8
    return {
        "organizer": userid,
        "attendees": [{"userid": userid}],
        "start_time": int(entry.start.timestamp()),
        "end_time": int(entry.end.timestamp()),
        "summary": entry.summary[:128],
        "description": _cut(entry.description, 1000),
        "location": entry.location[:128],
        "reminders": {
            "is_remind": 1 if entry.remind_before_minutes else 0,
            "remind_before_event_secs": entry.remind_before_minutes * 60,
            "timezone": hours,
        },
    }


class WeComSchedule:
    """The calendar provider "wecom": the user is the member's WeCom userid."""

    name = "wecom"

    def __init__(
        self, settings: WeComAppSettings, http: aiohttp.ClientSession, tokens: TokenCache
    ) -> None:
        self.app = WeComApp(settings, http, tokens)

    async def calendar_user(self, userid: str) -> str:
        return userid

    def _schedule(self, user: str, entry: CalendarEntry) -> dict[str, Any]:
        schedule = schedule_of(user, entry)
        calendar = self.app.settings.calendar_id
        return {**schedule, "cal_id": calendar} if calendar else schedule

    async def add(self, user: str, entry: CalendarEntry) -> str:
        body = {"schedule": self._schedule(user, entry), "agentid": self.app.settings.agentid}
        answer = await self._call("add", body)
        if not answer.get("schedule_id"):
            raise DeliveryError(f"WeCom gave no schedule_id: {json.dumps(answer)[:200]}")
        return str(answer["schedule_id"])

    async def update(self, user: str, event_id: str, entry: CalendarEntry) -> None:
        schedule = {**self._schedule(user, entry), "schedule_id": event_id}
        await self._call("update", {"schedule": schedule, "skip_attendees": False})

    async def remove(self, user: str, event_id: str) -> None:  # noqa: ARG002 (by id alone)
        await self._call("del", {"schedule_id": event_id}, gone_ok=True)

    async def find(self, user: str, entry: CalendarEntry, marker: str) -> str:
        """get_by_calendar over the app's calendar (`calendar_id`; WeCom lists no other)."""
        calendar = self.app.settings.calendar_id
        if not calendar:
            return ""
        start = int(entry.start.timestamp())
        for page in range(MAX_PAGES):
            body = {"cal_id": calendar, "offset": page * PAGE, "limit": PAGE}
            listed = (await self._call("get_by_calendar", body)).get("schedule_list") or []
            for schedule in listed:
                attendees = {a.get("userid") for a in schedule.get("attendees") or ()}
                if (
                    schedule.get("start_time") == start
                    and user in attendees
                    and has_marker(schedule.get("description"), marker)
                ):
                    return str(schedule.get("schedule_id", ""))
            if len(listed) < PAGE:
                return ""
        return ""

    async def _call(self, verb: str, body: dict[str, Any], *, gone_ok: bool = False) -> Any:
        app = self.app
        token = await app.tokens.token(PROVIDER, app.app, app.fetch_token)
        answer = await self._post(verb, token, body)
        if answer.get("errcode") in TOKEN_CODES:  # expired or revoked early: refresh once
            token = await app.tokens.token(PROVIDER, app.app, app.fetch_token, stale=token)
            answer = await self._post(verb, token, body)
        code = answer.get("errcode", 0)
        if code == 0 or (gone_ok and code in GONE_CODES):
            return answer
        shown = json.dumps(answer, ensure_ascii=False)[:300]
        raise DeliveryError(
            f"WeCom schedule/{verb} errcode {code}: {shown}", permanent=code in PERMANENT_CODES
        )

    async def _post(self, verb: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.app.settings.base_url}/cgi-bin/oa/schedule/{verb}?access_token={token}"
        text = await post_json(self.app.http, url, body)
        try:
            answer = json.loads(text)
        except json.JSONDecodeError as error:
            raise DeliveryError(f"WeCom answered non-JSON: {text[:200]!r}") from error
        if not isinstance(answer, dict):
            raise DeliveryError(f"WeCom answered {text[:200]!r}")
        return answer
