"""Real calendar client parsers, each reduced to what a subscriber sees of every event."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import recurring_ical_events
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

TESTS = Path(__file__).parent.parent
JS_DIR = TESTS / "js"
LIBICAL_SOURCE = TESTS / "libical" / "check_feed.c"
SPAN = (dt.date(2026, 1, 1), dt.date(2028, 1, 1))


@dataclass(frozen=True, slots=True)
class Seen:
    """One event as a parser understood it; `start` in UTC as 2026-10-09T02:00:00Z."""

    start: str
    status: str
    url: str
    summary: str
    conference: str = ""
    description: str = ""


def utc_text(moment: dt.datetime) -> str:
    assert moment.utcoffset() is not None, f"{moment} is floating"
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def with_icalendar(path: Path) -> dict[str, Seen]:
    calendar = Calendar.from_ical(path.read_bytes())
    return {
        str(event["UID"]): Seen(
            utc_text(event.decoded("DTSTART")),
            str(event["STATUS"]),
            str(event["URL"]),
            str(event["SUMMARY"]),
            str(event["CONFERENCE"]),
            str(event["DESCRIPTION"]),
        )
        for event in calendar.walk("VEVENT")
    }


def with_recurring_ical_events(path: Path) -> dict[str, Seen]:
    calendar = Calendar.from_ical(path.read_bytes())
    events = recurring_ical_events.of(calendar).between(*SPAN)
    return {
        str(event["UID"]): Seen(
            utc_text(event["DTSTART"].dt),
            str(event["STATUS"]),
            str(event["URL"]),
            str(event["SUMMARY"]),
        )
        for event in events
    }


def with_ical(path: Path) -> dict[str, Seen]:
    """The strict parser Home Assistant uses."""
    calendar = IcsCalendarStream.calendar_from_ics(path.read_text(encoding="utf-8"))
    seen = {}
    for event in calendar.events:
        assert isinstance(event.dtstart, dt.datetime)
        assert event.status is not None
        conference = event.conference[0].uri if event.conference else ""
        seen[str(event.uid)] = Seen(
            utc_text(event.dtstart),
            str(event.status.value),
            str(event.url or ""),
            str(event.summary),
            str(conference),
            str(event.description or ""),
        )
    return seen


def with_icaljs(path: Path) -> dict[str, Seen]:
    """ical.js, the parser inside Thunderbird, run with Node."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not installed: cannot run ical.js")
    if not (JS_DIR / "node_modules" / "ical.js").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, check=True, timeout=300)
    # A TZID that did not resolve would fall back to the process zone: make that visible.
    env = {**os.environ, "TZ": "America/Los_Angeles"}
    result = subprocess.run(
        [node, str(JS_DIR / "check_feed.js"), str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)["events"]
    return {
        e["uid"]: Seen(
            e["start"].replace(".000", ""),
            e["status"],
            e["url"] or "",
            e["summary"],
            e["conference"] or "",
            e["description"] or "",
        )
        for e in events
    }


def build_libical_checker(directory: Path) -> Path:
    """The C checker compiled against Debian's libical-dev."""
    pkg_config, cc = shutil.which("pkg-config"), shutil.which("cc")
    if pkg_config is None or cc is None:
        pytest.skip("cc or pkg-config is not installed: cannot build the libical checker")
    flags = subprocess.run(
        [pkg_config, "--cflags", "--libs", "libical"], capture_output=True, text=True, check=False
    )
    if flags.returncode != 0:
        pytest.skip("libical-dev is not installed (pkg-config does not know libical)")
    binary = directory / "check_feed"
    command = [
        cc,
        "-Wall",
        "-Werror",
        "-o",
        str(binary),
        str(LIBICAL_SOURCE),
        *flags.stdout.split(),
    ]
    subprocess.run(command, check=True, timeout=120)
    return binary


def with_libical(checker: Path, path: Path) -> dict[str, Seen]:
    """libical, the library behind Evolution; any X-LIC-ERROR fails the check."""
    result = subprocess.run(
        [str(checker), str(path)], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    seen = {}
    for line in result.stdout.splitlines():
        _, uid, start, _end, status, url, conference, summary = line.split("\t")
        moment = dt.datetime.strptime(start, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        seen[uid] = Seen(utc_text(moment), status, url, summary, conference)
    return seen
