"""Lesson keys across a rebalance: a lesson that changes hands keeps its identity.

`inherit_keys` matches a new session to the one it replaces by id, by slot and classrooms, or
by teacher and classrooms. A substitute often merges classrooms into one broadcast, which none
of those signatures match; then the new session follows an old one of the same subject and
weekday whose classrooms it all keeps (the same start first, then the most classrooms), so
their calendars show the same lesson with a new teacher (SEQUENCE up) rather than a
cancellation and a stranger. A session never follows one whose classrooms it drops: a dropped
classroom would lose the lesson from its calendar without a cancellation. A pinned broadcast
is followed only by itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from coordinator.services.planning.session_keys import inherit_keys
from coordinator.timetable.plan import Plan, Session


def follow_keys(previous: Plan, previous_keys: Mapping[str, str], new: Plan) -> dict[str, str]:
    """The lesson key of every session of `new`."""
    keys = inherit_keys(previous, previous_keys, new)
    key_of = {old.id: previous_keys.get(old.id, old.id) for old in previous.sessions}
    taken = set(keys.values())
    free = [old for old in previous.sessions if key_of[old.id] not in taken]
    for session in new.sessions:
        if keys[session.id] in key_of.values():
            continue  # it follows the session it replaces already
        candidates = [old for old in free if _may_follow(old, session)]
        if not candidates:
            continue
        best = max(candidates, key=lambda old: _likeness(old, session))
        free.remove(best)
        keys[session.id] = key_of[best.id]
    return keys


def _may_follow(old: Session, new: Session) -> bool:
    return (
        old.subject_id == new.subject_id
        and old.weekday == new.weekday  # a dated lesson keeps its key only on its own date
        and old.pinned_id == new.pinned_id
        and set(old.classroom_ids) <= set(new.classroom_ids)
    )


def _likeness(old: Session, new: Session) -> tuple[bool, int, bool]:
    """The same start, then the most classrooms, then the same teacher."""
    return old.start == new.start, len(old.classroom_ids), old.teacher_id == new.teacher_id
