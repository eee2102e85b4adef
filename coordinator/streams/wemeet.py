"""Tencent Meeting (腾讯会议) REST API: one scheduled meeting per lesson, signed with X-TC-*.

Every call carries X-TC-Key (SecretId), X-TC-Timestamp, X-TC-Nonce, AppId, SdkId and
X-TC-Signature = Base64(hex(HMAC-SHA256(SecretKey, string to sign))), where the string to sign
is `METHOD \\n X-TC-Key=..&X-TC-Nonce=..&X-TC-Timestamp=.. \\n URI \\n body` (the URI with its
query string; an empty body for GET). The server refuses a timestamp five minutes off.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Any, ClassVar
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
    json_body,
)

# error_info.error_code values that mean the keys or the signature were refused.
PAGE = 100  # participants per page: the most the API gives
CREDENTIAL_ERRORS = frozenset({200001, 200002, 200003, 190300, 190301, 190303})
CANCELLED = "MEETING_STATE_CANCELLED"


def wemeet_signature(
    secret_key: str, *, method: str, secret_id: str, nonce: int, timestamp: int, uri: str, body: str
) -> str:
    header = f"X-TC-Key={secret_id}&X-TC-Nonce={nonce}&X-TC-Timestamp={timestamp}"
    to_sign = f"{method}\n{header}\n{uri}\n{body}"
    digest = hmac.new(secret_key.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return base64.b64encode(digest.encode()).decode()


def _name(text: str) -> str:
    """Participants' names come Base64-encoded (UTF-8); a plain one is kept as it is."""
    try:
        return base64.b64decode(text, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return text


class WemeetSettings(PlatformSettings):
    """`[streams.wemeet]`: 企业管理 → 高级 → REST API gives the AppId, SdkId and key pair;
    `host` is the userid that creates meetings (`hosts`: one per network teacher)."""

    api_url: str = "https://api.meeting.qq.com"
    app_id: str
    sdk_id: str = ""
    secret_id: str
    secret_key: SecretStr
    instance_id: int = 1  # the device the host "uses": 1 = PC


class WemeetPlatform(PlatformBase):
    name: ClassVar[str] = "wemeet"
    label: ClassVar[str] = "腾讯会议"

    settings: WemeetSettings

    def __init__(self, settings: WemeetSettings) -> None:
        self.settings = settings

    def _call(self, method: str, uri: str, payload: dict[str, Any] | None, s: Signing) -> ApiCall:
        body = json_body(payload) if payload is not None else b""
        settings = self.settings
        signature = wemeet_signature(
            settings.secret_key.get_secret_value(),
            method=method,
            secret_id=settings.secret_id,
            nonce=s.nonce,
            timestamp=s.timestamp,
            uri=uri,
            body=body.decode(),
        )
        headers = (
            ("Content-Type", "application/json"),
            ("X-TC-Key", settings.secret_id),
            ("X-TC-Timestamp", str(s.timestamp)),
            ("X-TC-Nonce", str(s.nonce)),
            ("X-TC-Signature", signature),
            ("AppId", settings.app_id),
            ("SdkId", settings.sdk_id),
            ("X-TC-Registered", "1"),
        )
        return ApiCall(method, settings.api_url + uri, headers, body)

    def _meeting(self, request: LinkRequest) -> dict[str, Any]:
        return {
            "userid": self.settings.host_of(request.teacher.id, self.name),
            "instanceid": self.settings.instance_id,
            "subject": request.title or request.lesson_key,
            "start_time": str(int(request.start.timestamp())),
            "end_time": str(int(request.end.timestamp())),
        }

    def create(self, request: LinkRequest, signing: Signing) -> ApiCall:
        payload = self._meeting(request) | {"type": 0, "settings": {"mute_enable_join": True}}
        return self._call("POST", "/v1/meetings", payload, signing)

    def read_created(self, answer: ApiAnswer) -> PlatformMeeting:
        found = self.check(answer, "create meeting").get("meeting_info_list") or [{}]
        meeting = found[0]
        if not meeting.get("meeting_id"):
            raise PlatformError(f"Tencent Meeting create meeting: no meeting_id in {found!r}")
        return PlatformMeeting(
            str(meeting["meeting_id"]),
            str(meeting.get("join_url", "")),
            str(meeting.get("meeting_code", "")),
        )

    def lookup(self, request: LinkRequest) -> Lookup:
        """The host's meetings (`GET /v1/meetings`, page after page by `next_pos` and
        `next_cursory`): the one not cancelled with this lesson's subject, start and end."""
        return self._meetings_page(self._meeting(request), 0, 0)

    def _meetings_page(self, wanted: dict[str, Any], pos: int, cursory: int) -> Lookup:
        query = urlencode(
            {
                "userid": wanted["userid"],
                "instanceid": wanted["instanceid"],
                "pos": pos,
                "cursory": cursory,
            }
        )
        return Lookup(
            next=lambda s: self._call("GET", f"/v1/meetings?{query}", None, s),
            read=lambda answer: self._read_meetings(answer, wanted),
        )

    def _read_meetings(self, answer: ApiAnswer, wanted: dict[str, Any]) -> Lookup:
        data = self.check(answer, "list meetings")
        for meeting in data.get("meeting_info_list") or []:
            same = all(
                str(meeting.get(k)) == wanted[k] for k in ("subject", "start_time", "end_time")
            )
            if same and meeting.get("status") != CANCELLED and meeting.get("meeting_id"):
                found = PlatformMeeting(
                    str(meeting["meeting_id"]),
                    str(meeting.get("join_url", "")),
                    str(meeting.get("meeting_code", "")),
                )
                return Lookup(found)
        if not data.get("remaining"):
            return Lookup()
        pos, cursory = int(data.get("next_pos", 0)), int(data.get("next_cursory", 0))
        return self._meetings_page(wanted, pos, cursory)

    def update(self, meeting_id: str, request: LinkRequest, signing: Signing) -> ApiCall:
        return self._call("PUT", f"/v1/meetings/{meeting_id}", self._meeting(request), signing)

    def cancel(self, meeting_id: str, request: LinkRequest, signing: Signing) -> ApiCall:
        payload = {
            "userid": self.settings.host_of(request.teacher.id, self.name),
            "instanceid": self.settings.instance_id,
            "reason_code": 1,
        }
        return self._call("POST", f"/v1/meetings/{meeting_id}/cancel", payload, signing)

    def evidence(self, meeting_id: str, request: LinkRequest, signing: Signing) -> ApiCall | None:
        return self._participants(meeting_id, request, 0, signing)

    def _participants(
        self, meeting_id: str, request: LinkRequest, pos: int, signing: Signing
    ) -> ApiCall:
        """One page (at most 100, the API's largest) of who joined, from position `pos`."""
        host = self.settings.host_of(request.teacher.id, self.name)
        query = urlencode({"userid": host, "pos": pos, "size": PAGE})
        return self._call("GET", f"/v1/meetings/{meeting_id}/participants?{query}", None, signing)

    def read_evidence(
        self, answer: ApiAnswer, meeting_id: str, request: LinkRequest
    ) -> EvidenceStep:
        """Each participant's time in the meeting, summed over their joins; while the answer
        says `has_remaining`, the next page starts at its `next_pos`."""
        data = self.check(answer, f"participants of {meeting_id}")
        seconds: dict[str, int] = {}
        names: dict[str, str] = {}
        for entry in data.get("participants") or []:
            who = str(entry.get("userid") or entry.get("ms_open_id") or entry.get("open_id", ""))
            joined, left = int(entry.get("join_time", 0)), int(entry.get("left_time", 0))
            seconds[who] = seconds.get(who, 0) + max(0, left - joined)
            names[who] = _name(str(entry.get("user_name", "")))
        seen = tuple(Seen(who, names[who], total) for who, total in seconds.items())
        if not data.get("has_remaining"):
            return EvidenceStep(seen)
        pos = int(data.get("next_pos", 0))
        return EvidenceStep(seen, lambda s: self._participants(meeting_id, request, pos, s))

    def check(self, answer: ApiAnswer, what: str) -> dict[str, Any]:
        data = answer.data("Tencent Meeting", what)
        error = data.get("error_info")
        if 200 <= answer.status < 300 and not error:
            return data
        error = error if isinstance(error, dict) else {}
        code = error.get("error_code", error.get("new_error_code"))
        text = f"Tencent Meeting {what}: HTTP {answer.status}, {code}: {error.get('message', '')}"
        if code in CREDENTIAL_ERRORS or answer.status in (401, 403):
            raise CredentialRejected(f"{text} (check [streams.wemeet] secret_id/secret_key)")
        raise PlatformError(text)
