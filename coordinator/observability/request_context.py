"""The current request's id (contextvars): taken from a sane X-Request-Id, or made up."""

from __future__ import annotations

import itertools
import os
import re
from contextvars import ContextVar

HEADER = "X-Request-Id"
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)


class _Ids:
    """32 hex digits: 64 random bits per process, then a counter; no system call per id."""

    def __init__(self) -> None:
        self.renew()
        os.register_at_fork(after_in_child=self.renew)  # gunicorn's workers fork

    def renew(self) -> None:
        self.prefix = os.urandom(8).hex()
        self.counter = itertools.count(int.from_bytes(os.urandom(4), "big"))

    def new(self) -> str:
        return f"{self.prefix}{next(self.counter) & 0xFFFF_FFFF_FFFF_FFFF:016x}"


_IDS = _Ids()


def request_id_from(header: str | None) -> str:
    """The client's id when it is short, printable and safe in a log line; else a new one."""
    if header is not None and SANE_ID.fullmatch(header):
        return header
    return _IDS.new()


def current_request_id() -> str | None:
    return REQUEST_ID.get()
