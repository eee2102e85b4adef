"""The rtmp provider: links, determinism, revisions, and the on_publish/on_play verdicts."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pydantic
import pytest

from coordinator.streams.base import LinkKind, Participant
from coordinator.streams.rtmp import RtmpProvider
from coordinator.streams.signing import secure_link_md5
from coordinator.streams.verify import Reason, SecureLinkStatus

from .factories import START, lesson, rtmp_settings

PROVIDER = RtmpProvider(rtmp_settings())
MINUTE = dt.timedelta(minutes=1)


def test_links_give_push_to_teacher_and_hls_plus_rtmp_play_to_each_classroom() -> None:
    request = lesson()
    links = PROVIDER.links(request)
    stream, key = PROVIDER.stream_name(request), PROVIDER.publish_key(request)
    expires = int((request.end + 15 * MINUTE).timestamp())

    (push,) = links.teacher
    hls, play = links.for_classroom("c-hill-3")

    assert push.url == f"rtmp://live.example.edu.cn/live/{stream}?key={key}"
    assert (push.server, push.stream_key) == (
        "rtmp://live.example.edu.cn/live",
        f"{stream}?key={key}",
    )
    assert hls.kind is LinkKind.HLS
    assert hls.url == (
        f"https://live.example.edu.cn/hls/{PROVIDER.hls_md5(stream, expires)}/{expires}/"
        f"{stream}/index.m3u8"
    )
    assert play.url == (
        f"rtmp://live.example.edu.cn/live/{stream}?token={PROVIDER.play_token(request, 'c-hill-3')}"
    )
    assert (links.valid_from, links.valid_until) == (START - 15 * MINUTE, request.end + 15 * MINUTE)
    assert links.room == stream


def test_hls_md5_is_nginx_secure_link_of_expires_stream_and_secret() -> None:
    expected = secure_link_md5("1788227700lessonabc nginx-shared-secret-0123456789", {})
    assert PROVIDER.hls_md5("lessonabc", 1788227700) == expected


def test_same_inputs_give_same_links() -> None:
    assert PROVIDER.links(lesson()) == RtmpProvider(rtmp_settings()).links(lesson())


def test_new_revision_changes_every_link() -> None:
    first, moved = PROVIDER.links(lesson()), PROVIDER.links(lesson(revision=2))
    old_urls = {link.url for link in first.teacher + first.for_classroom("c-hill-3")}
    new_urls = {link.url for link in moved.teacher + moved.for_classroom("c-hill-3")}
    assert first.room != moved.room
    assert old_urls.isdisjoint(new_urls)


def test_other_secret_gives_other_names_and_keys() -> None:
    other = RtmpProvider(rtmp_settings(secret="another-coordinator-secret-42"))
    assert other.stream_name(lesson()) != PROVIDER.stream_name(lesson())
    assert other.publish_key(lesson()) != PROVIDER.publish_key(lesson())


def test_publish_with_lesson_key_inside_window_is_accepted_for_the_teacher() -> None:
    request = lesson()
    verdict = PROVIDER.verify_publish(
        name=PROVIDER.stream_name(request), key=PROVIDER.publish_key(request), lesson=request,
        now=START - 15 * MINUTE,
    )  # fmt: skip
    assert (verdict.ok, verdict.lesson_key, verdict.participant_id) == (
        True, "2026-09-01/music/p1", "t-wang",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("offset", "reason"),
    [
        (-16 * MINUTE, Reason.TOO_EARLY),
        (-15 * MINUTE, Reason.OK),
        (40 * MINUTE + 15 * MINUTE, Reason.OK),
        (40 * MINUTE + 16 * MINUTE, Reason.TOO_LATE),
    ],
)
def test_publish_window_edges(offset: dt.timedelta, reason: Reason) -> None:
    request = lesson()
    verdict = PROVIDER.verify_publish(
        name=PROVIDER.stream_name(request), key=PROVIDER.publish_key(request), lesson=request,
        now=START + offset,
    )  # fmt: skip
    assert verdict.reason is reason


def test_publish_with_wrong_key_or_old_revision_is_refused() -> None:
    old, moved = lesson(), lesson(revision=2)
    wrong = PROVIDER.verify_publish(
        name=PROVIDER.stream_name(moved), key="x" * 26, lesson=moved, now=START
    )
    stale = PROVIDER.verify_publish(
        name=PROVIDER.stream_name(old), key=PROVIDER.publish_key(old), lesson=moved, now=START
    )
    assert (wrong.reason, stale.reason) == (Reason.BAD_KEY, Reason.UNKNOWN_STREAM)


def test_reassigned_teacher_gets_another_key() -> None:
    other = lesson(teacher=Participant("t-li", "李老师"))
    assert PROVIDER.publish_key(other) != PROVIDER.publish_key(lesson())


def test_play_token_names_the_classroom_and_refuses_others() -> None:
    request = lesson()
    name = PROVIDER.stream_name(request)
    river = PROVIDER.play_token(request, "c-river-4")
    ok = PROVIDER.verify_play(name=name, token=river, lesson=request, now=START)
    teacher_key = PROVIDER.publish_key(request)
    refused = PROVIDER.verify_play(name=name, token=teacher_key, lesson=request, now=START)
    assert (ok.reason, ok.participant_id) == (Reason.OK, "c-river-4")
    assert refused.reason is Reason.BAD_KEY


def test_play_token_outside_window_is_refused() -> None:
    request = lesson()
    token = PROVIDER.play_token(request, "c-hill-3")
    late = PROVIDER.verify_play(
        name=PROVIDER.stream_name(request), token=token, lesson=request, now=START + 2 * 60 * MINUTE
    )
    assert late.reason is Reason.TOO_LATE


def test_match_stream_finds_the_current_revision_only() -> None:
    candidates = [lesson(key="a"), lesson(key="b", revision=3)]
    assert (
        PROVIDER.match_stream(PROVIDER.stream_name(lesson(key="b", revision=3)), candidates)
        == (candidates[1])
    )
    assert PROVIDER.match_stream(PROVIDER.stream_name(lesson(key="b")), candidates) is None


def test_verify_hls_path_agrees_with_the_link() -> None:
    request = lesson()
    path = "/" + PROVIDER.links(request).for_classroom("c-hill-3")[0].url.split("/", 3)[3]
    segment = path.replace("index.m3u8", "17.ts")
    other_stream = path.replace(
        PROVIDER.stream_name(request), PROVIDER.stream_name(lesson(revision=2))
    )
    assert PROVIDER.verify_hls_path(path, now=START) is SecureLinkStatus.OK
    assert PROVIDER.verify_hls_path(segment, now=START) is SecureLinkStatus.OK
    assert PROVIDER.verify_hls_path(other_stream, now=START) is SecureLinkStatus.INVALID
    assert PROVIDER.verify_hls_path(path, now=START + 56 * MINUTE) is SecureLinkStatus.EXPIRED
    assert PROVIDER.verify_hls_path("/hls/../etc/passwd", now=START) is SecureLinkStatus.INVALID


@pytest.mark.parametrize(
    "overrides",
    [
        {"secret": "short"},
        {"hls_secret": "short"},
        {"hls_secret": "has spaces in it, 0123456789"},
        {"hls_secret": "dollar$sign-0123456789"},
        {"hls_md5_expression": "$secure_link_expires$sl_stream$remote_addr $secret"},
        {"hls_md5_expression": "$secure_link_expires $secret"},
        {"margin_before": "-PT5M"},
        {"rtmp_url": "rtmp://live.example.edu.cn:1935"},
        {"rtmp_url": "http://live.example.edu.cn/live"},
    ],
)
def test_unsafe_settings_are_refused(overrides: dict[str, str]) -> None:
    with pytest.raises(pydantic.ValidationError):
        rtmp_settings(**overrides)


def test_settings_name_application_and_hls_location() -> None:
    settings = rtmp_settings(rtmp_url="rtmp://h:1935/class/", hls_url="https://h/live/hls/")
    assert (settings.application, settings.hls_location) == ("class", "/live/hls")


def test_margins_are_configurable() -> None:
    settings = rtmp_settings(margin_before="PT5M", margin_after="PT30M")
    links = RtmpProvider(settings).links(lesson())
    assert links.valid_from == START - 5 * MINUTE
    assert links.valid_until == START + 70 * MINUTE


def test_settings_secrets_do_not_print() -> None:
    assert "coordinator-only-secret" not in repr(rtmp_settings())
    assert dataclasses.is_dataclass(lesson())
