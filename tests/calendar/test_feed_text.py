"""Whatever text reaches the feed builder, it neither crashes nor injects a property."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from icalendar import Calendar

from coordinator.calendar import FeedItem, FeedSpec, build_feed
from coordinator.calendar.feed import one_line
from tests.calendar import client_parsers

UTC = dt.UTC
START = dt.datetime(2026, 10, 9, 2, 0, tzinfo=UTC)
HOSTILE = '王丽\nATTENDEE:mailto:x@evil.example\r\nX-EVIL:1\u202e\u200b\x1b\ud800"；,\\'
ALLOWED = {
    "BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "NAME", "X-WR-CALNAME", "DESCRIPTION",
    "X-WR-CALDESC", "REFRESH-INTERVAL", "X-PUBLISHED-TTL", "TZID", "DTSTART", "TZNAME",
    "TZOFFSETFROM", "TZOFFSETTO", "SUMMARY", "DTEND", "DTSTAMP", "UID", "SEQUENCE",
    "CONFERENCE", "LAST-MODIFIED", "STATUS", "TRANSP", "URL", "LOCATION", "CATEGORIES",
}  # fmt: skip


def hostile_feed() -> bytes:
    item = FeedItem(
        uid="S1@2026-10-09@coordinator",
        summary=HOSTILE,
        start=START,
        end=START + dt.timedelta(minutes=40),
        last_modified=START,
        description=HOSTILE,
        url="https://live.example.cn/push/S1\r\nX-EVIL:1",
        link_label=HOSTILE,
        location=HOSTILE,
        categories=(HOSTILE,),
    )
    return build_feed(FeedSpec(HOSTILE, description=HOSTILE), [item])


def property_names(feed: bytes) -> set[str]:
    unfolded = feed.decode().replace("\r\n ", "").split("\r\n")
    return {line.split(":", 1)[0].split(";", 1)[0] for line in unfolded if line}


def test_feed_with_hostile_text_injects_no_property() -> None:
    feed = hostile_feed()

    assert property_names(feed) <= ALLOWED
    assert b"\n" not in feed.replace(b"\r\n", b"")
    for bad in ("\u202e", "\u200b", "\x1b"):
        assert bad.encode() not in feed


def test_feed_with_hostile_text_reads_back_in_real_parsers(tmp_path: Path) -> None:
    path = tmp_path / "hostile.ics"
    path.write_bytes(hostile_feed())
    expected = one_line(HOSTILE)

    seen = [
        client_parsers.with_icalendar(path),
        client_parsers.with_ical(path),
        client_parsers.with_recurring_ical_events(path),
    ]

    assert [next(iter(events.values())).summary for events in seen] == [expected] * 3
    calendar = Calendar.from_ical(path.read_bytes())
    assert str(calendar.walk("VEVENT")[0]["URL"]) == "https://live.example.cn/push/S1X-EVIL:1"


def test_feed_with_hostile_text_is_safe_with_asserts_off(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from tests.calendar.test_feed_text import hostile_feed\n"
        "sys.stdout.buffer.write(hostile_feed())\n"
    )
    env = {**os.environ, "PYTHONOPTIMIZE": "1"}
    root = Path(__file__).parents[2]

    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, env=env, cwd=root, timeout=60
    )

    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == hostile_feed()
    assert property_names(result.stdout) <= ALLOWED


@pytest.mark.parametrize(
    ("text", "line"),
    [("a\r\nb\u2028c", "a b c"), (" \n 王 \n\n丽 ", "王 丽"), ("\u202e王\u200d丽\ud800", "王丽")],
)
def test_one_line_flattens_breaks_and_drops_invisible_characters(text: str, line: str) -> None:
    assert one_line(text) == line


def test_feed_item_text_fields_are_all_covered() -> None:
    text_fields = {f.name for f in dataclasses.fields(FeedItem) if f.type == "str"}

    assert text_fields == {"uid", "summary", "tzid", "description", "url", "link_label", "location"}
