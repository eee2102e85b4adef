"""ClassIn's data subscription posts class summaries; coordinator checks that they are ClassIn's
(SafeKey = md5(SECRET + TimeStamp)) and stores who was in the main class and in each
classroom's sub-class as platform evidence, once however often ClassIn posts them."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from pytest_aiohttp.plugin import AiohttpClient
from sqlmodel import select

from coordinator import models
from coordinator.app import create_app
from coordinator.settings import Settings
from coordinator.store import Store
from tests.notify.support import NOW, add_lesson, seed
from tests.services.streaming.platforms import EEO_SECRET, EEO_SID, streams_for

START = NOW + dt.timedelta(hours=1)
KEY = "s-music@2026-11-23"
EVENTS = "/api/platforms/classin/events"
RECEIVED = {"error_info": {"errno": 1, "error": "程序正常执行"}}


def signed(cmd: str, timestamp: int, secret: str = EEO_SECRET, **fields: Any) -> dict[str, Any]:
    safe_key = hashlib.md5(f"{secret}{timestamp}".encode()).hexdigest()
    return {"SID": int(EEO_SID), "Cmd": cmd, "TimeStamp": timestamp, "SafeKey": safe_key, **fields}


def ended(course: int, class_id: int, present: dict[str, int], **change: Any) -> dict[str, Any]:
    """An `End` summary as ClassIn documents it, trimmed to what matters and a little more."""
    start = int(START.timestamp())
    inout = {
        uid: {
            "Total": seconds,
            "Details": [{"Type": "In", "Device": 0, "Time": start}, {"Type": "Out", "Time": start}],
            "Identity": 1,
        }
        for uid, seconds in present.items()
    }
    data = {"inoutEnd": inout, "stageEnd": {}, "timerEnd": {"Count": 0, "Timing_Count": 0}}
    fields: dict[str, Any] = {
        "CourseID": course,
        "ClassID": class_id,
        "StartTime": start,
        "CloseTime": start + 3600,
        "Data": data,
    }
    return signed("End", start + 4800, **(fields | change))


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, store: Store) -> Any:
    await seed(store)
    lesson = await add_lesson(store, START)
    async with store.write() as session:
        session.add(
            models.PlatformMeetingRow(
                lesson_key=KEY,
                provider="classin",
                meeting_id="30:5001",
                revision=lesson.revision,
                state="active",
                start=lesson.start,
                end=lesson.end,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    settings = Settings(streams=streams_for("classin", "http://127.0.0.1:9"))
    return await aiohttp_client(create_app(settings, store))


async def evidence(store: Store) -> list[tuple[str, str | None, int]]:
    async with store.read() as session:
        rows = (await session.exec(select(models.PlatformEvidenceRow))).all()
    return sorted((row.participant, row.classroom_id, row.seconds) for row in rows)


async def post(client: Any, message: dict[str, Any]) -> tuple[int, Any]:
    response = await client.post(EVENTS, json=message)
    body = await (response.json() if response.status == 200 else response.text())
    return response.status, body


async def test_main_and_sub_class_summaries_are_stored_once_each(client: Any, store: Store) -> None:
    test = await post(client, signed("Test", 1795395000, Msg="Register test."))
    main = await post(client, ended(30, 5001, {"1000090": 2700, "3000001": 600}))
    east = ended(31, 6001, {"2000001": 2400})
    first, again = await post(client, east), await post(client, east)
    other = await post(client, ended(99, 7001, {"9": 60}))  # another class: received, ignored
    assert test == main == first == again == other == (200, RECEIVED)
    assert await evidence(store) == [
        ("1000090", None, 2700),
        ("2000001", "c-east-3", 2400),  # 东村's assistant runs its sub-class
        ("2000002", "c-west-3", 0),  # 西村's never entered: ClassIn names nobody absent
        ("3000001", None, 600),
    ]


@pytest.mark.parametrize(
    ("message", "says"),
    [
        (signed("End", 1795395000, secret="rotated"), "SafeKey does not match"),
        ({**signed("Test", 1795395000), "SID": 1000083}, "SID 1000083 is not this school's"),
        ({**ended(30, 5001, {"1": 1}), "TimeStamp": 1795395001}, "SafeKey does not match"),
        (ended(30, 5001, {"1": 1}, StartTime="soon"), "End message: ValueError"),
    ],
    ids=["rotated-secret", "other-school", "altered-timestamp", "unreadable"],
)
async def test_a_message_that_is_not_classins_is_refused_and_changes_nothing(
    client: Any, store: Store, message: dict[str, Any], says: str
) -> None:
    status, text = await post(client, message)
    assert (status, says in text) == (403, True)
    assert await evidence(store) == []


async def test_not_json_is_refused(client: Any) -> None:
    response = await client.post(EVENTS, data=b"<xml/>")
    assert (response.status, await response.text()) == (403, "ClassIn message: not JSON\n")
