"""Which meeting platform a lesson runs on, as its page says it: the meeting number, the join
link once the platform has made the meeting, and (in the template) what to install."""

from __future__ import annotations

from dataclasses import dataclass

from coordinator import models
from coordinator.services.data.directory import Directory
from coordinator.store import Store
from coordinator.streams import StreamsSettings
from coordinator.streams.registry import MEETING_PLATFORMS


@dataclass(frozen=True, slots=True)
class PlatformView:
    name: str  # wemeet | wecom_living | dingtalk_meeting | classin
    made: bool  # the platform has made the meeting (and not cancelled it)
    code: str = ""  # the meeting number people type, or the platform's id
    join_url: str = ""


async def lesson_platform(
    store: Store,
    streams: StreamsSettings,
    directory: Directory,
    *,
    lesson_key: str,
    teacher_id: str,
    cancelled: bool,
) -> PlatformView | None:
    """The lesson's meeting platform, or None when its school uses no meeting platform."""
    async with store.read() as session:
        meeting = await session.get(models.PlatformMeetingRow, lesson_key)
    teacher = directory.teachers.get(teacher_id)
    name = streams.provider_name(teacher.school_id if teacher else None)
    live = meeting is not None and meeting.state not in ("cancelled", "creating")
    if live and meeting is not None:
        return PlatformView(meeting.provider, True, meeting.code, meeting.join_url)
    if name in MEETING_PLATFORMS and not cancelled:
        return PlatformView(name, False)
    return None
