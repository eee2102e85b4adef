"""Lessons in a DingTalk member's calendar (钉钉日程, calendar events API v1.0).

`POST /v1.0/calendar/users/{unionId}/calendars/primary/events` creates the event and answers
its `id`; `PUT .../events/{id}` updates it; `DELETE .../events/{id}` removes it. The token is
the app's (`gettoken`, shared through the token cache) in the `x-acs-dingtalk-access-token`
header; the calendar names people by unionId, which `topapi/v2/user/get` gives for a userid.
The app needs the calendar permission (Calendar.Event.Write) and the member-read one.
Errors come as HTTP status with `{"code", "message"}`: 401 refreshes the token once, 429 and
other 5xx/throttling answers are retried by the outbox, other 4xx are permanent.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp

from coordinator.notify.base import DeliveryError
from coordinator.notify.calendars import CalendarEntry, has_marker
from coordinator.notify.dingtalk_app import PROVIDER, DingTalkApp
from coordinator.notify.tokens import TokenCache
from coordinator.settings.person_channels import DingTalkAppSettings

TOKEN_HEADER = "x-acs-dingtalk-access-token"
RETRIED_STATUS = frozenset({408, 409, 429})
MAX_PAGES = 20  # of an event list looked through for a lost push


def event_of(entry: CalendarEntry) -> dict[str, Any]:
    """The event body: times with the school's time zone, the alarm on DingTalk itself."""
    zone = entry.time_zone
    body: dict[str, Any] = {
        "summary": entry.summary,
        "description": entry.description,
        "start": {"dateTime": entry.start.isoformat(), "timeZone": zone},
        "end": {"dateTime": entry.end.isoformat(), "timeZone": zone},
        "isAllDay": False,
        "location": {"displayName": entry.location},
    }
    if entry.remind_before_minutes:
        body["reminders"] = [{"method": "dingtalk", "minutes": entry.remind_before_minutes}]
    return body


def _refusal(method: str, status: int, text: str) -> DeliveryError:
    try:
        answer = json.loads(text)
    except json.JSONDecodeError:
        answer = {}
    code = str(answer.get("code", "")) if isinstance(answer, dict) else ""
    throttled = "QpsLimit" in code or "Throttling" in code
    permanent = 400 <= status < 500 and status not in RETRIED_STATUS and not throttled
    return DeliveryError(
        f"DingTalk calendar {method} HTTP {status}: {text[:300]}", permanent=permanent
    )


class DingTalkCalendar:
    """The calendar provider "dingtalk": the user is the member's unionId."""

    name = "dingtalk"

    def __init__(
        self, settings: DingTalkAppSettings, http: aiohttp.ClientSession, tokens: TokenCache
    ) -> None:
        self.app = DingTalkApp(settings, http, tokens)

    async def calendar_user(self, userid: str) -> str:
        answer = await self.app.call("v2/user/get", {"userid": userid, "language": "zh_CN"})
        result = answer.get("result")
        unionid = result.get("unionid") if isinstance(result, dict) else None
        if not unionid:
            raise DeliveryError(f"DingTalk gave no unionid for {userid}", permanent=True)
        return str(unionid)

    def _events(self, user: str) -> str:
        base = self.app.settings.api_base_url
        return f"{base}/v1.0/calendar/users/{quote(user, safe='')}/calendars/primary/events"

    async def add(self, user: str, entry: CalendarEntry) -> str:
        status, text = await self._request("POST", self._events(user), event_of(entry))
        answer = json.loads(text) if status < 300 else {}
        if not isinstance(answer, dict) or not answer.get("id"):
            raise DeliveryError(f"DingTalk calendar gave no event id: {text[:200]}")
        return str(answer["id"])

    async def update(self, user: str, event_id: str, entry: CalendarEntry) -> None:
        url = f"{self._events(user)}/{quote(event_id, safe='')}"
        await self._request("PUT", url, {**event_of(entry), "id": event_id})

    async def remove(self, user: str, event_id: str) -> None:
        url = f"{self._events(user)}/{quote(event_id, safe='')}"
        await self._request("DELETE", url, None, gone_ok=True)

    async def find(self, user: str, entry: CalendarEntry, marker: str) -> str:
        """Query event list (Calendar.Event.Read) over the lesson's time, page by page."""
        query = {
            "timeMin": (entry.start - dt.timedelta(minutes=1)).isoformat(),
            "timeMax": (entry.end + dt.timedelta(minutes=1)).isoformat(),
            "maxResults": "100",
        }
        for _page in range(MAX_PAGES):
            _, text = await self._request("GET", f"{self._events(user)}?{urlencode(query)}", None)
            answer = json.loads(text or "{}")
            for event in answer.get("events") or ():
                if isinstance(event, dict) and has_marker(event.get("description"), marker):
                    return str(event.get("id", ""))
            if not answer.get("nextToken"):
                return ""
            query["nextToken"] = str(answer["nextToken"])
        return ""

    async def _request(
        self, method: str, url: str, body: dict[str, Any] | None, *, gone_ok: bool = False
    ) -> tuple[int, str]:
        """With the shared token; a 401 (expired or revoked) refreshes it once."""
        app = self.app
        key = app.settings.appkey
        token = await app.tokens.token(PROVIDER, key, app.fetch_token)
        status, text = await self._send(method, url, body, token)
        if status == 401:
            token = await app.tokens.token(PROVIDER, key, app.fetch_token, stale=token)
            status, text = await self._send(method, url, body, token)
        if status < 300 or (gone_ok and status == 404):
            return status, text
        raise _refusal(method, status, text)

    async def _send(
        self, method: str, url: str, body: dict[str, Any] | None, token: str
    ) -> tuple[int, str]:
        headers = {TOKEN_HEADER: token, "Content-Type": "application/json; charset=utf-8"}
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        try:
            async with self.app.http.request(method, url, data=data, headers=headers) as answer:
                return answer.status, await answer.text()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
