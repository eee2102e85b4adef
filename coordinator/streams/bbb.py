"""BigBlueButton: a `create` call for coordinator, a moderator join for the teacher, viewers.

Every API URL carries `checksum = sha(call name + query string + shared secret)`; sha256 by
default, sha1 for old servers. Joins fail until the meeting exists, so coordinator requests the
`server_calls` create URL when the window opens (create is idempotent for one meetingID), and
`duration` ends the meeting when the window closes. Joins name the `role` and also carry the
matching derived password, which servers older than the `role` parameter need.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import ClassVar
from urllib.parse import urlencode

from pydantic import SecretStr, field_validator

from coordinator.streams.base import (
    ClassroomLinks,
    LessonLinks,
    Link,
    LinkKind,
    LinkRequest,
    Participant,
    ProviderSettings,
)
from coordinator.streams.signing import BbbAlgorithm, bbb_checksum, derive_name

MODERATOR, VIEWER = "MODERATOR", "VIEWER"
RETURN_CODE = re.compile(r"<returncode>\s*([A-Z]+)\s*</returncode>")
MESSAGE = re.compile(r"<message>(.*?)</message>", re.DOTALL)


def api_call_failure(status: int, body: str) -> str | None:
    """Why an API answer is a failure, or None for success (BBB answers HTTP 200 either way,
    with `<returncode>SUCCESS|FAILED</returncode>` and a `<message>` in its XML)."""
    if not 200 <= status < 300:
        return f"HTTP {status}"
    found = RETURN_CODE.search(body)
    if found is None or found.group(1) == "SUCCESS":
        return None
    message = MESSAGE.search(body)
    return f"{found.group(1)}: {message.group(1).strip() if message else 'no message'}"


def bbb_api_url(
    api_url: str,
    call: str,
    params: Sequence[tuple[str, str]],
    secret: str,
    algorithm: BbbAlgorithm = "sha256",
) -> str:
    """`<api_url>/<call>?<query>&checksum=<hex>`; the query is form-encoded (space = '+')."""
    query = urlencode(params)
    checksum = bbb_checksum(call, query, secret, algorithm)
    separator = "&" if query else ""
    return f"{api_url.rstrip('/')}/{call}?{query}{separator}checksum={checksum}"


class BbbSettings(ProviderSettings):
    """`[streams.bbb]`: the API endpoint (`bbb-conf --secret` prints both) and options."""

    api_url: str  # e.g. https://bbb.example.edu.cn/bigbluebutton/api
    secret: SecretStr  # the server's shared secret; also derives the meeting ids
    checksum_algorithm: BbbAlgorithm = "sha256"
    record: bool = False

    @field_validator("api_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")


class BbbProvider:
    name: ClassVar[str] = "bbb"

    def __init__(self, settings: BbbSettings) -> None:
        self.settings = settings
        self._secret = settings.secret.get_secret_value()

    def meeting_id(self, request: LinkRequest) -> str:
        parts = (request.lesson_key, str(request.revision))
        return derive_name(self._secret, "bbb-meeting", *parts, length=24)

    def api_url(self, call: str, params: Sequence[tuple[str, str]]) -> str:
        settings = self.settings
        return bbb_api_url(
            settings.api_url, call, params, self._secret, settings.checksum_algorithm
        )

    def password(self, request: LinkRequest, role: str) -> str:
        """moderatorPW / attendeePW, for servers older than the join call's `role`."""
        parts = (request.lesson_key, str(request.revision), role)
        return derive_name(self._secret, "bbb-password", *parts)

    def _join(self, request: LinkRequest, who: Participant, role: str) -> Link:
        params = [
            ("fullName", who.name),
            ("meetingID", self.meeting_id(request)),
            ("role", role),
            ("password", self.password(request, role)),
            ("userID", who.id),
            ("redirect", "true"),
        ]
        return Link(LinkKind.JOIN, self.api_url("join", params))

    def links(self, request: LinkRequest) -> LessonLinks:
        window = self.settings.window(request)
        meeting_id = self.meeting_id(request)
        minutes = math.ceil((window.valid_until - window.valid_from).total_seconds() / 60)
        create = [
            ("name", request.title or request.lesson_key),
            ("meetingID", meeting_id),
            ("record", "true" if self.settings.record else "false"),
            ("duration", str(minutes)),
            ("moderatorPW", self.password(request, MODERATOR)),
            ("attendeePW", self.password(request, VIEWER)),
        ]
        classrooms = tuple(
            ClassroomLinks(room.id, (self._join(request, room, VIEWER),))
            for room in request.classrooms
        )
        return LessonLinks(
            provider=self.name,
            lesson_key=request.lesson_key,
            revision=request.revision,
            room=meeting_id,
            valid_from=window.valid_from,
            valid_until=window.valid_until,
            teacher=(self._join(request, request.teacher, MODERATOR),),
            classrooms=classrooms,
            server_calls=(Link(LinkKind.CREATE, self.api_url("create", create)),),
        )
