"""HS256 tokens: decode and verify, refuse tampering, expiry, early use and other algorithms."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import shutil
import subprocess

import pytest

from coordinator.streams.jwt import TokenError, decode_hs256, encode_hs256

NOW = dt.datetime(2026, 9, 1, 1, 0, tzinfo=dt.UTC)
CLAIMS = {"aud": "jitsi", "room": "r1", "nbf": 1788223500, "exp": 1788227700}
SECRET = "app-secret"


def _part(value: object) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_encode_then_decode_returns_claims() -> None:
    token = encode_hs256(CLAIMS, SECRET)
    assert decode_hs256(token, SECRET, now=NOW, audience="jitsi") == CLAIMS


def test_signature_matches_openssl_hmac() -> None:
    # Independent check of the HS256 signature with `openssl dgst -sha256 -hmac`.
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not installed")
    header, payload, signature = encode_hs256(CLAIMS, SECRET).split(".")
    digest = subprocess.run(
        ["openssl", "dgst", "-sha256", "-hmac", SECRET, "-binary"],
        input=f"{header}.{payload}".encode(),
        capture_output=True,
        check=True,
    ).stdout
    assert base64.urlsafe_b64encode(digest).decode().rstrip("=") == signature
    assert json.loads(base64.urlsafe_b64decode(header + "==")) == {"alg": "HS256", "typ": "JWT"}


def test_tampered_payload_is_rejected() -> None:
    header, _, signature = encode_hs256(CLAIMS, SECRET).split(".")
    forged = f"{header}.{_part({**CLAIMS, 'room': 'other'})}.{signature}"
    with pytest.raises(TokenError, match="signature"):
        decode_hs256(forged, SECRET, now=NOW)


def test_wrong_secret_is_rejected() -> None:
    with pytest.raises(TokenError, match="signature"):
        decode_hs256(encode_hs256(CLAIMS, SECRET), "other", now=NOW)


def test_expired_and_early_tokens_are_rejected() -> None:
    token = encode_hs256(CLAIMS, SECRET)
    with pytest.raises(TokenError, match="expired"):
        decode_hs256(token, SECRET, now=dt.datetime.fromtimestamp(1788227700, dt.UTC))
    with pytest.raises(TokenError, match="not valid before"):
        decode_hs256(token, SECRET, now=dt.datetime.fromtimestamp(1788223499, dt.UTC))


def test_other_algorithm_and_audience_are_rejected() -> None:
    header, payload = _part({"alg": "none"}), _part(CLAIMS)
    signature = hmac.new(SECRET.encode(), f"{header}.{payload}".encode(), hashlib.sha256)
    token = (
        f"{header}.{payload}.{base64.urlsafe_b64encode(signature.digest()).decode().rstrip('=')}"
    )
    with pytest.raises(TokenError, match="not HS256"):
        decode_hs256(token, SECRET, now=NOW)
    with pytest.raises(TokenError, match="audience"):
        decode_hs256(encode_hs256(CLAIMS, SECRET), SECRET, now=NOW, audience="other")
    with pytest.raises(TokenError, match="three"):
        decode_hs256("a.b", SECRET, now=NOW)


def test_encoding_is_deterministic() -> None:
    assert encode_hs256(CLAIMS, SECRET) == encode_hs256(dict(reversed(CLAIMS.items())), SECRET)
