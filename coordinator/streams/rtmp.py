"""Own nginx-rtmp server: an RTMP push key for the teacher, signed HLS and RTMP play per classroom.

The HLS link carries nginx secure_link's token in the path, `/hls/<md5>/<expires>/<stream>/`,
so the playlist's relative segment names inherit it and every segment is checked too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import ClassVar
from urllib.parse import urlsplit

from pydantic import SecretStr, field_validator

from coordinator.streams.base import (
    ClassroomLinks,
    LessonLinks,
    Link,
    LinkKind,
    LinkRequest,
    ProviderSettings,
)
from coordinator.streams.signing import derive_name, equal, secure_link_md5, unix
from coordinator.streams.verify import (
    Reason,
    SecureLinkStatus,
    Verdict,
    verify_secure_link,
    window_reason,
)

HLS_PLAYLIST = "index.m3u8"  # nginx-rtmp's playlist name with `hls_nested on`
HLS_VARIABLES = frozenset({"secure_link_expires", "sl_stream", "secret"})
# After the HLS location's prefix; PCRE (nginx) and Python read these named groups alike.
HLS_PATH_PATTERN = (
    r"/(?P<sl_md5>[A-Za-z0-9_-]{22})/(?P<sl_expires>[0-9]+)/(?P<sl_stream>[a-z0-9]+)/"
    r"(?P<sl_file>[A-Za-z0-9_.-]+\.(?:m3u8|ts))"
)
_NGINX_UNSAFE = re.compile(r"[\s\"'$;{}\\#]")


class RtmpSettings(ProviderSettings):
    """`[streams.rtmp]`: where nginx listens publicly, and the two secrets."""

    rtmp_url: str = "rtmp://127.0.0.1:1935/live"  # push and play base, application included
    hls_url: str = "http://127.0.0.1:8088/hls"  # the secure_link location's public base
    secret: SecretStr  # stream names, publish keys, play tokens: coordinator only
    hls_secret: SecretStr  # the literal in nginx's secure_link_md5; keep it apart from `secret`
    hls_md5_expression: str = "$secure_link_expires$sl_stream $secret"

    @field_validator("rtmp_url", "hls_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("rtmp_url")
    @classmethod
    def _has_application(cls, value: str) -> str:
        if urlsplit(value).scheme != "rtmp" or not urlsplit(value).path.strip("/"):
            raise ValueError(f"rtmp_url needs rtmp:// and an application, e.g. .../live: {value!r}")
        return value

    @property
    def application(self) -> str:
        """The nginx-rtmp `application`: the last path segment of `rtmp_url`."""
        return urlsplit(self.rtmp_url).path.rstrip("/").rsplit("/", 1)[-1]

    @property
    def hls_location(self) -> str:
        """The path prefix of the HLS location, e.g. "/hls"."""
        return urlsplit(self.hls_url).path.rstrip("/")

    @field_validator("secret")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 16:
            raise ValueError("secret must be 16+ characters: it derives every push key")
        return value

    @field_validator("hls_secret")
    @classmethod
    def _nginx_safe(cls, value: SecretStr) -> SecretStr:
        text = value.get_secret_value()
        if len(text) < 16 or _NGINX_UNSAFE.search(text):
            raise ValueError(
                "hls_secret must be 16+ characters without spaces, quotes, $ ; { } \\ or #"
                " (it is written literally into nginx.conf)"
            )
        return value

    @field_validator("hls_md5_expression")
    @classmethod
    def _known_variables(cls, value: str) -> str:
        used = set(re.findall(r"\$\{?([A-Za-z0-9_]+)", value))
        if not {"secret", "secure_link_expires", "sl_stream"} <= used or used - HLS_VARIABLES:
            raise ValueError(
                f"hls_md5_expression {value!r} must use $secure_link_expires, $sl_stream and"
                f" $secret and nothing else (classroom addresses are unknown: no $remote_addr)"
            )
        return value


class RtmpProvider:
    name: ClassVar[str] = "rtmp"

    def __init__(self, settings: RtmpSettings) -> None:
        self.settings = settings
        self._secret = settings.secret.get_secret_value()
        self._hls_path = re.compile(re.escape(settings.hls_location) + HLS_PATH_PATTERN)

    def stream_name(self, request: LinkRequest) -> str:
        parts = (request.lesson_key, str(request.revision))
        return "lesson" + derive_name(self._secret, "stream", *parts)

    def publish_key(self, request: LinkRequest) -> str:
        parts = (request.lesson_key, str(request.revision), request.teacher.id)
        return derive_name(self._secret, "publish", *parts, length=26)

    def play_token(self, request: LinkRequest, classroom_id: str) -> str:
        parts = (request.lesson_key, str(request.revision), classroom_id)
        return derive_name(self._secret, "play", *parts, length=26)

    def hls_md5(self, stream: str, expires: int) -> str:
        variables = {
            "secure_link_expires": str(expires),
            "sl_stream": stream,
            "secret": self.settings.hls_secret.get_secret_value(),
        }
        return secure_link_md5(self.settings.hls_md5_expression, variables)

    def hls_url(self, stream: str, expires: int) -> str:
        md5 = self.hls_md5(stream, expires)
        return f"{self.settings.hls_url}/{md5}/{expires}/{stream}/{HLS_PLAYLIST}"

    def links(self, request: LinkRequest) -> LessonLinks:
        window = self.settings.window(request)
        stream, base = self.stream_name(request), self.settings.rtmp_url
        stream_key = f"{stream}?key={self.publish_key(request)}"
        push = Link(LinkKind.PUSH, f"{base}/{stream_key}", server=base, stream_key=stream_key)
        hls = Link(LinkKind.HLS, self.hls_url(stream, unix(window.valid_until)))
        classrooms = tuple(
            ClassroomLinks(room.id, (hls, self._rtmp_play(request, stream, room.id)))
            for room in request.classrooms
        )
        return LessonLinks(
            provider=self.name,
            lesson_key=request.lesson_key,
            revision=request.revision,
            room=stream,
            valid_from=window.valid_from,
            valid_until=window.valid_until,
            teacher=(push,),
            classrooms=classrooms,
        )

    def _rtmp_play(self, request: LinkRequest, stream: str, classroom_id: str) -> Link:
        token = self.play_token(request, classroom_id)
        return Link(LinkKind.RTMP_PLAY, f"{self.settings.rtmp_url}/{stream}?token={token}")

    def match_stream(self, name: str, candidates: Iterable[LinkRequest]) -> LinkRequest | None:
        """The lesson whose current revision streams as `name`, among those near now."""
        return next((lesson for lesson in candidates if self.stream_name(lesson) == name), None)

    def verify_publish(
        self, *, name: str, key: str, lesson: LinkRequest, now: dt.datetime
    ) -> Verdict:
        """nginx-rtmp `on_publish`: `name` and the `key` argument of the push URL."""
        if not equal(name, self.stream_name(lesson)):
            return Verdict(Reason.UNKNOWN_STREAM, lesson.lesson_key)
        if not equal(key, self.publish_key(lesson)):
            return Verdict(Reason.BAD_KEY, lesson.lesson_key)
        reason = window_reason(self.settings.window(lesson), now)
        return Verdict(reason, lesson.lesson_key, lesson.teacher.id)

    def verify_play(
        self, *, name: str, token: str, lesson: LinkRequest, now: dt.datetime
    ) -> Verdict:
        """nginx-rtmp `on_play`: `name` and the `token` argument of a classroom's play URL."""
        if not equal(name, self.stream_name(lesson)):
            return Verdict(Reason.UNKNOWN_STREAM, lesson.lesson_key)
        matches = [
            room.id for room in lesson.classrooms if equal(token, self.play_token(lesson, room.id))
        ]
        if not matches:
            return Verdict(Reason.BAD_KEY, lesson.lesson_key)
        reason = window_reason(self.settings.window(lesson), now)
        return Verdict(reason, lesson.lesson_key, matches[0])

    def verify_hls_path(self, path: str, *, now: dt.datetime) -> SecureLinkStatus:
        """What the documented nginx `location` answers for `path`: 1 = 200, "" = 403, 0 = 410."""
        match = self._hls_path.fullmatch(path)
        if match is None:
            return SecureLinkStatus.INVALID
        variables = {
            "sl_stream": match["sl_stream"],
            "secret": self.settings.hls_secret.get_secret_value(),
        }
        return verify_secure_link(
            match["sl_md5"],
            match["sl_expires"],
            now=now,
            expression=self.settings.hls_md5_expression,
            variables=variables,
        )
