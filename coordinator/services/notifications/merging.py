"""One message per person per event: the change notices of lessons changed together (one
publish, one rebalance: the same `changed_at`) become one message for each person and channel.

A merged message's id names the person, the channel, the moment of the change and the
lessons, so a re-run queues nothing new; a lesson changed alone keeps its own message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence

from coordinator import models
from coordinator.services.notifications.outbox import bounded_id

Group = tuple[str, str, str, dt.datetime]


def _merged(rows: Sequence[models.NotificationRow], moment: dt.datetime) -> models.NotificationRow:
    first = rows[0]
    keys = [row.lesson_key or "" for row in rows]
    zh = first.subject.startswith("【")
    count = f"{len(rows)}节课有变化" if zh else f"{len(rows)} lessons changed"
    subject = f"【课程变更】{count}" if zh else f"[Changed] {count}"
    titles = "\n\n".join(f"{row.subject}\n{row.body}" for row in rows)
    digest = hashlib.sha256(",".join(sorted(keys)).encode()).hexdigest()[:16]
    purpose = f"change:{first.recipient}:{moment.isoformat()}:{digest}"
    return models.NotificationRow(
        id=bounded_id(f"{purpose}:{first.channel}:{first.address}"),
        kind=first.kind,
        channel=first.channel,
        lesson_key=first.lesson_key,
        recipient=first.recipient,
        address=first.address,
        mentions=list(first.mentions),
        subject=subject,
        body=titles,
        data={**first.data, "lessons": keys, "sms_text": count},
        next_attempt_at=max(row.next_attempt_at for row in rows),
        created_at=first.created_at,
    )


def merge_by_person(
    rows: Sequence[models.NotificationRow], changed_at: Mapping[str, dt.datetime]
) -> list[models.NotificationRow]:
    """The rows, with those of one person, channel and address about lessons changed at the
    same moment merged into one (in the order of the lessons' start)."""
    groups: dict[Group, list[models.NotificationRow]] = {}
    for row in rows:
        moment = changed_at.get(row.lesson_key or "")
        if moment is None:
            groups[(row.id, "", "", dt.datetime.min.replace(tzinfo=dt.UTC))] = [row]
            continue
        groups.setdefault((row.recipient, row.channel, row.address, moment), []).append(row)
    merged: list[models.NotificationRow] = []
    for (_, _, _, moment), members in groups.items():
        merged.append(members[0] if len(members) == 1 else _merged(members, moment))
    return merged
