"""The simulated school day of `coordinator demo --simulate`: a few lessons placed around now.

The Today page and the alerts go by the real clock, and a demo may run at 21:00 or on a
Saturday. So the demo takes a handful of lessons of the next school day (today, if it has
enough) and moves them to today, around the moment it starts, one per *scene*: every state the
Today page knows is then reached within a few `pace` steps, whenever the demo runs. The rest
of the data keeps its real times. The scenes' times follow from the alert settings, so the
scheduler's checks fall where the story needs them (a live check before the late teacher goes
live, none for lessons that ended before the demo began).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import col, select

from coordinator import domain, models
from coordinator.errors import CoordinatorError
from coordinator.services.accounts.api_tokens import issue_token
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.services.lessons.classrooms import classrooms_by_lesson
from coordinator.services.reporting.today import GRACE
from coordinator.settings.notifications import NotificationSettings
from coordinator.store import Store

log = logging.getLogger(__name__)

LOOK_AHEAD_DAYS = 14  # how far to look for a school day with enough lessons
UPCOMING_IN = dt.timedelta(minutes=40)
ENDED_AGO = dt.timedelta(minutes=2)
TOKEN_LABEL = "demo simulator"

# The simulator's script, in steps of `pace` after the day was placed (step 0).
GO_LIVE = 1  # on-time teachers go live; the late teacher's classrooms check in
CHECK_INS = 2  # most classrooms check in; the late lessons turn late on Today
STREAM_FAILS = 3  # a classroom reports its stream failed; the on-time lesson starts
LATE_GO_LIVE = 4  # the late teacher goes live; the last on-time classroom checks in
END_REPORTS = 5  # the lesson that ended before the demo gets its end reports
SCRIPT_STEPS = 6


class Scene(StrEnum):
    """What one placed lesson shows; each needs a lesson of its own."""

    ON_TIME = "on_time"  # the teacher is live before the start; every classroom checks in
    STREAM_FAILED = "stream_failed"  # one classroom checks in with no signal and reports it
    NO_SHOW = "no_show"  # one classroom never checks in: late on Today, then the alert
    TEACHER_LATE = "teacher_late"  # classrooms in; the teacher goes live after the live check
    REPORTED_LATE = "reported_late"  # ended before the demo; check-ins arrive late (outboxes)
    UPCOMING = "upcoming"  # later today


WANTS_TWO_ROOMS = (Scene.ON_TIME, Scene.STREAM_FAILED, Scene.NO_SHOW)


@dataclass(frozen=True, slots=True)
class Timing:
    """The pace of the script and the settings that decide when the scheduler checks."""

    pace: dt.timedelta
    live_alert: dt.timedelta  # teacher not live this long after the start: alert
    checkin_alert: dt.timedelta  # classroom not checked in this long after the start: alert
    misfire_grace: dt.timedelta  # a check further in the past is never run

    @classmethod
    def of(cls, settings: NotificationSettings, pace: dt.timedelta) -> Timing:
        return cls(
            pace=pace,
            live_alert=dt.timedelta(minutes=settings.teacher_live_alert_minutes),
            checkin_alert=dt.timedelta(minutes=settings.classroom_checkin_alert_minutes),
            misfire_grace=dt.timedelta(minutes=settings.misfire_grace_minutes),
        )

    def at(self, started: dt.datetime, step: int) -> dt.datetime:
        return started + step * self.pace


def scene_start(
    scene: Scene, started: dt.datetime, duration: dt.timedelta, timing: Timing
) -> dt.datetime:
    """When a scene's lesson starts, for the script's steps to meet the scheduler's checks."""
    if scene is Scene.ON_TIME:
        return timing.at(started, STREAM_FAILS)
    if scene is Scene.STREAM_FAILED:
        return timing.at(started, CHECK_INS)
    if scene is Scene.TEACHER_LATE:  # late on Today and live-checked at CHECK_INS
        return timing.at(started, CHECK_INS) - max(timing.live_alert, GRACE)
    if scene is Scene.NO_SHOW:  # the teacher is live (GO_LIVE) before the live check
        return timing.at(started, CHECK_INS) - min(timing.live_alert, GRACE)
    if scene is Scene.REPORTED_LATE:  # so long ago that its checks are not run at all
        checks = max(timing.live_alert, timing.checkin_alert) + timing.misfire_grace
        return started - max(duration + ENDED_AGO, checks + dt.timedelta(minutes=1))
    return started + UPCOMING_IN


@dataclass(frozen=True, slots=True)
class PlacedLesson:
    key: str
    scene: Scene
    start: dt.datetime
    end: dt.datetime
    planned_date: dt.date  # the school day it was taken from
    missing: str | None = None  # the classroom that never checks in (NO_SHOW)
    failing: str | None = None  # the classroom whose stream fails (STREAM_FAILED)


@dataclass(frozen=True, slots=True)
class Room:
    """What the simulator says about a classroom and needs to report for it."""

    id: str
    name: str  # school and class
    assistant_id: str
    assistant: str  # the assistant's name
    students: int


@dataclass(frozen=True, slots=True)
class DemoDay:
    """The placed lessons and what the simulator needs: assistants' tokens, the rooms."""

    day: dt.date
    started: dt.datetime
    timing: Timing
    lessons: tuple[PlacedLesson, ...]
    tokens: Mapping[str, str]  # assistant id -> API token, issued for the simulator
    rooms: Mapping[str, Room]

    def scene_of(self, key: str) -> PlacedLesson | None:
        return next((lesson for lesson in self.lessons if lesson.key == key), None)


@dataclass(frozen=True, slots=True)
class Slot:
    """A stored lesson as placement sees it: who, where, when."""

    key: str
    date: dt.date
    teacher_id: str
    rooms: tuple[str, ...]
    start: dt.datetime
    end: dt.datetime

    def clashes(self, other: Slot) -> bool:
        overlap = self.start < other.end and other.start < self.end
        shared = self.teacher_id == other.teacher_id or bool(set(self.rooms) & set(other.rooms))
        return overlap and shared and self.key != other.key


async def _slots(store: Store, first: dt.date, last: dt.date) -> list[Slot]:
    query = select(models.LessonRow).where(
        col(models.LessonRow.date) >= first,
        col(models.LessonRow.date) <= last,
        col(models.LessonRow.status) != "cancelled",
    )
    async with store.read() as session:
        lessons = list((await session.exec(query)).all())
        rooms = await classrooms_by_lesson(session, lessons)
    return [
        Slot(row.key, row.date, row.teacher_id, tuple(rooms[row.key]), row.start, row.end)
        for row in sorted(lessons, key=lambda row: (row.start, row.key))
        if rooms[row.key]
    ]


def school_day(slots: list[Slot], today: dt.date, wanted: int) -> dt.date:
    """Today, or the next day with at least `wanted` lessons to take the scenes from."""
    per_day: dict[dt.date, int] = defaultdict(int)
    for slot in slots:
        per_day[slot.date] += 1
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = today + dt.timedelta(days=offset)
        if per_day[day] >= wanted:
            return day
    raise CoordinatorError(
        f"no school day from {today} to {today + dt.timedelta(days=LOOK_AHEAD_DAYS)} has "
        f"{wanted} lessons with classrooms to simulate (is the term over?)"
    )


@dataclass(frozen=True, slots=True)
class Featured:
    """The demo's signed-in teacher and assistant: their pages should show the day too."""

    teacher_id: str
    assistant_rooms: frozenset[str]


def _preference(scene: Scene, slot: Slot, featured: Featured) -> tuple[int, int, int, str]:
    """Enough classrooms first, then the signed-in people's lessons, then the fewest extra."""
    wanted = 2 if scene in WANTS_TWO_ROOMS else 1
    if scene is Scene.ON_TIME:
        mine = slot.teacher_id == featured.teacher_id
    elif scene is Scene.NO_SHOW:
        mine = bool(featured.assistant_rooms & set(slot.rooms))
    else:
        mine = False
    short, extra = max(0, wanted - len(slot.rooms)), max(0, len(slot.rooms) - wanted)
    return (short, 0 if mine else 1, extra, slot.key)


def choose_scenes(
    candidates: list[Slot],
    today_slots: list[Slot],
    *,
    started: dt.datetime,
    timing: Timing,
    featured: Featured,
) -> dict[Scene, Slot]:
    """A lesson per scene, placed where it clashes with no other lesson today if it can."""
    chosen: dict[Scene, Slot] = {}
    order = [*WANTS_TWO_ROOMS, *(scene for scene in Scene if scene not in WANTS_TWO_ROOMS)]
    for scene in order:
        taken = {slot.key for slot in chosen.values()}
        fitting = sorted(
            (slot for slot in candidates if slot.key not in taken),
            key=lambda slot: _preference(scene, slot, featured),
        )
        if not fitting:
            raise CoordinatorError(f"not enough lessons to simulate the scene {scene.value}")
        placed = [_moved(slot, scene, started, timing) for slot in fitting]
        others = [slot for slot in today_slots if slot.key not in taken] + list(chosen.values())
        free = [slot for slot in placed if not any(slot.clashes(other) for other in others)]
        if not free:
            log.warning("every lesson for the scene %s clashes with another today", scene.value)
        chosen[scene] = (free or placed)[0]
    return chosen


def _moved(slot: Slot, scene: Scene, started: dt.datetime, timing: Timing) -> Slot:
    duration = slot.end - slot.start
    start = scene_start(scene, started, duration, timing)
    return Slot(slot.key, slot.date, slot.teacher_id, slot.rooms, start, start + duration)


def _roles(scene: Scene, slot: Slot, featured: Featured) -> tuple[str | None, str | None]:
    """(the classroom that never checks in, the classroom whose stream fails)."""
    if scene is Scene.NO_SHOW:
        mine = [room for room in slot.rooms if room in featured.assistant_rooms]
        return (mine or list(slot.rooms))[-1], None
    if scene is Scene.STREAM_FAILED:
        return None, slot.rooms[0]
    return None, None


def rooms_of(bundle: domain.Bundle) -> dict[str, Room]:
    schools = {school.id: school.name for school in bundle.schools}
    assistants = {assistant.id: assistant.name for assistant in bundle.assistants}
    return {
        room.id: Room(
            room.id,
            f"{schools.get(room.school_id, room.school_id)} {room.name}",
            room.assistant_id,
            assistants.get(room.assistant_id, room.assistant_id),
            room.students,
        )
        for room in bundle.classrooms
    }


async def place_demo_day(
    store: Store,
    bundle: domain.Bundle,
    region: str,
    timing: Timing,
    *,
    now: dt.datetime,
    today: dt.date,
    teacher_id: str = "",
    assistant_id: str = "",
) -> DemoDay:
    """Move one lesson per scene to today around `now`; issue the assistants' API tokens.

    `teacher_id` and `assistant_id` are the demo's signed-in teacher and assistant: the
    on-time lesson is the teacher's and the no-show classroom the assistant's, if they can be.
    """
    started = now.replace(microsecond=0)
    slots = await _slots(store, today, today + dt.timedelta(days=LOOK_AHEAD_DAYS))
    region_schools = {school.id for school in bundle.schools if school.region_id == region}
    in_region = {room.id for room in bundle.classrooms if room.school_id in region_schools}
    visible = [slot for slot in slots if set(slot.rooms) & in_region]
    day = school_day(visible, today, len(Scene))
    featured = Featured(
        teacher_id,
        frozenset(room.id for room in bundle.classrooms if room.assistant_id == assistant_id),
    )
    chosen = choose_scenes(
        [slot for slot in visible if slot.date == day],
        [slot for slot in slots if slot.date == today],
        started=started,
        timing=timing,
        featured=featured,
    )
    placed = tuple(
        PlacedLesson(slot.key, scene, slot.start, slot.end, day, *_roles(scene, slot, featured))
        for scene, slot in chosen.items()
    )
    await _move(store, placed, today=today, now=now)
    tokens = await _issue_tokens(store, bundle, now=now)
    log.info("demo day %s: %d lessons placed from %s", today, len(placed), day)
    return DemoDay(today, started, timing, placed, tokens, rooms_of(bundle))


async def _move(
    store: Store, placed: Iterable[PlacedLesson], *, today: dt.date, now: dt.datetime
) -> None:
    """The demo's own lessons: moved in place (key, revision and links unchanged)."""
    async with store.write() as session:
        for lesson in placed:
            row = await session.get(models.LessonRow, lesson.key)
            assert row is not None
            row.date, row.start, row.end, row.changed_at = today, lesson.start, lesson.end, now
            session.add(row)
        await bump_counter(session, FEEDS, now)


async def _issue_tokens(store: Store, bundle: domain.Bundle, *, now: dt.datetime) -> dict[str, str]:
    """A token for every assistant: the simulator plays the rest of the day too."""
    tokens = {}
    for assistant in bundle.assistants:
        issued = await issue_token(store, assistant_id=assistant.id, now=now, label=TOKEN_LABEL)
        tokens[assistant.id] = issued.token
    return tokens
