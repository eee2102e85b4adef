"""Each feed parsed by icalendar, recurring-ical-events, ical, ical.js and libical."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from coordinator.calendar import build_feed
from tests.calendar import client_parsers
from tests.calendar.client_parsers import Seen
from tests.calendar.scenario import CANCELLED_UID, EXPECTED_STARTS, FEEDS, FRIDAY

Parser = Callable[[Path], dict[str, Seen]]
CANCELLED_PREFIXES = ("【已取消】", "[Cancelled] ")
MAKEUP_SIDES = [f"{FRIDAY}@2026-10-{day}@coordinator" for day in ("09", "10", "16")]


@pytest.fixture(scope="module")
def feed_paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("feeds")
    paths = {}
    for name, (spec, items) in FEEDS.items():
        paths[name] = directory / f"{name}.ics"
        paths[name].write_bytes(build_feed(spec, items))
    return paths


@pytest.fixture(scope="module")
def libical_checker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return client_parsers.build_libical_checker(tmp_path_factory.mktemp("libical"))


def assert_sees_feed(name: str, seen: dict[str, Seen], *, full_text: bool = True) -> None:
    """The parser saw every event, the UTC starts around 调休 and DST, the cancellation, links."""
    _, items = FEEDS[name]
    assert sorted(seen) == sorted(item.uid for item in items)
    assert set(MAKEUP_SIDES) <= set(seen)
    starts = {uid: seen[uid].start for uid in seen if uid in EXPECTED_STARTS}
    assert starts == {uid: EXPECTED_STARTS[uid] for uid in starts}
    assert seen[CANCELLED_UID].status == "CANCELLED"
    assert seen[CANCELLED_UID].summary.startswith(CANCELLED_PREFIXES)
    for item in items:
        assert seen[item.uid].url == item.url
        if full_text and item.url:
            assert seen[item.uid].conference == item.url
            assert item.url in seen[item.uid].description


@pytest.mark.parametrize("name", sorted(FEEDS))
@pytest.mark.parametrize(
    "parser",
    [client_parsers.with_icalendar, client_parsers.with_ical, client_parsers.with_icaljs],
    ids=["icalendar", "ical", "ical.js"],
)
def test_parser_sees_feed(name: str, parser: Parser, feed_paths: dict[str, Path]) -> None:
    assert_sees_feed(name, parser(feed_paths[name]))


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_recurring_ical_events_sees_feed(name: str, feed_paths: dict[str, Path]) -> None:
    seen = client_parsers.with_recurring_ical_events(feed_paths[name])

    assert_sees_feed(name, seen, full_text=False)


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_libical_sees_feed(name: str, feed_paths: dict[str, Path], libical_checker: Path) -> None:
    seen = client_parsers.with_libical(libical_checker, feed_paths[name])

    assert_sees_feed(name, seen, full_text=False)
    _, items = FEEDS[name]
    assert all(seen[item.uid].conference == item.url for item in items)


def test_libical_checker_rejects_vtimezone_comment(
    feed_paths: dict[str, Path], libical_checker: Path, tmp_path: Path
) -> None:
    with_comment = tmp_path / "comment.ics"
    text = feed_paths["teacher_t-wang_zh"].read_bytes()
    with_comment.write_bytes(
        text.replace(b"TZID:Asia/Shanghai\r\n", b"TZID:Asia/Shanghai\r\nCOMMENT:x\r\n")
    )

    with pytest.raises(AssertionError, match="COMMENT"):
        client_parsers.with_libical(libical_checker, with_comment)
