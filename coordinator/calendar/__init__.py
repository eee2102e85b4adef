"""Terms, 调休 and dated lessons; iCalendar feeds built as pure functions (no I/O)."""

from coordinator.calendar.events import DatedEvent, date_event, date_events
from coordinator.calendar.feed import (
    FeedError,
    FeedItem,
    FeedSpec,
    Language,
    LessonStatus,
    build_feed,
    language_of,
)
from coordinator.calendar.items import event_item, lesson_item
from coordinator.calendar.lessons import (
    Conflict,
    ConflictReason,
    DatedLesson,
    Receiver,
    WeeklySession,
    date_session,
    expand_sessions,
    lesson_key,
    lesson_uid,
)
from coordinator.calendar.school import DayType, SchoolCalendar, SchoolDay
from coordinator.calendar.text import (
    EventText,
    Room,
    classroom_lesson_text,
    event_text,
    grade_name,
    grades_name,
    teacher_lesson_text,
)
from coordinator.calendar.window import FeedWindow, feed_window, select_items, window_for

__all__ = [
    "Conflict",
    "ConflictReason",
    "DatedEvent",
    "DatedLesson",
    "DayType",
    "EventText",
    "FeedError",
    "FeedItem",
    "FeedSpec",
    "FeedWindow",
    "Language",
    "LessonStatus",
    "Receiver",
    "Room",
    "SchoolCalendar",
    "SchoolDay",
    "WeeklySession",
    "build_feed",
    "classroom_lesson_text",
    "date_event",
    "date_events",
    "date_session",
    "event_item",
    "event_text",
    "expand_sessions",
    "feed_window",
    "grade_name",
    "grades_name",
    "language_of",
    "lesson_item",
    "lesson_key",
    "lesson_uid",
    "select_items",
    "teacher_lesson_text",
    "window_for",
]
