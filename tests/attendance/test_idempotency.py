"""Idempotency keys as the IETF draft writes them, and request fingerprints."""

from __future__ import annotations

import pytest

from coordinator.attendance import (
    IdempotencyKeyError,
    InvalidIdempotencyKeyError,
    fingerprint,
    parse_idempotency_key,
)


@pytest.mark.parametrize(
    ("header", "key"),
    [("8e03978e-40d5", "8e03978e-40d5"), ('"8e03978e-40d5"', "8e03978e-40d5"), (" k ", "k")],
)
def test_bare_and_quoted_keys_are_read(header: str, key: str) -> None:
    assert parse_idempotency_key(header) == key


@pytest.mark.parametrize("header", [None, "", "   "])
def test_missing_key_is_refused(header: str | None) -> None:
    with pytest.raises(IdempotencyKeyError) as caught:
        parse_idempotency_key(header)
    assert caught.value.code == "idempotency_key_missing"


@pytest.mark.parametrize("header", ['""', "x" * 256, "钥匙", "a\tb"])
def test_unusable_key_is_refused(header: str) -> None:
    with pytest.raises(InvalidIdempotencyKeyError):
        parse_idempotency_key(header)


def test_fingerprint_ignores_key_order() -> None:
    first = fingerprint("POST", "/p", {"a": 1, "b": {"c": 2, "d": [1, 2]}})
    second = fingerprint("post", "/p", {"b": {"d": [1, 2], "c": 2}, "a": 1})
    assert first == second


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/p", {"a": 2}),
        ("PUT", "/p", {"a": 1}),
        ("POST", "/q", {"a": 1}),
        ("POST", "/p", {"a": "1"}),
    ],
)
def test_fingerprint_changes_with_the_request(method: str, path: str, body: object) -> None:
    assert fingerprint(method, path, body) != fingerprint("POST", "/p", {"a": 1})
