"""Jitsi Meet: an unguessable room per lesson revision, and with an app secret a JWT per person.

The token follows Jitsi's token authentication (prosody `mod_auth_token`): HS256 with `iss` =
app id, `aud`, `sub` = domain, `room`, `nbf`/`exp` = the lesson's window, and the display name in
`context.user`; the teacher is marked moderator.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import SecretStr, field_validator, model_validator

from coordinator.streams.base import (
    ClassroomLinks,
    LessonLinks,
    Link,
    LinkKind,
    LinkRequest,
    Participant,
    ProviderSettings,
    Window,
)
from coordinator.streams.jwt import encode_hs256
from coordinator.streams.signing import derive_name, unix


class JitsiSettings(ProviderSettings):
    """`[streams.jitsi]`: the meeting site, and the token settings if it checks JWTs."""

    base_url: str = "https://meet.jit.si"
    room_secret: SecretStr  # derives the room names; nobody outside coordinator needs it
    app_id: str | None = None  # prosody `app_id`; with app_secret, links carry a JWT
    app_secret: SecretStr | None = None  # prosody `app_secret`
    audience: str = "jitsi"
    subject: str | None = None  # `sub`: the Jitsi domain (or "*"); default: base_url's host

    @field_validator("base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _token_settings_together(self) -> JitsiSettings:
        if (self.app_id is None) != (self.app_secret is None):
            raise ValueError("set both app_id and app_secret for JWT links, or neither")
        return self


class JitsiProvider:
    name: ClassVar[str] = "jitsi"

    def __init__(self, settings: JitsiSettings) -> None:
        self.settings = settings

    def room(self, request: LinkRequest) -> str:
        secret = self.settings.room_secret.get_secret_value()
        parts = (request.lesson_key, str(request.revision))
        return "lesson" + derive_name(secret, "jitsi-room", *parts, length=24)

    def claims(
        self, room: str, who: Participant, window: Window, *, moderator: bool
    ) -> dict[str, Any]:
        host = self.settings.base_url.split("://", 1)[-1].split("/", 1)[0]
        user = {"id": who.id, "name": who.name, "moderator": moderator}
        return {
            "iss": self.settings.app_id,
            "aud": self.settings.audience,
            "sub": self.settings.subject or host,
            "room": room,
            "nbf": unix(window.valid_from),
            "exp": unix(window.valid_until),
            "moderator": moderator,
            "context": {"user": user},
        }

    def _join(self, room: str, who: Participant, window: Window, *, moderator: bool) -> Link:
        url = f"{self.settings.base_url}/{room}"
        secret = self.settings.app_secret
        if secret is None or self.settings.app_id is None:
            return Link(LinkKind.JOIN, url)
        claims = self.claims(room, who, window, moderator=moderator)
        token = encode_hs256(claims, secret.get_secret_value())
        return Link(LinkKind.JOIN, f"{url}?jwt={token}")

    def links(self, request: LinkRequest) -> LessonLinks:
        window = self.settings.window(request)
        room = self.room(request)
        classrooms = tuple(
            ClassroomLinks(classroom.id, (self._join(room, classroom, window, moderator=False),))
            for classroom in request.classrooms
        )
        return LessonLinks(
            provider=self.name,
            lesson_key=request.lesson_key,
            revision=request.revision,
            room=room,
            valid_from=window.valid_from,
            valid_until=window.valid_until,
            teacher=(self._join(room, request.teacher, window, moderator=True),),
            classrooms=classrooms,
        )
