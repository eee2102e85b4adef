"""WeCom 直播 (企业微信 上课直播): `living/create`, `living/modify`, `living/cancel` per lesson.

Calls carry an `access_token` from `cgi-bin/gettoken` (corpid + the live app's secret, 7200 s,
revocable early); errcode 40014 / 42001 / 40001 mean the token is no longer good. Times are
Unix seconds; `type` 1 is the K12 小班课 and 2 the 大班课. Viewers watch inside WeCom (or WeChat
with the live's share link), so a lesson gets the living id, not a URL, until it is shared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar, Literal
from urllib.parse import urlencode

from pydantic import SecretStr

from coordinator.streams.base import LinkRequest
from coordinator.streams.platform import (
    ApiAnswer,
    ApiCall,
    CredentialRejected,
    EvidenceStep,
    Lookup,
    PlatformBase,
    PlatformError,
    PlatformMeeting,
    PlatformSettings,
    Seen,
    Signing,
    Token,
    json_body,
    seconds,
)

TOKEN_ERRORS = frozenset({40001, 40014, 42001, 40013, 40091})
SMALL_CLASS, LARGE_CLASS = 1, 2  # living `type`: K12 小班课 / 大班课
CANCELLED = 4  # living_info `status`: 0 预约中, 1 直播中, 2 已结束, 3 已过期, 4 已取消
LIST_LIMIT = 100  # living ids a page of get_user_all_livingid: the most the API gives


class WecomLivingSettings(PlatformSettings):
    """`[streams.wecom_living]`: the corp id, and the secret of the app with 直播 permission;
    `host` is the anchor's WeCom userid (`hosts`: one per network teacher)."""

    api_url: str = "https://qyapi.weixin.qq.com"
    corp_id: str
    secret: SecretStr
    living_type: Literal[1, 2] = 2  # LARGE_CLASS
    # the app's AgentId: the same app as `[notifications.wecom]` then shares its token
    agent_id: str = "living"
    remind_minutes: int = 15


class WecomLivingPlatform(PlatformBase):
    name: ClassVar[str] = "wecom_living"
    label: ClassVar[str] = "企业微信直播"

    settings: WecomLivingSettings

    def __init__(self, settings: WecomLivingSettings) -> None:
        self.settings = settings

    def token_call(self) -> ApiCall | None:
        query = urlencode(
            {"corpid": self.settings.corp_id, "corpsecret": self.settings.secret.get_secret_value()}
        )
        return ApiCall("GET", f"{self.settings.api_url}/cgi-bin/gettoken?{query}")

    def read_token(self, answer: ApiAnswer) -> Token:
        data = self.check(answer, "gettoken")
        if not data.get("access_token"):
            raise PlatformError(f"WeCom gettoken: no access_token in {data!r}")
        return Token(str(data["access_token"]), dt.timedelta(seconds=int(data["expires_in"])))

    def token_key(self) -> tuple[str, str]:
        """The notification channel's key (`wecom`, corpid:agentid): one token per app."""
        return "wecom", f"{self.settings.corp_id}:{self.settings.agent_id}"

    def _call(self, call: str, payload: dict[str, Any], signing: Signing) -> ApiCall:
        url = f"{self.settings.api_url}/cgi-bin/living/{call}?access_token={signing.token}"
        return ApiCall("POST", url, (("Content-Type", "application/json"),), json_body(payload))

    def _living(self, request: LinkRequest) -> dict[str, Any]:
        return {
            "theme": request.title or request.lesson_key,
            "living_start": int(request.start.timestamp()),
            "living_duration": seconds(request.start, request.end),
            "type": self.settings.living_type,
            "description": request.lesson_key,
            "remind_time": self.settings.remind_minutes * 60,
        }

    def create(self, request: LinkRequest, signing: Signing) -> ApiCall:
        anchor = self.settings.host_of(request.teacher.id, self.name)
        return self._call("create", {"anchor_userid": anchor} | self._living(request), signing)

    def read_created(self, answer: ApiAnswer) -> PlatformMeeting:
        data = self.check(answer, "living/create")
        if not data.get("livingid"):
            raise PlatformError(f"WeCom living/create: no livingid in {data!r}")
        return PlatformMeeting(str(data["livingid"]))

    def lookup(self, request: LinkRequest) -> Lookup:
        """The anchor's lives (`get_user_all_livingid`, by `next_cursor`), then each one's
        `get_living_info`: the live not cancelled whose `description` is this lesson's key
        (the marker `create` sets) and whose start is the lesson's."""
        anchor = self.settings.host_of(request.teacher.id, self.name)
        return self._ids_page(anchor, "", request)

    def _ids_page(self, anchor: str, cursor: str, request: LinkRequest) -> Lookup:
        ask = {"userid": anchor, "cursor": cursor, "limit": LIST_LIMIT}
        return Lookup(
            next=lambda s: self._call("get_user_all_livingid", ask, s),
            read=lambda answer: self._read_ids(answer, anchor, request),
        )

    def _read_ids(self, answer: ApiAnswer, anchor: str, request: LinkRequest) -> Lookup:
        data = self.check(answer, "living/get_user_all_livingid")
        ids = [str(living) for living in data.get("livingid_list") or []]
        cursor = str(data.get("next_cursor") or "")
        return self._next_info(ids, anchor, cursor, request)

    def _next_info(self, ids: list[str], anchor: str, cursor: str, request: LinkRequest) -> Lookup:
        """Ask about the first id left; after the page's last, the next page (if any)."""
        if not ids:
            return self._ids_page(anchor, cursor, request) if cursor else Lookup()
        living_id, rest = ids[0], ids[1:]

        def read(answer: ApiAnswer) -> Lookup:
            info = self.check(answer, f"living {living_id}").get("living_info") or {}
            if (
                info.get("description") == request.lesson_key
                and int(info.get("living_start", 0)) == int(request.start.timestamp())
                and info.get("status") != CANCELLED
            ):
                return Lookup(PlatformMeeting(living_id))
            return self._next_info(rest, anchor, cursor, request)

        return Lookup(next=lambda s: self._living_info(living_id, s), read=read)

    def _living_info(self, living_id: str, signing: Signing) -> ApiCall:
        query = urlencode({"access_token": signing.token, "livingid": living_id})
        return ApiCall("GET", f"{self.settings.api_url}/cgi-bin/living/get_living_info?{query}")

    def update(self, meeting_id: str, request: LinkRequest, signing: Signing) -> ApiCall:
        return self._call("modify", {"livingid": meeting_id} | self._living(request), signing)

    def cancel(
        self,
        meeting_id: str,
        request: LinkRequest,  # noqa: ARG002
        signing: Signing,
    ) -> ApiCall:
        return self._call("cancel", {"livingid": meeting_id}, signing)

    def evidence(self, meeting_id: str, request: LinkRequest, signing: Signing) -> ApiCall | None:
        """`get_living_info` (the viewer count), then `get_watch_stat` (who watched how long)."""
        del request
        return self._living_info(meeting_id, signing)

    def read_evidence(
        self, answer: ApiAnswer, meeting_id: str, request: LinkRequest
    ) -> EvidenceStep:
        """The viewer count, then who watched how long, page after page (`next_key`) until
        the answer says `ending`."""
        del request
        data = self.check(answer, f"living {meeting_id}")
        if "living_info" in data:
            viewers = int(data["living_info"].get("viewer_num", 0))
            return EvidenceStep((Seen("*", viewers=viewers),), self._watch_stat(meeting_id, ""))
        users = data.get("stat_info", {})
        seen = [
            Seen(str(u["userid"]), seconds=int(u.get("watch_time", 0)))
            for u in users.get("users", [])
        ]
        seen += [
            Seen(str(u["external_userid"]), str(u.get("name", "")), int(u.get("watch_time", 0)))
            for u in users.get("external_users", [])
        ]
        more = data.get("ending") == 0 and data.get("next_key")
        follow = self._watch_stat(meeting_id, str(data["next_key"])) if more else None
        return EvidenceStep(tuple(seen), follow)

    def _watch_stat(self, meeting_id: str, next_key: str) -> Callable[[Signing], ApiCall]:
        stat = {"livingid": meeting_id, "next_key": next_key}
        return lambda signing: self._call("get_watch_stat", stat, signing)

    def check(self, answer: ApiAnswer, what: str) -> dict[str, Any]:
        data = answer.data("WeCom", what)
        code = data.get("errcode", 0)
        if 200 <= answer.status < 300 and code == 0:
            return data
        text = f"WeCom {what}: HTTP {answer.status}, errcode {code}: {data.get('errmsg', '')}"
        if code in TOKEN_ERRORS:
            raise CredentialRejected(text)
        raise PlatformError(text)
