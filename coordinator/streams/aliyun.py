"""Aliyun ApsaraVideo Live (视频直播): push and play URLs with type-A `auth_key` (URL鉴权).

auth_key = timestamp-rand-uid-md5("/app/stream[.ext]-timestamp-rand-uid-key"). Aliyun lets a
link work until timestamp + the domain's configured validity (有效时长), so the timestamp is the
window's end minus that validity. `rand` is derived (32 hex, no '-') so links stay stable.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from coordinator.streams.base import ClassroomLinks, LessonLinks, Link, LinkKind, LinkRequest
from coordinator.streams.cdn import CdnSettings
from coordinator.streams.signing import aliyun_auth_key, derive, derive_name, unix


class AliyunSettings(CdnSettings):
    """`[streams.aliyun]`: domains and URL鉴权 keys from the ApsaraVideo Live console."""

    auth_validity: dt.timedelta = dt.timedelta(minutes=30)  # the domain's 有效时长 in the console


class AliyunProvider:
    name: ClassVar[str] = "aliyun"

    def __init__(self, settings: AliyunSettings) -> None:
        self.settings = settings
        self._secret = settings.push_key.get_secret_value()

    def stream_name(self, request: LinkRequest) -> str:
        parts = (request.lesson_key, str(request.revision))
        return "lesson" + derive_name(self._secret, "aliyun-stream", *parts, length=20)

    def _signed(self, uri: str, key: str | None, timestamp: int, rand: str) -> str:
        if key is None:
            return uri
        return f"{uri}?auth_key={aliyun_auth_key(uri, timestamp, key, rand)}"

    def links(self, request: LinkRequest) -> LessonLinks:
        settings = self.settings
        window = settings.window(request)
        stream = self.stream_name(request)
        timestamp = unix(window.valid_until) - int(settings.auth_validity.total_seconds())
        rand = derive(self._secret, "aliyun-rand", request.lesson_key, str(request.revision))
        rand_hex = rand.hex()[:32]
        path = f"/{settings.app_name}/{stream}"
        server = f"rtmp://{settings.push_domain}/{settings.app_name}"
        stream_key = self._signed(path, self._secret, timestamp, rand_hex).removeprefix(
            f"/{settings.app_name}/"
        )
        push = Link(LinkKind.PUSH, f"{server}/{stream_key}", server=server, stream_key=stream_key)
        play_key = settings.play_key.get_secret_value() if settings.play_key else None
        http = f"{settings.play_scheme}://{settings.play_domain}"
        play = (
            Link(LinkKind.HLS, http + self._signed(f"{path}.m3u8", play_key, timestamp, rand_hex)),
            Link(LinkKind.FLV, http + self._signed(f"{path}.flv", play_key, timestamp, rand_hex)),
            Link(
                LinkKind.RTMP_PLAY,
                f"rtmp://{settings.play_domain}"
                + self._signed(path, play_key, timestamp, rand_hex),
            ),
        )
        return LessonLinks(
            provider=self.name,
            lesson_key=request.lesson_key,
            revision=request.revision,
            room=stream,
            valid_from=window.valid_from,
            valid_until=window.valid_until,
            teacher=(push,),
            classrooms=tuple(ClassroomLinks(room.id, play) for room in request.classrooms),
        )
