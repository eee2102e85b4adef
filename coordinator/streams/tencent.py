"""Tencent Cloud CSS (云直播): push and play URLs signed with txSecret and txTime (防盗链).

txTime is the window's end as upper-case hex Unix seconds; txSecret = md5(key + StreamName +
txTime). The CDN cannot refuse an early push, so the window's start is not enforced here.
"""

from __future__ import annotations

from typing import ClassVar

from coordinator.streams.base import ClassroomLinks, LessonLinks, Link, LinkKind, LinkRequest
from coordinator.streams.cdn import CdnSettings
from coordinator.streams.signing import derive_name, tencent_tx_secret, tencent_tx_time


class TencentSettings(CdnSettings):
    """`[streams.tencent]`: domains from 域名管理, keys from 推流配置 / 播放鉴权配置."""


class TencentProvider:
    name: ClassVar[str] = "tencent"

    def __init__(self, settings: TencentSettings) -> None:
        self.settings = settings

    def stream_name(self, request: LinkRequest) -> str:
        secret = self.settings.push_key.get_secret_value()
        parts = (request.lesson_key, str(request.revision))
        return "lesson" + derive_name(secret, "tencent-stream", *parts, length=20)

    @staticmethod
    def _query(key: str | None, stream: str, tx_time: str) -> str:
        if key is None:
            return ""
        return f"?txSecret={tencent_tx_secret(key, stream, tx_time)}&txTime={tx_time}"

    def links(self, request: LinkRequest) -> LessonLinks:
        settings = self.settings
        window = settings.window(request)
        stream, tx_time = self.stream_name(request), tencent_tx_time(window.valid_until)
        server = f"rtmp://{settings.push_domain}/{settings.app_name}"
        stream_key = stream + self._query(settings.push_key.get_secret_value(), stream, tx_time)
        push = Link(LinkKind.PUSH, f"{server}/{stream_key}", server=server, stream_key=stream_key)
        play_key = settings.play_key.get_secret_value() if settings.play_key else None
        query = self._query(play_key, stream, tx_time)
        http = f"{settings.play_scheme}://{settings.play_domain}/{settings.app_name}/{stream}"
        play = (
            Link(LinkKind.HLS, f"{http}.m3u8{query}"),
            Link(LinkKind.FLV, f"{http}.flv{query}"),
            Link(
                LinkKind.RTMP_PLAY,
                f"rtmp://{settings.play_domain}/{settings.app_name}/{stream}{query}",
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
