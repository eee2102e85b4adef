"""Persistent lesson keys: a new plan's sessions inherit the keys of those they replace.

The solver names a session after its teacher, subject and time, so a re-assigned or moved
session gets a new name. Its dated lessons should not: a classroom's calendar must show the
same lesson with a new teacher or time (SEQUENCE up), not a cancellation and a stranger.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping

from coordinator.timetable.plan import Plan, Session

Signature = Callable[[Session], Hashable]

# Tried in order: the same session; the same slot and classrooms with another teacher
# (re-assigned); the same teacher and classrooms at another time (moved).
MATCHES: tuple[Signature, ...] = (
    lambda s: s.id,
    lambda s: (s.subject_id, s.weekday, s.start, s.classroom_ids),
    lambda s: (s.teacher_id, s.subject_id, s.classroom_ids),
)


def inherit_keys(
    previous: Plan | None,
    previous_keys: Mapping[str, str],
    new: Plan,
) -> dict[str, str]:
    """The lesson key of every session of `new` (its own id when it replaces none)."""
    keys: dict[str, str] = {}
    if previous is not None:
        free = {s.id: s for s in previous.sessions}
        for signature in MATCHES:
            by_signature: dict[Hashable, list[Session]] = {}
            for old in free.values():
                by_signature.setdefault(signature(old), []).append(old)
            for session in new.sessions:
                candidates = by_signature.get(signature(session))
                if session.id in keys or not candidates:
                    continue
                old = candidates.pop(0)
                del free[old.id]
                keys[session.id] = previous_keys.get(old.id, old.id)
    taken = set(keys.values())
    for session in new.sessions:
        if session.id not in keys:
            key = session.id
            while key in taken:  # a name an inherited key already uses
                key += "~"
            keys[session.id] = key
            taken.add(key)
    return keys
