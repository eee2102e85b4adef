"""Answers for nginx's callbacks and checks: may this key publish, may this token play, now?

Pure functions returning a `Verdict` with a reason, so the web layer only maps it to a status
(nginx-rtmp accepts any 2xx and refuses everything else) and records who went live.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from coordinator.streams.base import Window
from coordinator.streams.signing import b64url_decode, render_nginx_expression, unix


class Reason(StrEnum):
    OK = "ok"
    UNKNOWN_STREAM = "unknown_stream"  # the name is not this lesson's (or an older revision's)
    BAD_KEY = "bad_key"  # wrong publish key or play token
    TOO_EARLY = "too_early"  # before the window opens
    TOO_LATE = "too_late"  # after the window closed


@dataclass(frozen=True, slots=True)
class Verdict:
    reason: Reason
    lesson_key: str | None = None
    participant_id: str | None = None  # the teacher for a publish, the classroom for a play

    @property
    def ok(self) -> bool:
        return self.reason is Reason.OK


def window_reason(window: Window, now: dt.datetime) -> Reason:
    unix(now)  # refuses a naive clock
    if now < window.valid_from:
        return Reason.TOO_EARLY
    if now > window.valid_until:
        return Reason.TOO_LATE
    return Reason.OK


class SecureLinkStatus(StrEnum):
    """nginx's `$secure_link`: "" (403 in the documented config), "0" (410) or "1"."""

    INVALID = ""
    EXPIRED = "0"
    OK = "1"


def verify_secure_link(
    md5: str,
    expires: str,
    *,
    now: dt.datetime,
    expression: str,
    variables: Mapping[str, str],
) -> SecureLinkStatus:
    """Do what ngx_http_secure_link_module does for `secure_link $md5,$expires;`.

    `variables` are the nginx variables the expression reads, without `secure_link_expires`,
    which is taken from `expires` as nginx does. The checksum is checked before the expiry,
    so a tampered expired link is INVALID, not EXPIRED.
    """
    if not expires.isdigit() or int(expires) <= 0 or len(md5) > 24:
        return SecureLinkStatus.INVALID
    try:
        given = b64url_decode(md5)
    except ValueError:
        return SecureLinkStatus.INVALID
    rendered = render_nginx_expression(expression, {**variables, "secure_link_expires": expires})
    expected = hashlib.md5(rendered.encode()).digest()  # nginx's algorithm
    if len(given) != len(expected) or not hmac.compare_digest(given, expected):
        return SecureLinkStatus.INVALID
    return SecureLinkStatus.EXPIRED if int(expires) < unix(now) else SecureLinkStatus.OK
