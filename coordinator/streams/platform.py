"""Meeting platforms whose rooms are made through their API: the calls they take and give.

Tencent Meeting, WeCom 直播, DingTalk and ClassIn hand out a meeting id and a join link only
when coordinator creates the meeting, so their links are stored, not derived. Each platform is
a pure module that builds signed `ApiCall`s (given the time, a nonce and an access token) and
reads the answers; the worker sends them and keeps the platform's id of each lesson's meeting.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from pydantic import Field, field_validator

from coordinator.errors import CoordinatorError
from coordinator.streams.base import (
    ClassroomLinks,
    LessonLinks,
    Link,
    LinkKind,
    LinkRequest,
    ProviderSettings,
)

PLATFORM_CALL = "platform:"  # the `server_calls` marker: this lesson's room is made by the API


class PlatformError(CoordinatorError):
    """The platform refused a call or answered something unreadable; says which and why."""


class CredentialRejected(PlatformError):
    """The access token expired or was revoked (or the keys are wrong): get a new token once."""


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One HTTP request to a platform, signed and ready to send."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class ApiAnswer:
    status: int
    body: bytes

    def data(self, platform: str, what: str) -> dict[str, Any]:
        """The JSON object answered; PlatformError when it is none."""
        try:
            found = json.loads(self.body or b"{}")
        except ValueError:
            found = None
        if not isinstance(found, dict):
            text = self.body[:200].decode("utf-8", "replace")
            raise PlatformError(f"{platform} {what}: HTTP {self.status}, not JSON: {text!r}")
        return found


@dataclass(frozen=True, slots=True)
class Signing:
    """What a call is signed with when it is sent: the time, a random nonce, a token."""

    now: dt.datetime
    nonce: int
    token: str = ""

    @property
    def timestamp(self) -> int:
        return int(self.now.timestamp())


@dataclass(frozen=True, slots=True)
class PlatformMeeting:
    """A meeting the platform made: its id (what later calls name) and how people join."""

    meeting_id: str
    join_url: str = ""
    code: str = ""  # the number people type (腾讯会议号, DingTalk room code)


@dataclass(frozen=True, slots=True)
class Seen:
    """Someone the platform saw in a lesson's meeting, or (`*`) how many watched a live."""

    participant: str  # the platform's account id (userid, unionId, uid); "*" for a count
    name: str = ""
    seconds: int = 0
    viewers: int = 0


@dataclass(frozen=True, slots=True)
class EvidenceStep:
    """What one answer said, and the next call to make: the next page of a large meeting's
    participants, or the next question (DingTalk: the held conference's members)."""

    seen: tuple[Seen, ...]
    next: Callable[[Signing], ApiCall] | None = None
    # how to read the next call's answer, when `read_evidence` cannot tell from it alone
    read: Callable[[ApiAnswer], EvidenceStep] | None = None


@dataclass(frozen=True, slots=True)
class Lookup:
    """A search for a meeting a create call may have made before its answer was lost: the
    meeting once found, else the next call (a page of the host's meetings, one meeting's
    details) and how to read its answer; neither: none was made."""

    found: PlatformMeeting | None = None
    next: Callable[[Signing], ApiCall] | None = None
    read: Callable[[ApiAnswer], Lookup] | None = None


@dataclass(frozen=True, slots=True)
class Token:
    value: str
    lifetime: dt.timedelta


def json_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class PlatformSettings(ProviderSettings):
    """What every platform's section has besides its keys: the API's base URL and who hosts.

    `host` is the platform account that creates the meetings (a userid, unionId or ClassIn
    uid); `hosts` maps a network teacher's id to their own account, overriding it."""

    api_url: str
    host: str = ""
    hosts: dict[str, str] = Field(default_factory=dict)
    # classroom id -> the account its classroom joins with, so attendance can be matched
    classrooms: dict[str, str] = Field(default_factory=dict)

    @field_validator("api_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    def host_of(self, teacher_id: str, section: str) -> str:
        found = self.hosts.get(teacher_id, self.host)
        if not found:
            raise PlatformError(
                f"[streams.{section}] has no hosts.{teacher_id} and no host: "
                "who creates this teacher's meetings?"
            )
        return found


class MeetingPlatform(Protocol):
    """A platform whose meetings coordinator creates, moves and cancels through its API."""

    name: ClassVar[str]
    label: ClassVar[str]  # the platform's own name, shown on pages
    # a repeated create gets the first meeting back (ClassIn's uniqueIdentity): no lookup
    create_is_idempotent: ClassVar[bool]

    def token_call(self) -> ApiCall | None: ...  # None: calls are signed with keys alone

    def read_token(self, answer: ApiAnswer) -> Token: ...

    # (provider, app) of its token in the shared `access_token` table (the notification
    # channels' key, so the same WeCom or DingTalk app shares one token)
    def token_key(self) -> tuple[str, str]: ...

    def create(self, request: LinkRequest, signing: Signing) -> ApiCall: ...

    def read_created(self, answer: ApiAnswer) -> PlatformMeeting: ...

    # the meeting an interrupted create made for this request (its subject, times, marker);
    # an empty Lookup when the platform cannot be asked (its create is idempotent, or no
    # list is documented)
    def lookup(self, request: LinkRequest) -> Lookup: ...

    # a second call once the meeting exists (ClassIn's sub-classes); None for most
    def follow_up(
        self, meeting_id: str, request: LinkRequest, signing: Signing
    ) -> ApiCall | None: ...

    def update(self, meeting_id: str, request: LinkRequest, signing: Signing) -> ApiCall: ...

    def cancel(self, meeting_id: str, request: LinkRequest, signing: Signing) -> ApiCall: ...

    def check(self, answer: ApiAnswer, what: str) -> dict[str, Any]: ...

    # after the lesson: the first call asking who was there (None: the platform tells none)
    def evidence(
        self, meeting_id: str, request: LinkRequest, signing: Signing
    ) -> ApiCall | None: ...

    # one page of the answer, and the call for the next page (or the next question)
    def read_evidence(
        self, answer: ApiAnswer, meeting_id: str, request: LinkRequest
    ) -> EvidenceStep: ...


def pending_links(name: str, settings: ProviderSettings, request: LinkRequest) -> LessonLinks:
    """A platform lesson's links before its meeting exists: none yet, and a server call that
    asks the worker to create the meeting when the window opens."""
    window = settings.window(request)
    return LessonLinks(
        provider=name,
        lesson_key=request.lesson_key,
        revision=request.revision,
        room="",
        valid_from=window.valid_from,
        valid_until=window.valid_until,
        teacher=(),
        classrooms=tuple(ClassroomLinks(room.id, ()) for room in request.classrooms),
        server_calls=(Link(LinkKind.CREATE, PLATFORM_CALL + name),),
    )


def seconds(start: dt.datetime, end: dt.datetime) -> int:
    return int((end - start).total_seconds())


class PlatformBase:
    """What most platforms share: links pending until the meeting exists, no token, no
    follow-up call. Subclasses set `name`, `label` and `settings`."""

    name: ClassVar[str]
    label: ClassVar[str]
    create_is_idempotent: ClassVar[bool] = False
    settings: PlatformSettings

    def links(self, request: LinkRequest) -> LessonLinks:
        return pending_links(self.name, self.settings, request)

    def token_call(self) -> ApiCall | None:
        return None

    def read_token(self, answer: ApiAnswer) -> Token:  # noqa: ARG002
        raise PlatformError(f"{self.label} signs every call with its keys: it has no token")

    def token_key(self) -> tuple[str, str]:
        return self.name, ""

    def follow_up(
        self,
        meeting_id: str,  # noqa: ARG002
        request: LinkRequest,  # noqa: ARG002
        signing: Signing,  # noqa: ARG002
    ) -> ApiCall | None:
        return None

    def lookup(self, request: LinkRequest) -> Lookup:  # noqa: ARG002
        return Lookup()

    def evidence(
        self,
        meeting_id: str,  # noqa: ARG002
        request: LinkRequest,  # noqa: ARG002
        signing: Signing,  # noqa: ARG002
    ) -> ApiCall | None:
        return None

    def read_evidence(
        self,
        answer: ApiAnswer,  # noqa: ARG002
        meeting_id: str,  # noqa: ARG002
        request: LinkRequest,  # noqa: ARG002
    ) -> EvidenceStep:
        return EvidenceStep(())
