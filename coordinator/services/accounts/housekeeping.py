"""Sign-in state past its use: expired sessions and links, and old wrong-password records.

Each is refused by then anyway (a session or link past its expiry; a failure older than any
rate-limit window); the scheduler's housekeeping job deletes them so the tables stay small.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, delete

from coordinator import models
from coordinator.store import Store

FAILURES_KEPT = dt.timedelta(days=1)  # far longer than any sign-in limit's window


async def forget_expired_sign_ins(store: Store, *, now: dt.datetime) -> int:
    """Delete what can no longer sign anyone in or count against anyone; the rows deleted."""
    sessions, links = models.SignInSessionRow, models.SignInLinkRow
    failures = models.SignInFailureRow
    async with store.write() as session:
        results = [
            await session.exec(delete(sessions).where(col(sessions.expires_at) <= now)),
            await session.exec(delete(links).where(col(links.expires_at) <= now)),
            await session.exec(delete(failures).where(col(failures.at) <= now - FAILURES_KEPT)),
        ]
    return sum(int(result.rowcount) for result in results)
