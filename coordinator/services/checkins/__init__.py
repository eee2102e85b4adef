"""Check-ins, durable and fast: batched writes (group commit) and the assistant's lessons."""

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
