"""Failed sign-ins, kept in the store so every worker counts the same ones.

A client may fail a few times per address and an account a few more times from anywhere;
then both wait until the oldest counted failure leaves the window. A success (of any account)
forgets nothing: the failures simply age out.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlmodel import col, delete, select

from coordinator import models
from coordinator.store import Store

FAILURES = models.SignInFailureRow


@dataclass(frozen=True, slots=True)
class SignInLimits:
    """At most `per_address` failures from one address within `address_window_s`, and at most
    `per_account` failures for one account (from any address) within `account_window_s`."""

    per_address: int = 5
    address_window_s: int = 300
    per_account: int = 10
    account_window_s: int = 900


async def _wait(
    store: Store, which: ColumnElement[bool], limit: int, window_s: int, now: dt.datetime
) -> int:
    """Seconds until fewer than `limit` failures matching `which` are within the window."""
    since = now - dt.timedelta(seconds=window_s)
    query = (
        select(FAILURES.at)
        .where(which, col(FAILURES.at) > since)
        .order_by(col(FAILURES.at).desc())
        .limit(limit)
    )
    async with store.read() as session:
        times = (await session.exec(query)).all()
    if len(times) < limit:
        return 0
    return max(1, math.ceil((times[-1] - since).total_seconds()))


async def retry_after(
    store: Store, limits: SignInLimits, *, address: str, account: str, now: dt.datetime
) -> int:
    """Seconds until this address may try to sign in to this account; 0 when it may now."""
    by_address = await _wait(
        store, col(FAILURES.address) == address, limits.per_address, limits.address_window_s, now
    )
    by_account = await _wait(
        store, col(FAILURES.account) == account, limits.per_account, limits.account_window_s, now
    )
    return max(by_address, by_account)


async def record_failure(
    store: Store, limits: SignInLimits, *, address: str, account: str, now: dt.datetime
) -> None:
    """Count one failure; failures older than both windows are forgotten on the way."""
    oldest = now - dt.timedelta(seconds=max(limits.address_window_s, limits.account_window_s))
    async with store.write() as session:
        await session.exec(delete(FAILURES).where(col(FAILURES.at) <= oldest))
        session.add(FAILURES(at=now, address=address[:64], account=account[:64]))
