"""The simulated day as a timeline: who reports what, when, for every lesson of the day.

Pure: lessons (as the API lists them) and the demo's scenes in, timed actions out. The script's
steps are `coordinator.services.demo.day`'s; lessons without a scene are played plainly: the
teacher live a minute before the start, the classrooms in as it starts, end reports after.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from coordinator.services.demo.day import (
    CHECK_INS,
    END_REPORTS,
    GO_LIVE,
    LATE_GO_LIVE,
    STREAM_FAILS,
    DemoDay,
    PlacedLesson,
    Scene,
)

FAILED_NOTE = "画面卡住，只有声音 (the picture froze, sound only)"


@dataclass(frozen=True, slots=True)
class ApiLesson:
    """A lesson as the assistants' API answers it (rooms: every assistant's, merged)."""

    key: str
    revision: int
    start: dt.datetime
    end: dt.datetime
    status: str
    subject: str
    teacher_id: str
    teacher: str
    rooms: tuple[str, ...]


class Kind(StrEnum):
    GO_LIVE = "go_live"
    STOP = "stop"
    CHECK_IN = "check_in"
    PROBLEM = "problem"
    END_REPORT = "end_report"


@dataclass(frozen=True, slots=True)
class Action:
    at: dt.datetime
    kind: Kind
    lesson: ApiLesson
    room: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    made_at: dt.datetime | None = None  # when the phone made the report; None: when sent


def _check_in(at: dt.datetime, lesson: ApiLesson, room: str, students: int) -> Action:
    fields = {"stream_up": True, "students_present": students}
    return Action(at, Kind.CHECK_IN, lesson, room, fields)


class Timeline:
    """Every action of the day, from the lessons the API lists and the demo's scenes."""

    def __init__(self, day: DemoDay, seed: int = 7) -> None:
        self.day = day
        self.random = random.Random(seed)

    def step(self, number: int) -> dt.datetime:
        return self.day.timing.at(self.day.started, number)

    def students(self, room: str) -> int:
        known = self.day.rooms.get(room)
        size = known.students if known else 30
        return max(0, size - self.random.randint(0, 3))

    def actions(self, lessons: Iterable[ApiLesson]) -> list[Action]:
        found: list[Action] = []
        for lesson in lessons:
            if lesson.status == "cancelled":
                continue
            placed = self.day.scene_of(lesson.key)
            if placed is not None and placed.scene is not Scene.UPCOMING:
                found += self.scripted(lesson, placed)
            elif lesson.end > self.day.started:
                found += self.plain(lesson)
        return sorted(found, key=lambda action: (action.at, action.lesson.key, action.room or ""))

    def plain(self, lesson: ApiLesson) -> list[Action]:
        """Live a minute before the start, every classroom in within the first minutes."""
        go_live = max(lesson.start - dt.timedelta(minutes=1), self.step(GO_LIVE))
        found = [Action(go_live, Kind.GO_LIVE, lesson)]
        for number, room in enumerate(lesson.rooms):
            at = max(lesson.start + dt.timedelta(seconds=20 * number), self.step(CHECK_INS))
            found.append(_check_in(at, lesson, room, self.students(room)))
        return found + self.ending(lesson, lesson.rooms)

    def scripted(self, lesson: ApiLesson, placed: PlacedLesson) -> list[Action]:
        rooms = lesson.rooms
        live, check_ins, failing = self.step(GO_LIVE), self.step(CHECK_INS), placed.failing
        found: list[Action] = []
        reporting = [room for room in rooms if room != placed.missing]
        if placed.scene is Scene.ON_TIME:
            found.append(Action(live, Kind.GO_LIVE, lesson))
            for number, room in enumerate(rooms):
                at = check_ins if number == 0 else self.step(LATE_GO_LIVE)
                found.append(_check_in(at, lesson, room, self.students(room)))
        elif placed.scene is Scene.STREAM_FAILED:
            found.append(Action(live, Kind.GO_LIVE, lesson))
            for room in rooms:
                if room == failing:
                    found += self.failure(lesson, room)
                else:
                    found.append(_check_in(check_ins, lesson, room, self.students(room)))
        elif placed.scene is Scene.NO_SHOW:
            found.append(Action(live, Kind.GO_LIVE, lesson))
            found += [_check_in(live, lesson, room, self.students(room)) for room in reporting]
        elif placed.scene is Scene.TEACHER_LATE:
            found += [_check_in(live, lesson, room, self.students(room)) for room in rooms]
            found.append(Action(self.step(LATE_GO_LIVE), Kind.GO_LIVE, lesson))
        elif placed.scene is Scene.REPORTED_LATE:
            return self.reported_late(lesson)
        return found + self.ending(lesson, reporting, failing=failing)

    def failure(self, lesson: ApiLesson, room: str) -> list[Action]:
        at = self.step(STREAM_FAILS)
        fields = {"stream_up": False, "students_present": self.students(room)}
        problem = {"problem": "no_signal", "note": FAILED_NOTE}
        return [
            Action(at, Kind.CHECK_IN, lesson, room, fields),
            Action(at, Kind.PROBLEM, lesson, room, problem),
        ]

    def reported_late(self, lesson: ApiLesson) -> list[Action]:
        """Made during the lesson on a phone without network; sent once it is back."""
        made = lesson.start + dt.timedelta(minutes=3)
        found = []
        for room in lesson.rooms:
            fields = {"stream_up": True, "students_present": self.students(room)}
            found.append(Action(self.step(CHECK_INS), Kind.CHECK_IN, lesson, room, fields, made))
            found.append(self.end_report(self.step(END_REPORTS), lesson, room, "good"))
        return found

    def end_report(self, at: dt.datetime, lesson: ApiLesson, room: str, quality: str) -> Action:
        fields = {
            "students_present": self.students(room),
            "stream_quality": quality,
            "teacher_showed": True,
        }
        return Action(at, Kind.END_REPORT, lesson, room, fields)

    def ending(
        self, lesson: ApiLesson, rooms: Iterable[str], *, failing: str | None = None
    ) -> list[Action]:
        """The teacher stops at the end; the classrooms send their end reports a minute on."""
        after = lesson.end + dt.timedelta(minutes=1)
        reports = [
            self.end_report(after, lesson, room, "failed" if room == failing else "good")
            for room in rooms
        ]
        return [Action(lesson.end, Kind.STOP, lesson), *reports]
