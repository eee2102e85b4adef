"""The current request's id (contextvars): taken from a sane X-Request-Id, or made up."""

from __future__ import annotations

import os
import re
from contextvars import ContextVar

HEADER = "X-Request-Id"
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)


def request_id_from(header: str | None) -> str:
    """The client's id when it is short, printable and safe in a log line; else a new one."""
    if header is not None and SANE_ID.fullmatch(header):
        return header
    return os.urandom(16).hex()


def current_request_id() -> str | None:
    return REQUEST_ID.get()
