"""Lessons and settings for the stream tests: factories, not mocks."""

from __future__ import annotations

import datetime as dt

from coordinator.streams.base import LinkRequest, Participant
from coordinator.streams.rtmp import RtmpSettings

START = dt.datetime(2026, 9, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 in Asia/Shanghai
TEACHER = Participant("t-wang", "王老师")
CLASSROOMS = (Participant("c-hill-3", "山坳小学三年级"), Participant("c-river-4", "河畔小学四年级"))


def lesson(
    *,
    key: str = "2026-09-01/music/p1",
    revision: int = 1,
    start: dt.datetime = START,
    minutes: int = 40,
    teacher: Participant = TEACHER,
    classrooms: tuple[Participant, ...] = CLASSROOMS,
) -> LinkRequest:
    return LinkRequest(
        lesson_key=key,
        revision=revision,
        teacher=teacher,
        classrooms=classrooms,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        title="音乐：茉莉花",
    )


def rtmp_settings(**overrides: str) -> RtmpSettings:
    values = {
        "rtmp_url": "rtmp://live.example.edu.cn/live",
        "hls_url": "https://live.example.edu.cn/hls",
        "secret": "coordinator-only-secret-0123456789",
        "hls_secret": "nginx-shared-secret-0123456789",
        **overrides,
    }
    return RtmpSettings.model_validate(values)
