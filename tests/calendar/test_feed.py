"""The feed builder: deterministic bytes, golden files and what clients need in each event."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest

from coordinator.calendar import FeedError, FeedItem, FeedSpec, LessonStatus, build_feed
from coordinator.calendar.feed import clean, language_of, vtimezone
from tests.calendar.scenario import CANCELLED_UID, FEEDS, FRIDAY

GOLDEN = Path(__file__).parent.parent / "data" / "golden"
UTC = dt.UTC
START = dt.datetime(2026, 10, 9, 2, 0, tzinfo=UTC)
HOUR = dt.timedelta(hours=1)
CHANGED = dt.datetime(2026, 9, 25, 2, 0, tzinfo=UTC)


def item(**changes: object) -> FeedItem:
    base = FeedItem(
        uid="S1@2026-10-09@coordinator",
        summary="音乐·三年级 直播",
        start=START,
        end=START + dt.timedelta(minutes=40),
        last_modified=CHANGED,
        url="https://live.example.cn/push/S1/20261009",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def lines(feed: bytes) -> list[str]:
    """The unfolded content lines."""
    return feed.decode().replace("\r\n ", "").split("\r\n")


def event_lines(feed: bytes, uid: str) -> list[str]:
    text = feed.decode().replace("\r\n ", "")
    for block in text.split("BEGIN:VEVENT\r\n")[1:]:
        if f"UID:{uid}\r\n" in block:
            return block.split("END:VEVENT")[0].split("\r\n")
    raise AssertionError(f"no VEVENT {uid}")


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_build_feed_matches_golden_file(name: str) -> None:
    spec, items = FEEDS[name]
    path = GOLDEN / f"{name}.ics"
    built = build_feed(spec, items)
    if os.environ.get("COORDINATOR_UPDATE_GOLDEN") == "1":
        path.write_bytes(built)

    assert built == path.read_bytes()


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_build_feed_is_byte_identical_on_rebuild_in_any_order(name: str) -> None:
    spec, items = FEEDS[name]

    assert build_feed(spec, items) == build_feed(spec, items[::-1])


def test_feed_calendar_properties() -> None:
    feed = build_feed(FeedSpec("王丽 · 直播课", description="订阅说明"), [item()])
    head = lines(feed)[: lines(feed).index("BEGIN:VTIMEZONE")]

    assert head[:3] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//coordinator//Dual-teacher live classes//ZH",
    ]
    assert sorted(head[3:]) == [
        "CALSCALE:GREGORIAN",
        "DESCRIPTION:订阅说明",
        "NAME:王丽 · 直播课",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "X-WR-CALDESC:订阅说明",
        "X-WR-CALNAME:王丽 · 直播课",
    ]


def test_feed_has_calendar_uid_only_when_given() -> None:
    assert "UID:feed-1@coordinator" in lines(
        build_feed(FeedSpec("x", uid="feed-1@coordinator"), [])
    )
    assert lines(build_feed(FeedSpec("x"), []))[:3] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//coordinator//Dual-teacher live classes//ZH",
    ]
    assert not any(line.startswith("UID") for line in lines(build_feed(FeedSpec("x"), [])))


def test_feed_event_stamps_come_from_last_modified_and_sequence_from_revision() -> None:
    feed = build_feed(FeedSpec("x"), [item(sequence=3)])
    event = event_lines(feed, "S1@2026-10-09@coordinator")

    assert "DTSTAMP:20260925T020000Z" in event
    assert "LAST-MODIFIED:20260925T020000Z" in event
    assert "SEQUENCE:3" in event
    assert "DTSTART;TZID=Asia/Shanghai:20261009T100000" in event
    assert "DTEND;TZID=Asia/Shanghai:20261009T104000" in event
    assert not any(line.startswith(("RRULE", "RDATE", "EXDATE")) for line in event)


@pytest.mark.parametrize(
    ("language", "summary"),
    [("zh", "SUMMARY:【已取消】音乐·三年级 直播"), ("en", "SUMMARY:[Cancelled] 音乐·三年级 直播")],
)
def test_feed_cancelled_item_has_status_and_title_prefix(language: str, summary: str) -> None:
    spec = FeedSpec("x", language="en" if language == "en" else "zh")
    feed = build_feed(spec, [item(status=LessonStatus.CANCELLED)])
    event = event_lines(feed, "S1@2026-10-09@coordinator")

    assert summary in event
    assert "STATUS:CANCELLED" in event
    assert "TRANSP:TRANSPARENT" in event


@pytest.mark.parametrize("status", [LessonStatus.SCHEDULED, LessonStatus.MOVED, LessonStatus.DONE])
def test_feed_other_statuses_are_confirmed(status: LessonStatus) -> None:
    event = event_lines(build_feed(FeedSpec("x"), [item(status=status)]), item().uid)

    assert "STATUS:CONFIRMED" in event
    assert "SUMMARY:音乐·三年级 直播" in event


def test_feed_link_is_in_conference_url_and_description() -> None:
    event = event_lines(build_feed(FeedSpec("x"), [item(description="科目：音乐")]), item().uid)
    link = "https://live.example.cn/push/S1/20261009"

    assert f"URL:{link}" in event
    assert f"CONFERENCE;FEATURE=AUDIO,VIDEO;LABEL=直播链接;VALUE=URI:{link}" in event
    assert f"DESCRIPTION:科目：音乐\\n\\n直播链接：{link}" in event


def test_feed_vtimezone_per_zone_only_for_its_range_and_without_comment() -> None:
    week = dt.timedelta(days=7)
    berlin = [
        item(
            uid=f"B{n}",
            start=START + n * week,
            end=START + n * week + dt.timedelta(hours=1),
            tzid="Europe/Berlin",
        )
        for n in (2, 3)  # 23 and 30 October, either side of the end of summer time
    ]
    all_lines = lines(build_feed(FeedSpec("x"), [item(), *berlin]))

    assert [line for line in all_lines if line.startswith("TZID:")] == [
        "TZID:Asia/Shanghai",
        "TZID:Europe/Berlin",
    ]
    assert not any(line.startswith("COMMENT") for line in all_lines)
    assert "DTSTART:20261008T000000" in all_lines  # Shanghai: from the day before its item
    assert "DTSTART:20261025T030000" in all_lines  # Berlin: the end of summer time
    assert all_lines.count("BEGIN:STANDARD") + all_lines.count("BEGIN:DAYLIGHT") == 3


def test_feeds_with_the_same_dates_share_one_vtimezone_derivation() -> None:
    """icalendar derives a VTIMEZONE by stepping through its span (15-20 ms for Shanghai):
    every feed of a county covers about the same dates, so it is derived once."""
    spring = START + dt.timedelta(days=200)  # dates no other test builds
    vtimezone.cache_clear()
    first = build_feed(FeedSpec("a"), [item(uid="A", start=spring, end=spring + HOUR)])
    second = build_feed(FeedSpec("b"), [item(uid="B", start=spring, end=spring + HOUR)])
    assert (vtimezone.cache_info().misses, vtimezone.cache_info().hits) == (1, 1)
    zones = [
        feed[feed.index(b"BEGIN:VTIMEZONE") : feed.index(b"BEGIN:VEVENT")]
        for feed in (first, second)
    ]
    assert zones[0] == zones[1]
    assert b"DTSTART:20270426T000000" in zones[0]  # from the day before the item


def test_feed_folds_long_chinese_lines_at_75_octets_without_splitting_characters() -> None:
    summary = "音乐·三年级 直播 → " + "、".join(f"第{n}村小学 三年级（1）班" for n in range(12))
    feed = build_feed(FeedSpec("x"), [item(summary=summary, description=summary * 3)])
    physical = feed.split(b"\r\n")

    assert max(len(line) for line in physical) <= 75
    assert sum(line.startswith(b" ") for line in physical) > 10
    for line in physical:
        line.decode("utf-8")  # raises if a fold split a character
    assert f"SUMMARY:{summary}" in lines(feed)


def test_feed_rejects_naive_times_and_duplicate_uids() -> None:
    with pytest.raises(FeedError, match="timezone-aware"):
        item(start=dt.datetime(2026, 10, 9, 10, 0))  # noqa: DTZ001
    with pytest.raises(FeedError, match="appears twice"):
        build_feed(FeedSpec("x"), [item(), item()])


def test_clean_strips_control_characters_and_keeps_newlines() -> None:
    assert clean("a\x00b\x1bc\r\nd\te") == "abc\nd e"


def test_scenario_feeds_carry_the_cancellation() -> None:
    spec, items = FEEDS["teacher_t-wang_zh"]

    assert "STATUS:CANCELLED" in event_lines(build_feed(spec, items), CANCELLED_UID)
    assert FRIDAY in CANCELLED_UID


def test_feed_utc_items_are_written_with_z_and_need_no_vtimezone() -> None:
    all_lines = lines(build_feed(FeedSpec("x"), [item(tzid="UTC")]))

    assert "DTSTART:20261009T020000Z" in all_lines
    assert "BEGIN:VTIMEZONE" not in all_lines


@pytest.mark.parametrize(
    ("code", "language"), [("en", "en"), ("en-GB", "en"), ("zh-CN", "zh"), ("", "zh")]
)
def test_language_of_user_code(code: str, language: str) -> None:
    assert language_of(code) == language
