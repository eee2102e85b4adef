"""The `[streams]` section, providers by name, per-school choice, and LinkRequest's own checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
import pytest

from coordinator.errors import ConfigurationError, NotFoundError
from coordinator.streams.base import Link, LinkKind, LinkRequest, StreamLinkError
from coordinator.streams.registry import (
    MEETING_PLATFORMS,
    PROVIDERS,
    StreamsSettings,
    build_provider,
    lesson_links,
)

from .factories import CLASSROOMS, START, TEACHER, lesson

SECTIONS: dict[str, Any] = {
    "rtmp": {"secret": "s" * 20, "hls_secret": "h" * 20},
    "bbb": {"api_url": "https://bbb.example.cn/bigbluebutton/api", "secret": "b"},
    "jitsi": {"room_secret": "j"},
    "tencent": {"push_domain": "push.t.cn", "play_domain": "play.t.cn", "push_key": "k"},
    "aliyun": {"push_domain": "push.a.cn", "play_domain": "play.a.cn", "push_key": "k"},
    "static": {"teacher_url": "https://m.example.cn/j/1"},
    "wemeet": {"app_id": "2000", "secret_id": "AKID", "secret_key": "k", "host": "u"},
    "wecom_living": {"corp_id": "ww1", "secret": "s", "host": "u"},
    "dingtalk_meeting": {"app_key": "ding", "app_secret": "s", "host": "union"},
    "classin": {"sid": "1", "secret": "s", "course_id": 1, "unit_id": 2, "host": "9"},
}


def test_every_provider_is_registered_and_builds() -> None:
    settings = StreamsSettings.model_validate(SECTIONS)
    assert sorted(PROVIDERS) == [
        "aliyun",
        "bbb",
        "classin",
        "dingtalk_meeting",
        "jitsi",
        "rtmp",
        "static",
        "tencent",
        "wecom_living",
        "wemeet",
    ]
    for name in PROVIDERS:
        links = build_provider(settings, name).links(lesson())
        assert links.provider == name
        assert [entry.classroom_id for entry in links.classrooms] == ["c-hill-3", "c-river-4"]
        if name in MEETING_PLATFORMS:  # links come when the platform has made the meeting
            assert links.teacher == ()
            assert links.server_calls == (Link(LinkKind.CREATE, f"platform:{name}"),)
        else:
            assert links.teacher


def test_school_override_picks_its_provider() -> None:
    settings = StreamsSettings.model_validate(
        {"provider": "rtmp", "schools": {"s-county-1": "bbb"}, **SECTIONS}
    )
    providers = [
        links.provider if links else None
        for links in (
            lesson_links(settings, lesson(), school_id="s-county-1"),
            lesson_links(settings, lesson(), school_id="s-other"),
            lesson_links(settings, lesson()),
        )
    ]
    assert providers == ["bbb", "rtmp", "rtmp"]


def test_no_provider_configured_means_no_links() -> None:
    settings = StreamsSettings.model_validate({"schools": {"s-county-1": "jitsi"}, **SECTIONS})
    assert StreamsSettings().provider is None
    assert lesson_links(settings, lesson()) is None
    assert lesson_links(settings, lesson(), school_id="s-county-1") is not None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"provider": "zoom"}, "not one of"),
        ({"provider": "bbb", "rtmp": SECTIONS["rtmp"]}, r"\[streams.bbb\] is missing"),
        ({"provider": "rtmp", "schools": {"s1": "jitsi"}, "rtmp": SECTIONS["rtmp"]}, "schools.s1"),
        ({"provider": "rtmp", "rtmp": SECTIONS["rtmp"], "rtmpp": {}}, "Extra inputs"),
    ],
)
def test_bad_streams_section_is_refused(values: dict[str, Any], message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        StreamsSettings.model_validate(values)


def test_build_unknown_or_unconfigured_provider_fails_clearly() -> None:
    settings = StreamsSettings.model_validate({"rtmp": SECTIONS["rtmp"]})
    with pytest.raises(ConfigurationError, match="unknown stream provider"):
        build_provider(settings, "zoom")
    with pytest.raises(ConfigurationError, match=r"\[streams.bbb\]"):
        build_provider(settings, "bbb")


def test_link_request_refuses_naive_times_empty_window_and_duplicates() -> None:
    naive = dt.datetime(2026, 9, 1, 9, 0)  # noqa: DTZ001 - the point of the test
    with pytest.raises(StreamLinkError, match="timezone-aware"):
        LinkRequest("k", 1, TEACHER, CLASSROOMS, naive, START)
    with pytest.raises(StreamLinkError, match="not after"):
        LinkRequest("k", 1, TEACHER, CLASSROOMS, START, START)
    with pytest.raises(StreamLinkError, match="twice"):
        LinkRequest("k", 1, TEACHER, CLASSROOMS * 2, START, START + dt.timedelta(minutes=40))


def test_links_window_is_utc_whatever_zone_the_lesson_is_in() -> None:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    settings = StreamsSettings.model_validate({"provider": "rtmp", "rtmp": SECTIONS["rtmp"]})
    links = lesson_links(settings, lesson(start=START.astimezone(shanghai)))
    assert links == lesson_links(settings, lesson())
    assert links is not None
    assert links.valid_from.tzinfo is dt.UTC


def test_for_classroom_of_a_stranger_raises_not_found() -> None:
    links = build_provider(StreamsSettings.model_validate(SECTIONS), "rtmp").links(lesson())
    with pytest.raises(NotFoundError, match="c-nowhere"):
        links.for_classroom("c-nowhere")
