"""The simulator: plays the day's timeline against the server, one printed line per action.

An HTTP client and nothing else. Assistants check in with their API tokens (`POST
/api/v1/check-ins`, a fresh Idempotency-Key per report and the same key on a retry, as the
phone's outbox does); teachers go live the way nginx-rtmp tells coordinator: a form POST to
`/api/v1/streams/on_publish` from loopback with the stream name and the key of the teacher's
push URL (derived from the streams settings, as the teacher's page shows it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from coordinator.services.demo.day import DemoDay, Scene
from coordinator.services.streaming.links import id_request
from coordinator.simulation.timeline import Action, ApiLesson, Kind, Timeline
from coordinator.streams import RtmpProvider, StreamsSettings, build_provider

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Echo = Callable[[str], None]
TEACHER_ADDRESS = "203.0.113.{}"  # the teachers' public addresses, as nginx-rtmp reports them
ATTEMPTS = 4
STARTUP_S = 30.0
SCENE_TEXT = {
    Scene.ON_TIME: "on time: the teacher is live before the start, every classroom checks in",
    Scene.STREAM_FAILED: "a classroom checks in with no picture and reports the failed stream",
    Scene.NO_SHOW: "a classroom never checks in: late on Today, then the no-show alert",
    Scene.TEACHER_LATE: "the teacher goes live late, after the scheduler's live check",
    Scene.REPORTED_LATE: "ended before the demo; its check-ins arrive late from phones' outboxes",
    Scene.UPCOMING: "later today: played when it comes",
}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Simulator:
    """Plays a `Timeline` against the server at `base_url`, printing one line per action."""

    def __init__(
        self,
        base_url: str,
        day: DemoDay,
        streams: StreamsSettings,
        *,
        time_zone: str,
        echo: Echo,
        clock: Clock = utc_now,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.day = day
        self.zone = ZoneInfo(time_zone)
        self.echo, self.clock = echo, clock
        self.rtmp = self._rtmp(streams)
        self.answers: list[tuple[Action, int]] = []  # every action and its HTTP status

    @staticmethod
    def _rtmp(streams: StreamsSettings) -> RtmpProvider | None:
        if streams.rtmp is None or streams.provider != "rtmp":
            return None
        provider = build_provider(streams, "rtmp")
        assert isinstance(provider, RtmpProvider)
        return provider

    async def run(self, *, until: dt.datetime | None = None) -> None:
        """Play every action due up to `until` (None: the whole day), then return."""
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as http:
            await self._wait_until_up(http)
            lessons = await self.lessons(http)
            self._cast(lessons)
            for action in Timeline(self.day).actions(lessons):
                if until is not None and action.at > until:
                    break
                await self._sleep_until(action.at)
                await self.perform(http, action)
        self.echo(f"{self._clock()}  simulator: done")

    async def _wait_until_up(self, http: aiohttp.ClientSession) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STARTUP_S
        while True:
            try:
                async with http.get(f"{self.base_url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                if loop.time() > deadline:
                    raise
            await asyncio.sleep(0.2)

    async def lessons(self, http: aiohttp.ClientSession) -> list[ApiLesson]:
        """Today's lessons as every assistant's token lists them, classrooms merged."""
        day = self.day.day.isoformat()
        found: dict[str, dict[str, Any]] = {}
        rooms: dict[str, set[str]] = {}
        for token in self.day.tokens.values():
            url = f"{self.base_url}/api/v1/lessons?from={day}&to={day}"
            async with http.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
                response.raise_for_status()
                body = await response.json()
            for lesson in body["lessons"]:
                found.setdefault(lesson["key"], lesson)
                rooms.setdefault(lesson["key"], set()).update(lesson["classroom_ids"])
        self.echo(
            f"{self._clock()}  simulator: {len(found)} lessons today, read through "
            f"GET /api/v1/lessons as {len(self.day.tokens)} assistants"
        )
        return sorted(
            (_api_lesson(lesson, rooms[key]) for key, lesson in found.items()),
            key=lambda lesson: (lesson.start, lesson.key),
        )

    def _cast(self, lessons: list[ApiLesson]) -> None:
        by_key = {lesson.key: lesson for lesson in lessons}
        moved = {placed.planned_date for placed in self.day.lessons} - {self.day.day}
        source = f", moved from {', '.join(map(str, sorted(moved)))}" if moved else ""
        self.echo(f"The simulated day, {self.day.day}{source} (times {self.zone.key}):")
        for placed in sorted(self.day.lessons, key=lambda placed: placed.start):
            lesson = by_key.get(placed.key)
            if lesson is None:
                continue
            self.echo(
                f"  {self._time(lesson.start, '%H:%M')}-{self._time(lesson.end, '%H:%M')}  "
                f"{lesson.subject} {lesson.teacher} -> {self._rooms(lesson.rooms)}: "
                f"{SCENE_TEXT[placed.scene]}"
            )

    async def _sleep_until(self, at: dt.datetime) -> None:
        wait = (at - self.clock()).total_seconds()
        if wait > 0:
            await asyncio.sleep(wait)

    async def perform(self, http: aiohttp.ClientSession, action: Action) -> int:
        if action.kind in (Kind.GO_LIVE, Kind.STOP):
            status, answer = await self._stream(http, action)
        else:
            status, answer = await self._report(http, action)
        self.answers.append((action, status))
        self.echo(f"{self._clock()}  {self._who(action)} {self._what(action)}  -> {answer}")
        return status

    async def _stream(self, http: aiohttp.ClientSession, action: Action) -> tuple[int, str]:
        """What nginx-rtmp posts when the teacher's encoder starts or stops pushing."""
        if self.rtmp is None:
            return 0, "skipped: the streams provider is not rtmp (no callbacks to play)"
        lesson = action.lesson
        request = id_request(
            lesson_key=lesson.key,
            revision=lesson.revision,
            start=lesson.start,
            end=lesson.end,
            teacher_id=lesson.teacher_id,
            classroom_ids=lesson.rooms,
        )
        call = "publish" if action.kind is Kind.GO_LIVE else "publish_done"
        number = sum(ord(char) for char in lesson.teacher_id) % 250 + 1
        form = {
            "call": call,
            "addr": TEACHER_ADDRESS.format(number),
            "clientid": str(number),
            "app": self.rtmp.settings.application,
            "flashver": "FMLE/3.0 (compatible; FMSc/1.0)",
            "swfurl": "",
            "tcurl": self.rtmp.settings.rtmp_url,
            "pageurl": "",
            "name": self.rtmp.stream_name(request),
            "type": "live",
            "key": self.rtmp.publish_key(request),
        }
        url = f"{self.base_url}/api/v1/streams/on_{call}"
        async with http.post(url, data=form) as response:
            return response.status, f"{response.status} {(await response.text()).strip()}"

    async def _report(self, http: aiohttp.ClientSession, action: Action) -> tuple[int, str]:
        """A check-in, problem or end report, retried with the same key like the outbox."""
        room = self.day.rooms.get(action.room or "")
        token = self.day.tokens.get(room.assistant_id, "") if room else ""
        made = action.made_at or self.clock()
        body = {
            "lesson_key": action.lesson.key,
            "classroom_id": action.room,
            "kind": action.kind.value,
            "device_time": made.astimezone(self.zone).isoformat(),
            "fields": action.fields,
        }
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
        url = f"{self.base_url}/api/v1/check-ins"
        for attempt in range(ATTEMPTS):
            try:
                async with http.post(url, json=body, headers=headers) as response:
                    answer = await response.json()
                    if response.status != 503 or attempt == ATTEMPTS - 1:
                        return response.status, _describe_answer(response.status, answer)
            except aiohttp.ClientError as error:
                if attempt == ATTEMPTS - 1:
                    return 0, f"no answer: {error}"
            await asyncio.sleep(0.5 * 2**attempt)
        raise AssertionError("unreachable")

    def _who(self, action: Action) -> str:
        if action.room is None:
            return action.lesson.teacher
        room = self.day.rooms.get(action.room)
        return room.assistant if room else action.room

    def _what(self, action: Action) -> str:
        lesson = action.lesson
        title = f"{lesson.subject} ({lesson.teacher}, {self._time(lesson.start, '%H:%M')})"
        room = self._rooms([action.room] if action.room else [])
        fields = action.fields
        if action.kind is Kind.GO_LIVE:
            return f"goes live: {title}"
        if action.kind is Kind.STOP:
            return f"stops streaming: {title}"
        if action.kind is Kind.CHECK_IN:
            stream = "stream up" if fields["stream_up"] else "NO stream"
            made = f", made {self._time(action.made_at)}" if action.made_at else ""
            return (
                f"checks in {room} for {title}: {fields['students_present']} pupils, {stream}{made}"
            )
        if action.kind is Kind.PROBLEM:
            return f"reports {fields['problem']} in {room} for {title}"
        return f"sends the end report of {room} for {title}: stream {fields['stream_quality']}"

    def _rooms(self, ids: Iterable[str]) -> str:
        return ", ".join(self.day.rooms[i].name if i in self.day.rooms else i for i in ids)

    def _time(self, moment: dt.datetime | None, pattern: str = "%H:%M:%S") -> str:
        return moment.astimezone(self.zone).strftime(pattern) if moment else ""

    def _clock(self) -> str:
        return self._time(self.clock())


def _api_lesson(lesson: dict[str, Any], rooms: set[str]) -> ApiLesson:
    return ApiLesson(
        key=lesson["key"],
        revision=lesson["revision"],
        start=dt.datetime.fromisoformat(lesson["start"]),
        end=dt.datetime.fromisoformat(lesson["end"]),
        status=lesson["status"],
        subject=lesson["subject"].get("name_zh") or lesson["subject"]["id"],
        teacher_id=lesson["teacher"]["id"],
        teacher=lesson["teacher"].get("name") or lesson["teacher"]["id"],
        rooms=tuple(sorted(rooms)),
    )


def _describe_answer(status: int, answer: dict[str, Any]) -> str:
    if "error" in answer:
        error = answer["error"]
        return f"{status} {error.get('code')}: {error.get('message')}"
    late = ", late" if answer.get("report", {}).get("late") else ""
    return f"{status} {answer.get('outcome')}{late}"
