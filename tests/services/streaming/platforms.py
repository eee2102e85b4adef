"""Loopback meeting platforms that check what the real ones check: Tencent Meeting's X-TC-*
signature and five-minute clock, WeCom's and DingTalk's access tokens, ClassIn's X-EEO-SIGN.

The signatures are recomputed here independently of coordinator's code (from the providers'
documents), so a wrong string to sign is refused as the real platform would refuse it.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import itertools
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from coordinator.jobs import send_with
from coordinator.services.notifications.access_tokens import DatabaseTokens
from coordinator.services.streaming.meetings import MeetingSync
from coordinator.settings.person_channels import TokenSettings
from coordinator.store import Store
from coordinator.streams import StreamsSettings
from coordinator.streams.classin import ClassinSettings
from coordinator.streams.dingtalk_meeting import DingtalkMeetingSettings
from coordinator.streams.wecom_living import WecomLivingSettings
from coordinator.streams.wemeet import WemeetSettings
from tests.notify.support import free_port

TC_ID, TC_KEY, TC_APP = "AKIDwemeet0001", "wemeet-secret-key", "200000164"
CORP, CORP_SECRET = "ww-county", "wecom-live-secret"
DING_KEY, DING_SECRET = "dingappkey", "ding-app-secret"
EEO_SID, EEO_SECRET = "1000082", "eeo-school-secret"
HOSTS = {"t-wang": "wangli"}
ACCOUNTS = {"c-east-3": "east-pc", "c-west-3": "west-pc"}  # what each classroom joins as
ASSISTANTS = {"c-east-3": "2000001", "c-west-3": "2000002"}
SUB_COURSES = {"c-east-3": 31, "c-west-3": 32}
PLATFORMS = ("wemeet", "wecom_living", "dingtalk_meeting", "classin")


@dataclass
class Meeting:
    provider: str
    subject: str
    start: int  # Unix seconds
    end: int
    cancelled: bool = False
    marker: str = ""  # WeCom's `description`
    host: str = "wangli"
    sub_classes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FakePlatforms:
    """All four platforms on one loopback server; `now` is their clock."""

    now: dt.datetime
    meetings: dict[str, Meeting] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)  # (provider, action) accepted
    tokens: set[str] = field(default_factory=set)  # access tokens still good
    issued: int = 0
    keys_revoked: bool = False  # the secret was rotated in the console
    busy: int = 0  # answer this many calls with the platform's own error first
    # who joined each meeting: (account, name, seconds present) -- set by a test
    attendance: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    viewers: int = 0
    pages: int = 0  # pages of participants answered
    identities: dict[str, str] = field(default_factory=dict)  # ClassIn uniqueIdentity -> id
    hold_answer: bool = False  # make the next meeting or class, then never answer
    list_page: int = 2  # meetings a page of a host's list (small, so paging is exercised)
    lookups: int = 0  # list and detail calls answered
    holding: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)  # when the server stops
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def live(self) -> list[Meeting]:
        return [m for m in self.meetings.values() if not m.cancelled]

    def _new(self, meeting: Meeting) -> str:
        key = str(next(self._ids))
        self.meetings[key] = meeting
        return key

    def _busy(self) -> bool:
        if self.busy > 0:
            self.busy -= 1
            return True
        return False

    async def _hold(self) -> None:
        """Made, but the caller dies before it hears so (when a test asks)."""
        if self.hold_answer:
            self.hold_answer = False
            self.holding.set()
            await self.released.wait()

    def _fresh(self, timestamp: str) -> bool:
        return abs(int(timestamp) - self.now.timestamp()) <= 300

    # Tencent Meeting ---------------------------------------------------------------------
    async def wemeet(self, request: web.Request) -> web.Response:
        body = await request.text()
        h = request.headers
        header = "&".join(
            f"{name}={h[name]}" for name in ("X-TC-Key", "X-TC-Nonce", "X-TC-Timestamp")
        )
        to_sign = "\n".join((request.method, header, request.path_qs, body))
        key = b"rotated" if self.keys_revoked else TC_KEY.encode()
        expected = base64.b64encode(hmac.digest(key, to_sign.encode(), "sha256").hex().encode())
        if h["X-TC-Signature"].encode() != expected or h["AppId"] != TC_APP:
            return _tc_error(400, 200003, "签名校验失败")
        if not self._fresh(h["X-TC-Timestamp"]):
            return _tc_error(400, 190303, "时间戳过期")
        if self._busy():
            return _tc_error(500, 9003, "系统繁忙")
        path = request.path.removeprefix("/v1/meetings").strip("/")
        if request.method == "GET" and not path:
            return self._wemeet_list(request)
        if request.method == "GET":
            return self._participants(request, path.split("/")[0])
        data = json.loads(body) if body else {}
        if data.get("userid") != "wangli" or data.get("instanceid") != 1:
            return _tc_error(400, 500000, f"bad userid/instanceid {data}")
        if request.method == "POST" and not path:
            meeting_id = self._new(
                Meeting("wemeet", data["subject"], int(data["start_time"]), int(data["end_time"]))
            )
            self.calls.append(("wemeet", "create"))
            await self._hold()
            info = {
                "meeting_id": meeting_id,
                "meeting_code": "806" + meeting_id,
                "join_url": f"https://meeting.tencent.com/dm/{meeting_id}",
            }
            return web.json_response({"meeting_number": 1, "meeting_info_list": [info]})
        meeting_id, _, action = path.partition("/")
        meeting = self.meetings[meeting_id]
        if request.method == "PUT":
            meeting.start, meeting.end = int(data["start_time"]), int(data["end_time"])
            self.calls.append(("wemeet", "update"))
            return web.json_response(
                {"meeting_number": 1, "meeting_info_list": [{"meeting_id": meeting_id}]}
            )
        assert action == "cancel"
        assert data["reason_code"] == 1
        meeting.cancelled = True
        self.calls.append(("wemeet", "cancel"))
        return web.json_response({})

    def _wemeet_list(self, request: web.Request) -> web.Response:
        """The host's meetings, `list_page` a page, from `pos` (and `cursory`) as documented:
        `remaining` says how many are left, `next_pos` / `next_cursory` where to go on."""
        assert request.query["instanceid"] == "1"
        pos = int(request.query.get("pos", 0))
        mine = [
            (key, m)
            for key, m in self.meetings.items()
            if m.provider == "wemeet" and m.host == request.query["userid"]
        ]
        page = [
            {
                "meeting_id": key,
                "meeting_code": "806" + key,
                "subject": m.subject,
                "start_time": str(m.start),
                "end_time": str(m.end),
                "join_url": f"https://meeting.tencent.com/dm/{key}",
                "status": "MEETING_STATE_CANCELLED" if m.cancelled else "MEETING_STATE_INIT",
            }
            for key, m in mine[pos : pos + self.list_page]
        ]
        self.lookups += 1
        after = pos + len(page)
        return web.json_response(
            {
                "meeting_number": len(page),
                "meeting_info_list": page,
                "remaining": len(mine) - after,
                "next_pos": after,
                "next_cursory": after,
            }
        )

    def _participants(self, request: web.Request, meeting_id: str) -> web.Response:
        """A page from `pos` of at most `size` (the API's largest: 100), as documented."""
        assert request.query["userid"] == "wangli"
        pos, size = int(request.query.get("pos", 0)), int(request.query.get("size", 20))
        if size > 100:
            return _tc_error(400, 190004, "参数非法: size")
        start = self.meetings[meeting_id].start
        everyone = self.attendance.get(meeting_id, [])
        people = [
            {
                "userid": account,
                "user_name": base64.b64encode(name.encode()).decode(),
                "join_time": str(start),
                "left_time": str(start + seconds),
            }
            for account, name, seconds in everyone[pos : pos + size]
        ]
        self.pages += 1
        remaining = pos + size < len(everyone)
        page = {"participants": people, "has_remaining": remaining, "total_count": len(everyone)}
        if remaining:
            page["next_pos"] = pos + size
        return web.json_response({"meeting_id": meeting_id, **page})

    # WeCom 直播 -----------------------------------------------------------------------------
    def _issue(self) -> str:
        self.issued += 1
        token = f"token-{self.issued}"
        self.tokens.add(token)
        return token

    async def wecom_token(self, request: web.Request) -> web.Response:
        secret = "rotated" if self.keys_revoked else CORP_SECRET
        if request.query.get("corpid") != CORP or request.query.get("corpsecret") != secret:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "access_token": self._issue(), "expires_in": 7200}
        )

    async def wecom_living(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") not in self.tokens:
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        if self._busy():
            return web.json_response({"errcode": -1, "errmsg": "system busy"})
        if request.method == "GET":
            self.lookups += 1
            living = self.meetings[request.query["livingid"]]
            return web.json_response(
                {
                    "errcode": 0,
                    "errmsg": "ok",
                    "living_info": {
                        "theme": living.subject,
                        "living_start": living.start,
                        "living_duration": living.end - living.start,
                        "anchor_userid": living.host,
                        "description": living.marker,
                        "viewer_num": self.viewers,
                        "status": 4 if living.cancelled else 2,
                    },
                }
            )
        data = await request.json()
        call = request.match_info["call"]
        if call == "get_watch_stat":
            return self._watch_stat(data)
        if call == "get_user_all_livingid":
            return self._living_ids(data)
        if call == "create":
            if data["anchor_userid"] != "wangli" or data["type"] not in (1, 2):
                return web.json_response({"errcode": 40003, "errmsg": f"bad living {data}"})
            start = int(data["living_start"])
            end = start + data["living_duration"]
            living = Meeting("wecom_living", data["theme"], start, end, marker=data["description"])
            key = self._new(living)
            self.calls.append(("wecom_living", "create"))
            await self._hold()
            return web.json_response({"errcode": 0, "errmsg": "ok", "livingid": key})
        meeting = self.meetings[data["livingid"]]
        if call == "modify":
            meeting.start = int(data["living_start"])
            meeting.end = meeting.start + int(data["living_duration"])
        else:
            meeting.cancelled = True
        self.calls.append(("wecom_living", "update" if call == "modify" else "cancel"))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    def _living_ids(self, data: dict[str, Any]) -> web.Response:
        """The user's living ids, `list_page` a page (`limit` at most 100), by `next_cursor`."""
        if int(data.get("limit", 100)) > 100:
            return web.json_response({"errcode": 40058, "errmsg": "limit"})
        offset = int(data.get("cursor") or 0)
        mine = [
            key
            for key, m in self.meetings.items()
            if m.provider == "wecom_living" and m.host == data["userid"]
        ]
        page = mine[offset : offset + self.list_page]
        after = offset + len(page)
        self.lookups += 1
        more = str(after) if after < len(mine) else ""
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "next_cursor": more, "livingid_list": page}
        )

    def _watch_stat(self, data: dict[str, Any]) -> web.Response:
        """Pages of 100 watchers; `next_key` goes on, `ending` 1 on the last page."""
        offset = int(data["next_key"] or 0)
        everyone = self.attendance.get(data["livingid"], [])
        users = [
            {"userid": account, "watch_time": seconds, "is_comment": 0, "is_mic": 0}
            for account, _, seconds in everyone[offset : offset + 100]
        ]
        self.pages += 1
        ending = int(offset + 100 >= len(everyone))
        return web.json_response(
            {
                "errcode": 0,
                "ending": ending,
                "next_key": "" if ending else str(offset + 100),
                "stat_info": {"users": users, "external_users": []},
            }
        )

    # DingTalk 视频会议 ------------------------------------------------------------------------
    async def ding_token(self, request: web.Request) -> web.Response:
        data = await request.json()
        secret = "rotated" if self.keys_revoked else DING_SECRET
        if data != {"appKey": DING_KEY, "appSecret": secret}:
            return web.json_response({"code": "invalidClientSecret", "message": "bad"}, status=400)
        return web.json_response({"accessToken": self._issue(), "expireIn": 7200})

    async def ding_conference(self, request: web.Request) -> web.Response:
        if request.headers.get("x-acs-dingtalk-access-token") not in self.tokens:
            return web.json_response(
                {"code": "InvalidAuthentication", "message": "不合法的access_token"}, status=401
            )
        if self._busy():
            return web.json_response({"code": "ServiceUnavailable", "message": "busy"}, status=503)
        data = await request.json()
        if request.path.endswith("/cancel"):
            self._ding_creator(data)
            self.meetings[data["scheduleConferenceId"]].cancelled = True
            self.calls.append(("dingtalk_meeting", "cancel"))
            return web.json_response({"success": True})
        start, end = data["startTime"] // 1000, data["endTime"] // 1000
        if request.method == "PUT":
            self._ding_creator(data)
            meeting = self.meetings[data["scheduleConferenceId"]]
            meeting.start, meeting.end = start, end
            self.calls.append(("dingtalk_meeting", "update"))
            return web.json_response({"success": True})
        self._ding_creator(data)
        key = self._new(Meeting("dingtalk_meeting", data["title"], start, end))
        self.calls.append(("dingtalk_meeting", "create"))
        await self._hold()
        return web.json_response(
            {
                "scheduleConferenceId": key,
                "url": f"https://meeting.dingtalk.com/j/{key}",
                "roomCode": "5" + key,
            }
        )

    async def ding_held(self, request: web.Request) -> web.Response:
        if request.headers.get("x-acs-dingtalk-access-token") not in self.tokens:
            return web.json_response({"code": "InvalidAuthentication", "message": "x"}, status=401)
        if "members" in request.path:
            return self._members(request)
        held = [{"conferenceId": "held-" + request.match_info["id"], "status": 2}]
        return web.json_response({"conferenceList": held, "totalCount": 1})

    def _members(self, request: web.Request) -> web.Response:
        """Pages of `maxResults` (at most 300) members, with a `nextToken` while more remain."""
        scheduled = request.match_info["id"].removeprefix("held-")
        size, offset = int(request.query["maxResults"]), int(request.query.get("nextToken", 0))
        if size > 300:
            return web.json_response({"code": "InvalidParameter", "message": "x"}, status=400)
        start = self.meetings[scheduled].start * 1000
        everyone = self.attendance.get(scheduled, [])
        members = [
            {
                "unionId": account,
                "userNick": name,
                "joinTime": start,
                "leaveTime": start + seconds * 1000,
            }
            for account, name, seconds in everyone[offset : offset + size]
        ]
        self.pages += 1
        page: dict[str, Any] = {"memberModels": members, "totalCount": len(everyone)}
        if offset + size < len(everyone):
            page["nextToken"] = str(offset + size)
        return web.json_response(page)

    @staticmethod
    def _ding_creator(data: dict[str, Any]) -> None:
        assert data["creatorUnionId"] == "wangli"

    # ClassIn ---------------------------------------------------------------------------------
    async def classin(self, request: web.Request) -> web.Response:
        data = await request.json()
        h = request.headers
        signed = {
            k: v for k, v in data.items() if not isinstance(v, list | dict) and len(str(v)) <= 1024
        }
        signed.update(sid=h["X-EEO-UID"], timeStamp=h["X-EEO-TS"])
        text = "&".join(f"{k}={signed[k]}" for k in sorted(signed))
        secret = "rotated" if self.keys_revoked else EEO_SECRET
        if (
            h["X-EEO-UID"] != EEO_SID
            or h["X-EEO-SIGN"] != hashlib.md5(f"{text}&key={secret}".encode()).hexdigest()
        ):
            return web.json_response({"code": 101002005, "msg": "签名异常"})
        if not self._fresh(h["X-EEO-TS"]):
            return web.json_response({"code": 101002006, "msg": "验签时间戳过期"})
        if self._busy():
            return web.json_response({"code": 500, "msg": "服务器繁忙"})
        action = request.path.removeprefix("/lms/")
        if action == "activity/createClass":
            assert (data["courseId"], data["unitId"], data["teacherUid"]) == (30, 7, 1000090)
            made = self.identities.get(data["uniqueIdentity"])
            if made is not None:  # as documented: no second class, the first one's id
                found = {"classId": int(made)}
                return web.json_response({"code": 398, "msg": "数据已存在", "data": found})
            key = self._new(Meeting("classin", data["name"], data["startTime"], data["endTime"]))
            self.identities[data["uniqueIdentity"]] = key
            self.calls.append(("classin", "create"))
            await self._hold()
            return web.json_response(
                {"code": 1, "msg": "程序正常执行", "data": {"classId": int(key)}}
            )
        if action == "onlineDoubleTeacher/addClass":
            assert data["mainCourseId"] == 30
            main = self.meetings[str(data["mainClassId"])]
            known = {sub["uniqueIdentity"] for sub in main.sub_classes}
            main.sub_classes += [
                s for s in data["subClassJson"] if s["uniqueIdentity"] not in known
            ]
            self.calls.append(("classin", "sub_classes"))
            return web.json_response({"code": 1, "msg": "程序正常执行"})
        meeting = self.meetings[str(data["classId"])]
        if action == "onlineDoubleTeacher/editClass":
            meeting.start, meeting.end = data["startTime"], data["endTime"]
            self.calls.append(("classin", "update"))
        else:
            meeting.cancelled = True
            self.calls.append(("classin", "cancel"))
        return web.json_response({"code": 1, "msg": "程序正常执行"})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/v1/meetings{tail:.*}", self.wemeet)
        app.router.add_get("/cgi-bin/gettoken", self.wecom_token)
        app.router.add_post("/cgi-bin/living/{call}", self.wecom_living)
        app.router.add_get("/cgi-bin/living/get_living_info", self.wecom_living)
        app.router.add_post("/v1.0/oauth2/accessToken", self.ding_token)
        app.router.add_route(
            "*", "/v1.0/conference/scheduleConferences{tail:.*}", self.ding_conference
        )
        app.router.add_get(
            "/v1.0/conference/videoConferences/scheduleConferences/{id}", self.ding_held
        )
        app.router.add_get("/v1.0/conference/videoConferences/{id}/members", self.ding_held)
        app.router.add_post("/lms/{tail:.*}", self.classin)
        return app


def _tc_error(status: int, code: int, message: str) -> web.Response:
    error = {"error_info": {"error_code": code, "new_error_code": code, "message": message}}
    return web.json_response(error, status=status)


def streams_for(platform: str, api_url: str) -> StreamsSettings:
    """`[streams]` with the one platform, every section's API base URL on the loopback server."""
    sections: dict[str, Callable[[], Any]] = {
        "wemeet": lambda: WemeetSettings(
            api_url=api_url,
            app_id=TC_APP,
            sdk_id="28370001",
            secret_id=TC_ID,
            secret_key=TC_KEY,
            hosts=HOSTS,
            classrooms=ACCOUNTS,
        ),
        "wecom_living": lambda: WecomLivingSettings(
            api_url=api_url, corp_id=CORP, secret=CORP_SECRET, host="wangli", classrooms=ACCOUNTS
        ),
        "dingtalk_meeting": lambda: DingtalkMeetingSettings(
            api_url=api_url,
            app_key=DING_KEY,
            app_secret=DING_SECRET,
            hosts=HOSTS,
            classrooms=ACCOUNTS,
        ),
        "classin": lambda: ClassinSettings(
            api_url=api_url,
            sid=EEO_SID,
            secret=EEO_SECRET,
            course_id=30,
            unit_id=7,
            hosts={"t-wang": "1000090"},
            assistants=ASSISTANTS,
            sub_courses=SUB_COURSES,
        ),
    }
    return StreamsSettings(provider=platform, **{platform: sections[platform]()})


@asynccontextmanager
async def serving(now: dt.datetime) -> AsyncIterator[tuple[FakePlatforms, str]]:
    fake = FakePlatforms(now)
    runner = web.AppRunner(fake.app(), access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield fake, f"http://127.0.0.1:{port}"
    finally:
        fake.released.set()  # a held answer goes (to nobody) so the server stops at once
        await runner.cleanup()


def meeting_sync(store: Store, http: aiohttp.ClientSession) -> MeetingSync:
    """What one worker process holds: its HTTP session, and the tokens shared in `store`."""
    return MeetingSync(send_with(http), DatabaseTokens(store, TokenSettings()))
