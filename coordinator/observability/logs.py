"""One JSON object per log line, with the request id; tokens are scrubbed before writing."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

from coordinator.observability.request_context import current_request_id

FIELDS = ("route", "status", "duration_ms", "method")
SECRETS = (
    (re.compile(r"/feeds/[^/\s?#\"']+?\.ics"), "/feeds/[token].ics"),
    # Personal sign-in links: /a/PAYLOAD.SIGNATURE (itsdangerous, both base64url).
    (re.compile(r"/a/[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), "/a/[token]"),
    (re.compile(r"(?i)\b(bearer)\s+[^\s\"',]+"), r"\1 [redacted]"),
    (re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)[^\"',}\n]+"), r"\1[redacted]"),
    (re.compile(r"(?i)\b(token|key)=[^&\s\"']+"), r"\1=[redacted]"),
    (re.compile(r"\bcot_[A-Za-z0-9_-]+"), "cot_[redacted]"),
)


def scrub(text: str) -> str:
    """The text with feed tokens, Bearer/Authorization values and token=/key= values removed."""
    for pattern, replacement in SECRETS:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, request_id and, for access lines, route/status/duration."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


def use_json_logs(level: int) -> None:
    """Replace the root logger's handlers by one writing JSON lines to stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
