"""JSON Web Tokens signed with HS256 (RFC 7519 / RFC 7515), enough for Jitsi's token auth.

Written with hmac and base64 so coordinator needs no JWT library. Encoding is deterministic:
keys sorted, no spaces, so the same claims and secret always give the same token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from coordinator.errors import CoordinatorError
from coordinator.streams.signing import b64url, b64url_decode, unix

_HEADER = {"alg": "HS256", "typ": "JWT"}


class TokenError(CoordinatorError):
    """A token is malformed, wrongly signed, not yet valid or expired."""


def _json(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _sign(signing_input: bytes, secret: str) -> str:
    return b64url(hmac.new(secret.encode(), signing_input, hashlib.sha256).digest())


def encode_hs256(claims: Mapping[str, Any], secret: str) -> str:
    """header.payload.signature, each part base64url without padding."""
    signing_input = f"{b64url(_json(_HEADER))}.{b64url(_json(claims))}".encode()
    return f"{signing_input.decode()}.{_sign(signing_input, secret)}"


def decode_hs256(
    token: str, secret: str, *, now: dt.datetime, audience: str | None = None
) -> dict[str, Any]:
    """Verify signature, algorithm, `nbf`, `exp` and (if given) `aud`; return the claims."""
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenError(f"a JWT has three dot-separated parts, this one has {len(parts)}")
    header_b64, payload_b64, signature = parts
    expected = _sign(f"{header_b64}.{payload_b64}".encode(), secret)
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        raise TokenError("JWT signature does not match")
    try:
        header = json.loads(b64url_decode(header_b64))
        claims = json.loads(b64url_decode(payload_b64))
    except ValueError as error:
        raise TokenError(f"JWT is not base64url JSON: {error}") from error
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise TokenError(f"JWT header {header!r} is not HS256")
    if not isinstance(claims, dict):
        raise TokenError("JWT payload is not a JSON object")
    _check_times(claims, unix(now))
    if audience is not None and claims.get("aud") != audience:
        raise TokenError(f"JWT audience {claims.get('aud')!r} is not {audience!r}")
    return claims


def _check_times(claims: Mapping[str, Any], now: int) -> None:
    not_before, expires = claims.get("nbf"), claims.get("exp")
    if isinstance(not_before, int) and now < not_before:
        raise TokenError(f"JWT not valid before {not_before}, now is {now}")
    if isinstance(expires, int) and now >= expires:
        raise TokenError(f"JWT expired at {expires}, now is {now}")
