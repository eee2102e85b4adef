"""DingTalk 预约会议 (video conference, conference_1.0): one scheduled conference per lesson.

A token from `POST /v1.0/oauth2/accessToken` (the app's appKey + appSecret, 7200 s) goes in the
`x-acs-dingtalk-access-token` header; an expired or revoked one is answered with HTTP 401
(code `InvalidAuthentication`). Conferences are created, moved and cancelled by their creator,
named by unionId (not userid); times are Unix milliseconds. The answer carries the join URL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar
from urllib.parse import urlencode

from pydantic import SecretStr

from coordinator.streams.base import LinkRequest
from coordinator.streams.platform import (
    ApiAnswer,
    ApiCall,
    CredentialRejected,
    EvidenceStep,
    PlatformBase,
    PlatformError,
    PlatformMeeting,
    PlatformSettings,
    Seen,
    Signing,
    Token,
    json_body,
)

TOKEN_CODES = frozenset({"InvalidAuthentication", "Forbidden.AccessDenied.AccessTokenInvalid"})
PATH = "/v1.0/conference/scheduleConferences"
PAGE = 300  # members per page: the most the API gives


def milliseconds(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


class DingtalkMeetingSettings(PlatformSettings):
    """`[streams.dingtalk_meeting]`: an internal app's AppKey and AppSecret (开发者后台), with
    the 视频会议 permission; `host` is the creator's unionId (`hosts`: one per teacher)."""

    api_url: str = "https://api.dingtalk.com"
    app_key: str
    app_secret: SecretStr


class DingtalkMeetingPlatform(PlatformBase):
    name: ClassVar[str] = "dingtalk_meeting"
    label: ClassVar[str] = "钉钉视频会议"

    settings: DingtalkMeetingSettings

    def __init__(self, settings: DingtalkMeetingSettings) -> None:
        self.settings = settings

    def token_call(self) -> ApiCall | None:
        payload = {
            "appKey": self.settings.app_key,
            "appSecret": self.settings.app_secret.get_secret_value(),
        }
        url = f"{self.settings.api_url}/v1.0/oauth2/accessToken"
        return ApiCall("POST", url, (("Content-Type", "application/json"),), json_body(payload))

    def read_token(self, answer: ApiAnswer) -> Token:
        data = self.check(answer, "oauth2/accessToken")
        if not data.get("accessToken"):
            raise PlatformError(f"DingTalk oauth2/accessToken: no accessToken in {data!r}")
        return Token(str(data["accessToken"]), dt.timedelta(seconds=int(data["expireIn"])))

    def token_key(self) -> tuple[str, str]:
        """In the notification channels' table, beside their `dingtalk` tokens but under a key
        of its own: this token comes from the new API (`/v1.0/oauth2/accessToken`), theirs
        from the old one (`gettoken`), and DingTalk does not promise that one takes the other's."""
        return "dingtalk", f"{self.settings.app_key}/v1.0"

    def _call(self, method: str, path: str, payload: dict[str, Any], s: Signing) -> ApiCall:
        headers = (
            ("Content-Type", "application/json"),
            ("x-acs-dingtalk-access-token", s.token),
        )
        return ApiCall(method, self.settings.api_url + path, headers, json_body(payload))

    def _times(self, request: LinkRequest) -> dict[str, Any]:
        return {
            "title": request.title or request.lesson_key,
            "startTime": milliseconds(request.start),
            "endTime": milliseconds(request.end),
        }

    def create(self, request: LinkRequest, signing: Signing) -> ApiCall:
        creator = self.settings.host_of(request.teacher.id, self.name)
        payload = {"creatorUnionId": creator} | self._times(request)
        return self._call("POST", PATH, payload, signing)

    def read_created(self, answer: ApiAnswer) -> PlatformMeeting:
        data = self.check(answer, "create scheduleConference")
        if not data.get("scheduleConferenceId"):
            raise PlatformError(f"DingTalk scheduleConferences: no scheduleConferenceId: {data!r}")
        return PlatformMeeting(
            str(data["scheduleConferenceId"]),
            str(data.get("url", "")),
            str(data.get("roomCode", "")),
        )

    def _named(self, meeting_id: str, request: LinkRequest) -> dict[str, Any]:
        creator = self.settings.host_of(request.teacher.id, self.name)
        return {"scheduleConferenceId": meeting_id, "creatorUnionId": creator}

    def update(self, meeting_id: str, request: LinkRequest, signing: Signing) -> ApiCall:
        payload = self._named(meeting_id, request) | self._times(request)
        return self._call("PUT", PATH, payload, signing)

    def cancel(self, meeting_id: str, request: LinkRequest, signing: Signing) -> ApiCall:
        return self._call("POST", f"{PATH}/cancel", self._named(meeting_id, request), signing)

    def evidence(self, meeting_id: str, request: LinkRequest, signing: Signing) -> ApiCall | None:
        """The conferences held under the scheduled one, then the members of the first."""
        del request
        path = f"/v1.0/conference/videoConferences/scheduleConferences/{meeting_id}?maxResults=20"
        return self._get(path, signing)

    def _get(self, path: str, signing: Signing) -> ApiCall:
        headers = (("x-acs-dingtalk-access-token", signing.token),)
        return ApiCall("GET", self.settings.api_url + path, headers)

    def read_evidence(
        self, answer: ApiAnswer, meeting_id: str, request: LinkRequest
    ) -> EvidenceStep:
        """The conferences held under the scheduled one; then the first one's members."""
        del request
        data = self.check(answer, f"conference {meeting_id}")
        held = [c["conferenceId"] for c in data.get("conferenceList", []) if c.get("conferenceId")]
        return self._members(str(held[0]), "") if held else EvidenceStep(())

    def _members(self, conference_id: str, next_token: str) -> EvidenceStep:
        """The step asking for one page of a held conference's members, and reading it."""
        query = urlencode({"maxResults": PAGE} | ({"nextToken": next_token} if next_token else {}))
        path = f"/v1.0/conference/videoConferences/{conference_id}/members?{query}"
        return EvidenceStep(
            (),
            lambda signing: self._get(path, signing),
            lambda answer: self._read_members(answer, conference_id),
        )

    def _read_members(self, answer: ApiAnswer, conference_id: str) -> EvidenceStep:
        """Each member's time, summed over their joins; the next page while the answer gives
        a `nextToken`."""
        data = self.check(answer, f"members of conference {conference_id}")
        seen: dict[str, Seen] = {}
        for member in data.get("memberModels", []):
            who = str(member.get("unionId", ""))
            joined, left = int(member.get("joinTime", 0)), int(member.get("leaveTime", 0))
            before = seen[who].seconds if who in seen else 0
            total = before + max(0, (left - joined) // 1000)
            seen[who] = Seen(who, str(member.get("userNick", "")), total)
        token = str(data.get("nextToken") or "")
        follow = self._members(conference_id, token) if token else EvidenceStep(())
        return EvidenceStep(tuple(seen.values()), follow.next, follow.read)

    def check(self, answer: ApiAnswer, what: str) -> dict[str, Any]:
        data = answer.data("DingTalk", what)
        if 200 <= answer.status < 300 and "code" not in data:
            return data
        code = data.get("code", "")
        text = f"DingTalk {what}: HTTP {answer.status}, {code}: {data.get('message', '')}"
        if answer.status == 401 or code in TOKEN_CODES:
            raise CredentialRejected(text)
        raise PlatformError(text)
