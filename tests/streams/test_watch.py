"""Watch page addresses: signed for one lesson and classroom, refused when altered or late."""

from __future__ import annotations

import datetime as dt

import pytest

from coordinator.errors import NotFoundError
from coordinator.streams.watch import WatchSigner, WatchTicket

NOW = dt.datetime(2026, 11, 23, 2, 30, tzinfo=dt.UTC)
TICKET = WatchTicket("t-wang.music.1@2026-11-23", "c-east-3", NOW + dt.timedelta(hours=1))
SIGNER = WatchSigner("a server secret of enough length")


def test_watch_token_reads_back_its_ticket() -> None:
    assert SIGNER.read(SIGNER.token(TICKET), now=NOW) == TICKET
    assert SIGNER.path(TICKET).startswith("/watch/")


def test_watch_token_of_another_classroom_or_secret_is_refused() -> None:
    body, _, signature = SIGNER.token(TICKET).partition(".")
    other = SIGNER.token(WatchTicket(TICKET.lesson_key, "c-east-4", TICKET.expires))
    with pytest.raises(NotFoundError, match="not valid"):
        SIGNER.read(f"{other.partition('.')[0]}.{signature}", now=NOW)
    with pytest.raises(NotFoundError, match="not valid"):
        WatchSigner("another secret, just as long").read(SIGNER.token(TICKET), now=NOW)
    with pytest.raises(NotFoundError, match="not valid"):
        SIGNER.read(body, now=NOW)


def test_watch_token_past_its_expiry_is_refused() -> None:
    with pytest.raises(NotFoundError, match="expired"):
        SIGNER.read(SIGNER.token(TICKET), now=TICKET.expires)
