"""Loopback stand-ins for WeCom schedules (oa/schedule/add, update, del) and DingTalk's
calendar events API v1.0, checking the app's token as the providers do (WeCom: the
`access_token` query, errcode 40014/42001; DingTalk: the `x-acs-dingtalk-access-token`
header, HTTP 401) and answering in their shapes, rate limits included. `stall` makes the
next calls hang without acting (a provider that never answered), until `release`; `hold`
makes the next adds act and then hang (the provider made the entry, its answer was lost).
Listing (WeCom `oa/schedule/get_by_calendar` over an app calendar, DingTalk's event list over
a time range) lets a sender find an entry whose answer it never got.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from tests.notify.providers import DingTalk, WeCom


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status)


@dataclass
class Stalls:
    """Calls that hang, unanswered and without effect, until released."""

    calls: int = 0
    started: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    async def stalled(self) -> bool:
        if self.calls <= 0:
            return False
        self.calls -= 1
        self.started.set()
        await self.released.wait()
        return True


def _stamp(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


@dataclass
class WeComSchedules:
    wecom: WeCom
    schedules: dict[str, dict[str, Any]] = field(default_factory=dict)
    log: list[tuple[str, str, str]] = field(default_factory=list)  # verb, userid, schedule_id
    busy: int = 0  # the next calls answered 45009 (api freq out of limit)
    stall: Stalls = field(default_factory=Stalls)
    hold: Stalls = field(default_factory=Stalls)  # adds that act, then never answer
    lists: int = 0  # get_by_calendar calls
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    calendars: set[str] = field(default_factory=set)  # cal_ids the app made

    async def _checked(self, request: web.Request) -> dict[str, Any] | web.Response:
        refusal = self.wecom.tokens.refusal(request.query.get("access_token", ""))
        if refusal:
            return _json(refusal)
        if await self.stall.stalled():
            return _json({"errcode": -1, "errmsg": "system busy"})
        if self.busy > 0:
            self.busy -= 1
            return _json({"errcode": 45009, "errmsg": "api freq out of limit"})
        body: dict[str, Any] = await request.json()
        return body

    def _invalid(self, schedule: dict[str, Any]) -> web.Response | None:
        users = [schedule.get("organizer"), *(a["userid"] for a in schedule["attendees"])]
        if any(user not in self.wecom.members for user in users):
            return _json({"errcode": 40003, "errmsg": "invalid userid"})
        if not schedule["summary"] or schedule["end_time"] <= schedule["start_time"]:
            return _json({"errcode": 40058, "errmsg": "invalid parameter"})
        return None

    async def add(self, request: web.Request) -> web.Response:
        body = await self._checked(request)
        if isinstance(body, web.Response):
            return body
        schedule = body["schedule"]
        if body.get("agentid") != self.wecom_agentid():
            return _json({"errcode": 40056, "errmsg": "invalid agentid"})
        if refused := self._invalid(schedule):
            return refused
        if schedule.get("cal_id", "") and schedule["cal_id"] not in self.calendars:
            return _json({"errcode": 400110, "errmsg": "invalid cal_id"})
        schedule_id = f"sch{next(self.ids)}"
        self.schedules[schedule_id] = schedule
        self.log.append(("add", schedule["organizer"], schedule_id))
        await self.hold.stalled()
        return _json({"errcode": 0, "errmsg": "ok", "schedule_id": schedule_id})

    async def by_calendar(self, request: web.Request) -> web.Response:
        """Only the app's own calendars are listed, `offset`/`limit` paging, as WeCom does."""
        body = await self._checked(request)
        if isinstance(body, web.Response):
            return body
        if body.get("cal_id") not in self.calendars:
            return _json({"errcode": 400110, "errmsg": "invalid cal_id"})
        offset, limit = int(body.get("offset", 0)), int(body.get("limit", 500))
        if not 1 <= limit <= 1000:
            return _json({"errcode": 40058, "errmsg": "invalid limit"})
        listed = [
            {**schedule, "schedule_id": schedule_id}
            for schedule_id, schedule in self.schedules.items()
            if schedule.get("cal_id") == body["cal_id"]
        ]
        self.lists += 1
        page = listed[offset : offset + limit]
        return _json({"errcode": 0, "errmsg": "ok", "schedule_list": page})

    async def update(self, request: web.Request) -> web.Response:
        body = await self._checked(request)
        if isinstance(body, web.Response):
            return body
        schedule = body["schedule"]
        if schedule.get("schedule_id") not in self.schedules:
            return _json({"errcode": 400102, "errmsg": "schedule not found"})
        if refused := self._invalid(schedule):
            return refused
        self.schedules[schedule["schedule_id"]] = schedule
        self.log.append(("update", schedule["organizer"], schedule["schedule_id"]))
        return _json({"errcode": 0, "errmsg": "ok"})

    async def delete(self, request: web.Request) -> web.Response:
        body = await self._checked(request)
        if isinstance(body, web.Response):
            return body
        schedule = self.schedules.pop(body.get("schedule_id", ""), None)
        if schedule is None:
            return _json({"errcode": 400102, "errmsg": "schedule not found"})
        self.log.append(("del", schedule["organizer"], body["schedule_id"]))
        return _json({"errcode": 0, "errmsg": "ok"})

    @staticmethod
    def wecom_agentid() -> int:
        from tests.notify.providers import AGENTID

        return AGENTID


@dataclass
class DingTalkCalendars:
    dingtalk: DingTalk
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> event (+ "union")
    log: list[tuple[str, str, str]] = field(default_factory=list)  # verb, unionId, event id
    throttled: int = 0  # the next calls answered 429 QpsLimit
    stall: Stalls = field(default_factory=Stalls)
    hold: Stalls = field(default_factory=Stalls)  # creates that act, then never answer
    lists: int = 0  # event list calls
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def user(self, request: web.Request) -> web.Response:
        refusal = self.dingtalk.tokens.refusal(request.query.get("access_token", ""))
        if refusal:
            return _json(refusal)
        userid = (await request.json()).get("userid")
        if userid not in self.dingtalk.members:
            return _json({"errcode": 60121, "errmsg": "找不到该用户"})
        return _json({"errcode": 0, "result": {"userid": userid, "unionid": f"u-{userid}"}})

    async def _checked(self, request: web.Request) -> web.Response | None:
        token = request.headers.get("x-acs-dingtalk-access-token", "")
        if self.dingtalk.tokens.refusal(token):
            message = {"code": "InvalidAuthentication", "message": "不合法的access_token"}
            return _json(message, status=401)
        if await self.stall.stalled():
            return _json({"code": "ServiceUnavailable", "message": "busy"}, status=503)
        if self.throttled > 0:
            self.throttled -= 1
            message = {"code": "Forbidden.AccessDenied.QpsLimitForApi", "message": "限流"}
            return _json(message, status=429)
        union = request.match_info["union"]
        known = {f"u-{member}" for member in self.dingtalk.members}
        if union not in known or request.match_info["calendar"] != "primary":
            return _json({"code": "invalidParameter", "message": "user"}, status=400)
        return None

    @staticmethod
    def _invalid(event: dict[str, Any]) -> web.Response | None:
        start = dt.datetime.fromisoformat(event["start"]["dateTime"])
        end = dt.datetime.fromisoformat(event["end"]["dateTime"])
        if start.tzinfo is None or not event["start"].get("timeZone") or end <= start:
            return _json({"code": "invalidParameter", "message": "time"}, status=400)
        if not event.get("summary"):
            return _json({"code": "invalidParameter", "message": "summary"}, status=400)
        return None

    async def create(self, request: web.Request) -> web.Response:
        if refused := await self._checked(request):
            return refused
        event = await request.json()
        if refused := self._invalid(event):
            return refused
        event_id = f"ev{next(self.ids)}"
        union = request.match_info["union"]
        self.events[event_id] = {**event, "union": union}
        self.log.append(("create", union, event_id))
        await self.hold.stalled()
        return _json({"id": event_id, "summary": event["summary"]})

    async def listing(self, request: web.Request) -> web.Response:
        """Query event list: the user's events overlapping timeMin..timeMax, maxResults per
        page with nextToken (an offset here), as DingTalk answers."""
        if refused := await self._checked(request):
            return refused
        try:
            low, high = _stamp(request.query["timeMin"]), _stamp(request.query["timeMax"])
            size = int(request.query.get("maxResults", "100"))
        except (KeyError, ValueError):
            return _json({"code": "invalidParameter", "message": "time"}, status=400)
        union = request.match_info["union"]
        found = [
            {"id": event_id, **{k: v for k, v in event.items() if k != "union"}}
            for event_id, event in self.events.items()
            if event["union"] == union
            and _stamp(event["start"]["dateTime"]) < high
            and _stamp(event["end"]["dateTime"]) > low
        ]
        start = int(request.query.get("nextToken", "0"))
        self.lists += 1
        more = start + size < len(found)
        answer: dict[str, Any] = {"events": found[start : start + size]}
        if more:
            answer["nextToken"] = str(start + size)
        return _json(answer)

    async def change(self, request: web.Request) -> web.Response:
        if refused := await self._checked(request):
            return refused
        event_id, union = request.match_info["event"], request.match_info["union"]
        if self.events.get(event_id, {}).get("union") != union:
            return _json({"code": "notFound", "message": "event"}, status=404)
        if request.method == "DELETE":
            del self.events[event_id]
            self.log.append(("delete", union, event_id))
            return web.Response(status=200)
        event = await request.json()
        if refused := self._invalid(event):
            return refused
        self.events[event_id] = {**event, "union": union}
        self.log.append(("update", union, event_id))
        return _json({"id": event_id})


EVENTS = "/dingapi/v1.0/calendar/users/{union}/calendars/{calendar}/events"


def calendar_routes(
    schedules: WeComSchedules, calendars: DingTalkCalendars
) -> list[tuple[str, str, Any]]:
    return [
        ("POST", "/wecom/cgi-bin/oa/schedule/add", schedules.add),
        ("POST", "/wecom/cgi-bin/oa/schedule/update", schedules.update),
        ("POST", "/wecom/cgi-bin/oa/schedule/del", schedules.delete),
        ("POST", "/dingtalk/topapi/v2/user/get", calendars.user),
        ("POST", "/wecom/cgi-bin/oa/schedule/get_by_calendar", schedules.by_calendar),
        ("POST", EVENTS, calendars.create),
        ("GET", EVENTS, calendars.listing),
        ("PUT", EVENTS + "/{event}", calendars.change),
        ("DELETE", EVENTS + "/{event}", calendars.change),
    ]
