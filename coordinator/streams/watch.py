"""Signed, time-limited addresses of coordinator's own watch page: one lesson, one classroom."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from coordinator.errors import NotFoundError
from coordinator.streams.signing import b64url, b64url_decode, derive, equal, unix


@dataclass(frozen=True, slots=True)
class WatchTicket:
    """What a watch address grants: this classroom watches this lesson until `expires`."""

    lesson_key: str
    classroom_id: str
    expires: dt.datetime


@dataclass(frozen=True, slots=True)
class WatchSigner:
    """Signs and reads `/watch/<token>`; the token is the whole credential, like the link."""

    secret: str
    purpose: str = "watch"  # "go-live" for the teacher's page: tokens of one never open the other

    def token(self, ticket: WatchTicket) -> str:
        body = b64url(
            json.dumps(
                [ticket.lesson_key, ticket.classroom_id, unix(ticket.expires)],
                separators=(",", ":"),
                ensure_ascii=False,
            ).encode()
        )
        return f"{body}.{self._signature(body)}"

    def path(self, ticket: WatchTicket) -> str:
        return f"/{self.purpose}/{self.token(ticket)}"

    def read(self, token: str, *, now: dt.datetime) -> WatchTicket:
        """The ticket of a token signed here and not expired; NotFoundError otherwise."""
        body, _, signature = token.partition(".")
        if not signature or not equal(signature, self._signature(body)):
            raise NotFoundError("this watch link is not valid: ask for the lesson's link again")
        try:
            lesson_key, classroom_id, expires = json.loads(b64url_decode(body))
            ticket = WatchTicket(
                str(lesson_key), str(classroom_id), dt.datetime.fromtimestamp(int(expires), dt.UTC)
            )
        except (ValueError, TypeError) as error:
            raise NotFoundError(f"this watch link is damaged: {error}") from error
        if now >= ticket.expires:
            raise NotFoundError("this watch link has expired: the lesson is over")
        return ticket

    def _signature(self, body: str) -> str:
        return b64url(derive(self.secret, self.purpose, body))[:27]
