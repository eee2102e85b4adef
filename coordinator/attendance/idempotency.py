"""Idempotency keys (IETF httpapi draft, Stripe's rules) and the fingerprint of a request."""

from __future__ import annotations

import hashlib
import json

from coordinator.attendance.errors import IdempotencyKeyError, InvalidIdempotencyKeyError

MAX_KEY = 255


def parse_idempotency_key(header: str | None) -> str:
    """The key from the header; the draft's quoted form ("...") and a bare token both work."""
    if header is None or not header.strip():
        raise IdempotencyKeyError(
            "Idempotency-Key header is required: send a new unique key (a UUID) with each "
            "report and the same key with every retry of it"
        )
    key = header.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not key or len(key) > MAX_KEY or not key.isascii() or not key.isprintable():
        raise InvalidIdempotencyKeyError(
            f"Idempotency-Key {header[:40]!r}: must be 1 to {MAX_KEY} printable ASCII characters"
        )
    return key


def fingerprint(method: str, path: str, body: object) -> str:
    """SHA-256 of the request's meaning: key order and whitespace in the JSON do not count."""
    canonical = json.dumps(
        [method.upper(), path, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
