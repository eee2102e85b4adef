"""What providers say later of messages they accepted: delivered, or failed after all.

DingTalk answers success to a send over its limits and delivers nothing; SMS carriers report
hours later. A sent row with a `check_at` is asked about when that time comes (the channel's
`check`), then again every `receipt_delay_s` until the provider knows or
`receipt_window_hours` have passed since the send (the row then stays "sent").
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import col, select

from coordinator import models
from coordinator.notify import Channel, DeliveryError
from coordinator.notify.base import Outcome, Receipt, Tracking
from coordinator.services.notifications.outbox import delivery_of
from coordinator.settings.notifications import NotificationSettings
from coordinator.store import Store

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ReceiptReport:
    delivered: int = 0
    failed: int = 0
    unknown: int = 0


async def _ask(tracking: Tracking, row: models.NotificationRow) -> Outcome:
    receipt = Receipt(row.provider_id, trackable=True)
    try:
        return await tracking.check(delivery_of(row), receipt)
    except DeliveryError as error:
        log.warning("asking about %s failed: %s", row.id, error)
        return Outcome("sent")


def _values(
    row: models.NotificationRow, outcome: Outcome, settings: NotificationSettings, now: dt.datetime
) -> dict[str, object]:
    if outcome.state == "delivered":
        return {"status": "delivered", "delivered_at": now, "check_at": None}
    if outcome.state == "failed":
        log.error("%s was accepted but not delivered: %s", row.id, outcome.error)
        return {"status": "failed", "last_error": outcome.error[:1000], "check_at": None}
    window_ends = (row.sent_at or now) + dt.timedelta(hours=settings.receipt_window_hours)
    later = now + dt.timedelta(seconds=settings.receipt_delay_s)
    return {"check_at": later if later < window_ends else None}


async def check_receipts(
    store: Store,
    settings: NotificationSettings,
    channels: Mapping[str, Channel],
    *,
    now: dt.datetime,
) -> ReceiptReport:
    """Ask the providers about every sent message whose check is due."""
    table = models.NotificationRow
    query = (
        select(table)
        .where(col(table.status) == "sent", col(table.check_at).is_not(None))
        .where(col(table.check_at) <= now)
        .order_by(col(table.check_at), col(table.id))
        .limit(settings.outbox_batch)
    )
    async with store.read() as session:
        rows = list((await session.exec(query)).all())
    report = ReceiptReport()
    for row in rows:
        tracking = channels.get(row.channel)
        if isinstance(tracking, Tracking):
            outcome = await _ask(tracking, row)
            values = _values(row, outcome, settings, now)
        else:  # the channel is no longer configured: nobody to ask
            outcome, values = Outcome("sent"), {"check_at": None}
        async with store.write() as session:
            await session.exec(
                update(table)
                .where(col(table.id) == row.id, col(table.status) == "sent")
                .values(**values)
            )
        report.delivered += outcome.state == "delivered"
        report.failed += outcome.state == "failed"
        report.unknown += outcome.state == "sent"
    return report
