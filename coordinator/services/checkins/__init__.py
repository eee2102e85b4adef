"""Check-ins, durable and fast: batched writes (group commit) and the assistant's lessons.

- `batches`, `inserts`, `lookups`, `writer`: check-ins and problem reports stored exactly once
- `lessons`: the lessons an assistant may check in
- `assistant_page`: the assistant's phone page, their classrooms' week in the school's clock
"""

from coordinator.services.checkins.batches import (
    CheckinConfig,
    CheckinUnavailableError,
    purge_answers,
    record_batch,
)
from coordinator.services.checkins.lessons import AssistantLesson, assistant_lessons
from coordinator.services.checkins.writer import CheckinWriter

__all__ = [
    "AssistantLesson",
    "CheckinConfig",
    "CheckinUnavailableError",
    "CheckinWriter",
    "assistant_lessons",
    "purge_answers",
    "record_batch",
]
