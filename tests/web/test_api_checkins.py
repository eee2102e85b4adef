"""The check-in API over real HTTP: idempotency, clocks, corrections, tokens, lessons listing."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from pytest_aiohttp import AiohttpClient
from sqlmodel import func, select

from coordinator import models
from coordinator.app import create_app
from coordinator.services.accounts.api_tokens import revoke_tokens
from coordinator.services.checkins import CheckinConfig
from coordinator.settings import ServerSettings, Settings
from coordinator.store import Store
from coordinator.streams import StaticSettings, StreamsSettings
from coordinator.streams.watch import WatchSigner
from coordinator.web.api import CHECKIN_CONFIG
from tests.attendance.seed import ART, MUSIC, NOW, Clock, Seeded, seed
from tests.streams.factories import rtmp_settings

Client = Any  # pytest_aiohttp's TestClient[Request, Application]


@pytest.fixture
async def seeded(store: Store) -> Seeded:
    return await seed(store)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def client(
    aiohttp_client: AiohttpClient, store: Store, seeded: Seeded, clock: Clock
) -> Client:
    app = create_app(Settings(), store)
    app[CHECKIN_CONFIG] = CheckinConfig(clock=clock)
    return await aiohttp_client(app)


def check_in(
    students: int = 30,
    *,
    lesson: str = MUSIC,
    room: str = "c-east-3",
    device_time: str = "2026-11-23T09:11:00+08:00",
) -> dict[str, Any]:
    return {
        "lesson_key": lesson,
        "classroom_id": room,
        "kind": "check_in",
        "device_time": device_time,
        "fields": {"stream_up": True, "students_present": students},
    }


async def post(
    client: Client, token: str, body: dict[str, Any], key: str | None = None
) -> tuple[int, dict[str, Any], Any]:
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    response = await client.post("/api/v1/check-ins", json=body, headers=headers)
    return response.status, await response.json(), response.headers


async def count(store: Store, model: type[Any]) -> int:
    async with store.read() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


# --- idempotency ---------------------------------------------------------------------------


async def test_new_key_is_recorded_with_201(client: Client, seeded: Seeded, store: Store) -> None:
    status, body, headers = await post(client, seeded.li, check_in(), "k-1")
    assert (status, body["outcome"], "Idempotent-Replayed" in headers) == (201, "recorded", False)
    assert body["report"]["fields"] == {"stream_up": True, "students_present": 30, "note": ""}
    assert await count(store, models.AttendanceRow) == 1


async def test_same_key_same_body_replays_first_answer_with_200(
    client: Client,
    seeded: Seeded,
    clock: Clock,
) -> None:
    _, first, _ = await post(client, seeded.li, check_in(), "k-1")
    clock.advance(minutes=5)
    status, again, headers = await post(client, seeded.li, check_in(), "k-1")
    assert (status, again, headers["Idempotent-Replayed"]) == (200, first, "true")


async def test_same_key_other_body_is_refused_with_422(client: Client, seeded: Seeded) -> None:
    await post(client, seeded.li, check_in(30), "k-1")
    status, body, _ = await post(client, seeded.li, check_in(31), "k-1")
    assert (status, body["error"]["code"]) == (422, "idempotency_key_reused")


async def test_missing_key_is_refused_with_400(
    client: Client, seeded: Seeded, store: Store
) -> None:
    status, body, _ = await post(client, seeded.li, check_in())
    assert (status, body["error"]["code"]) == (400, "idempotency_key_missing")
    assert await count(store, models.AttendanceRow) == 0


async def test_keys_are_scoped_to_the_assistant(client: Client, seeded: Seeded) -> None:
    await post(client, seeded.li, check_in(), "shared-key")
    status, body, _ = await post(client, seeded.zhao, check_in(room="c-west-3"), "shared-key")
    assert (status, body["report"]["classroom_id"]) == (201, "c-west-3")


async def test_quoted_key_and_reordered_json_are_the_same_request(
    client: Client,
    seeded: Seeded,
) -> None:
    await post(client, seeded.li, check_in(), "k-1")
    reordered = dict(reversed(list(check_in().items())))
    status, _, _ = await post(client, seeded.li, reordered, '"k-1"')
    assert status == 200


async def test_refused_request_does_not_use_up_its_key(client: Client, seeded: Seeded) -> None:
    bad = check_in(device_time="2029-11-23T09:11:00+08:00")
    assert (await post(client, seeded.li, bad, "k-1"))[0] == 400
    assert (await post(client, seeded.li, check_in(), "k-1"))[0] == 201


async def test_fifty_concurrent_duplicates_make_one_row_and_one_answer(
    client: Client,
    seeded: Seeded,
    store: Store,
) -> None:
    answers = await asyncio.gather(
        *(post(client, seeded.li, check_in(), "outbox-and-retry") for _ in range(50))
    )
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [200] * 49 + [201]
    assert all(body == answers[0][1] for _, body, _ in answers)
    assert await count(store, models.AttendanceRow) == 1
    assert await count(store, models.IdempotencyRecordRow) == 1


async def test_concurrent_check_ins_under_different_keys_make_one_record(
    client: Client,
    seeded: Seeded,
    store: Store,
) -> None:
    answers = await asyncio.gather(
        *(post(client, seeded.li, check_in(), f"device-{n}") for n in range(20))
    )
    outcomes = sorted(body["outcome"] for _, body, _ in answers)
    assert outcomes == ["recorded"] + ["unchanged"] * 19
    assert await count(store, models.AttendanceRow) == 1


# --- clocks --------------------------------------------------------------------------------


async def test_skew_is_stored_and_server_time_is_the_truth(
    client: Client,
    seeded: Seeded,
    store: Store,
) -> None:
    await post(client, seeded.li, check_in(device_time="2026-11-23T09:02:30+08:00"), "k-1")
    async with store.read() as session:
        row = (await session.exec(select(models.AttendanceRow))).one()
    assert (row.received_at, row.skew_seconds, row.late) == (NOW, 570, False)
    assert row.device_time == dt.datetime(2026, 11, 23, 1, 2, 30, tzinfo=dt.UTC)


async def test_late_upload_from_the_outbox_is_kept_and_marked_late(
    client: Client,
    seeded: Seeded,
    clock: Clock,
) -> None:
    clock.advance(hours=5)
    status, body, _ = await post(client, seeded.li, check_in(), "k-1")
    assert (status, body["report"]["late"], body["report"]["skew_seconds"]) == (201, True, 18060)


async def test_device_clock_years_off_is_refused_naming_the_field(
    client: Client,
    seeded: Seeded,
    store: Store,
) -> None:
    status, body, _ = await post(
        client, seeded.li, check_in(device_time="2023-01-01T08:00:00+08:00"), "k-1"
    )
    assert (status, body["error"]["field"], body["error"]["code"]) == (
        400,
        "device_time",
        "implausible_report",
    )
    assert "3 years behind" in body["error"]["message"]
    assert await count(store, models.AttendanceRow) == 0


async def test_report_for_a_lesson_days_ahead_is_refused(
    client: Client,
    seeded: Seeded,
    clock: Clock,
) -> None:
    clock.advance(days=-5)
    body = check_in(device_time=clock.now.isoformat())
    status, answer, _ = await post(client, seeded.li, body, "k-1")
    assert (status, answer["error"]["field"]) == (400, "lesson_key")


async def test_bad_fields_are_named(client: Client, seeded: Seeded) -> None:
    body = check_in()
    body["fields"]["students_present"] = -1
    status, answer, _ = await post(client, seeded.li, body, "k-1")
    assert (status, answer["error"]["field"]) == (400, "fields.students_present")


# --- corrections ---------------------------------------------------------------------------


async def test_correction_within_window_updates_record_and_writes_audit(
    client: Client,
    seeded: Seeded,
    store: Store,
    clock: Clock,
) -> None:
    await post(client, seeded.li, check_in(30), "k-1")
    clock.advance(hours=3)
    status, body, _ = await post(client, seeded.li, check_in(28), "k-2")
    assert (status, body["outcome"], body["report"]["revision"]) == (201, "corrected", 1)
    async with store.read() as session:
        record = (await session.exec(select(models.AttendanceRow))).one()
        audit = (await session.exec(select(models.AttendanceCorrectionRow))).one()
    assert (record.students_present, record.received_at, record.corrected_at) == (
        28,
        NOW,
        clock.now,
    )
    assert (audit.assistant_id, audit.corrected_at, audit.revision) == ("a-li", clock.now, 1)
    assert (audit.before["students_present"], audit.after["students_present"]) == (30, 28)


async def test_correction_outside_window_is_refused_with_409(
    client: Client,
    seeded: Seeded,
    store: Store,
    clock: Clock,
) -> None:
    await post(client, seeded.li, check_in(30), "k-1")
    clock.advance(days=2)
    status, body, _ = await post(client, seeded.li, check_in(28), "k-2")
    assert (status, body["error"]["code"]) == (409, "correction_window_closed")
    assert "corrections closed at" in body["error"]["message"]
    assert await count(store, models.AttendanceCorrectionRow) == 0


async def test_problems_pile_up_and_end_report_is_its_own_record(
    client: Client,
    seeded: Seeded,
    store: Store,
) -> None:
    base = {"lesson_key": MUSIC, "classroom_id": "c-east-3", "device_time": NOW.isoformat()}
    problem = {**base, "kind": "problem", "fields": {"problem": "no_signal"}}
    end = {
        **base,
        "kind": "end_report",
        "fields": {
            "students_present": 29,
            "stream_quality": "poor",
            "teacher_showed": True,
            "note": "卡顿",
        },
    }
    answers = [
        await post(client, seeded.li, body, str(uuid.uuid4()))
        for body in (check_in(), problem, problem, end)
    ]
    assert [status for status, _, _ in answers] == [201] * 4
    assert answers[1][1]["report"]["id"] != answers[2][1]["report"]["id"]
    assert (
        await count(store, models.ProblemReportRow),
        await count(store, models.AttendanceRow),
    ) == (2, 2)


# --- authorization -------------------------------------------------------------------------


async def test_another_schools_lesson_is_not_found(
    client: Client,
    seeded: Seeded,
    store: Store,
) -> None:
    status, body, _ = await post(client, seeded.zhao, check_in(room="c-east-3"), "k-1")
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, _, _ = await post(client, seeded.zhao, check_in(lesson=ART, room="c-west-3"), "k-2")
    assert status == 404
    assert await count(store, models.AttendanceRow) == 0


async def test_missing_token_is_401_with_bearer_challenge(client: Client) -> None:
    response = await client.post(
        "/api/v1/check-ins", json=check_in(), headers={"Idempotency-Key": "k-1"}
    )
    assert (response.status, response.headers["WWW-Authenticate"]) == (
        401,
        'Bearer realm="coordinator"',
    )


async def test_revoked_token_is_401(client: Client, seeded: Seeded, store: Store) -> None:
    await revoke_tokens(store, now=NOW, assistant_id="a-li")
    status, body, headers = await post(client, seeded.li, check_in(), "k-1")
    assert (status, body["error"]["code"]) == (401, "unauthorized")
    assert 'error="invalid_token"' in headers["WWW-Authenticate"]
    response = await client.get("/api/v1/lessons", headers={"Authorization": f"Bearer {seeded.li}"})
    assert response.status == 401


# --- lessons -------------------------------------------------------------------------------


async def test_lessons_lists_only_the_callers_classrooms_in_school_time(
    client: Client,
    seeded: Seeded,
) -> None:
    await post(client, seeded.zhao, check_in(room="c-west-3"), "k-1")
    response = await client.get(
        "/api/v1/lessons?from=2026-11-23&to=2026-11-23",
        headers={"Authorization": f"Bearer {seeded.zhao}"},
    )
    body = await response.json()
    assert (response.status, body["time_zone"]) == (200, "Asia/Shanghai")
    assert body["lessons"] == [
        {
            "key": MUSIC,
            "date": "2026-11-23",
            "start": "2026-11-23T09:10:00+08:00",
            "end": "2026-11-23T09:50:00+08:00",
            "status": "scheduled",
            "revision": 0,
            "subject": {"id": "music", "name_zh": "音乐", "name_en": "Music"},
            "teacher": {"id": "t-wang", "name": "王丽", "school_id": "u-one"},
            "classroom_ids": ["c-west-3"],
            "reported": {"c-west-3": ["check_in"]},
            "links": {},
            "watch_pages": {},
        }
    ]


async def test_lessons_default_to_this_week_and_refuse_reversed_range(
    client: Client,
    seeded: Seeded,
) -> None:
    auth = {"Authorization": f"Bearer {seeded.li}"}
    default = await (await client.get("/api/v1/lessons", headers=auth)).json()
    reversed_range = await client.get("/api/v1/lessons?from=2026-11-23&to=2026-11-01", headers=auth)
    assert [lesson["key"] for lesson in default["lessons"]] == [MUSIC, ART]
    assert (reversed_range.status, (await reversed_range.json())["error"]["field"]) == (400, "to")


async def test_lessons_carry_each_classrooms_own_watch_link(
    aiohttp_client: AiohttpClient, store: Store, seeded: Seeded, clock: Clock
) -> None:
    streams = StreamsSettings(
        provider="static",
        static=StaticSettings(
            teacher_url="https://room.example.cn/host/{lesson}",
            classroom_url="https://room.example.cn/join/{lesson}?room={classroom}",
        ),
    )
    app = create_app(Settings(streams=streams), store)
    app[CHECKIN_CONFIG] = CheckinConfig(clock=clock)
    client = await aiohttp_client(app)
    response = await client.get(
        "/api/v1/lessons?from=2026-11-23&to=2026-11-23",
        headers={"Authorization": f"Bearer {seeded.zhao}"},
    )
    lessons = (await response.json())["lessons"]
    join = f"https://room.example.cn/join/{quote(MUSIC, safe='')}?room=c-west-3"
    assert [lesson["links"] for lesson in lessons] == [{"c-west-3": join}]
    assert [lesson["watch_pages"] for lesson in lessons] == [{"c-west-3": join}]


async def test_lessons_give_the_signed_watch_page_a_person_opens(
    aiohttp_client: AiohttpClient, store: Store, seeded: Seeded, clock: Clock
) -> None:
    secret = "a secret for the API's watch pages"
    settings = Settings(
        streams=StreamsSettings(provider="rtmp", rtmp=rtmp_settings()),
        server=ServerSettings(public_url="https://kecheng.example.cn"),
        secret_key=secret,
    )
    app = create_app(settings, store)
    app[CHECKIN_CONFIG] = CheckinConfig(clock=clock)
    client = await aiohttp_client(app)
    response = await client.get(
        "/api/v1/lessons?from=2026-11-23&to=2026-11-23",
        headers={"Authorization": f"Bearer {seeded.zhao}"},
    )
    (lesson,) = (await response.json())["lessons"]
    assert lesson["links"]["c-west-3"].endswith(".m3u8") or ".m3u8?" in lesson["links"]["c-west-3"]
    page = urlsplit(lesson["watch_pages"]["c-west-3"])
    assert (page.scheme, page.netloc) == ("https", "kecheng.example.cn")
    ticket = WatchSigner(secret.encode().hex()).read(page.path.removeprefix("/watch/"), now=NOW)
    assert (ticket.lesson_key, ticket.classroom_id) == (MUSIC, "c-west-3")
