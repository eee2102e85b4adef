"""Signatures the providers check, each exactly as its documentation computes it.

Every function here is pure: no clock, no randomness. Derived names and keys are HMAC-SHA256 of
a secret and the lesson's key and revision, so they are stable and need no storage.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Literal

from coordinator.errors import ConfigurationError

BbbAlgorithm = Literal["sha1", "sha256", "sha384", "sha512"]

_NGINX_VARIABLE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z0-9_]+)\}|(?P<bare>[A-Za-z0-9_]+))")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_SEPARATOR = "\x1f"  # unit separator: lesson keys and ids cannot run into each other


def derive(secret: str, purpose: str, *parts: str) -> bytes:
    """HMAC-SHA256 of the parts under the secret; `purpose` keeps different uses apart."""
    message = _SEPARATOR.join((purpose, *parts)).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def derive_name(secret: str, purpose: str, *parts: str, length: int = 16) -> str:
    """A lowercase [a-z2-7] name (base32 of an HMAC): safe in paths, URLs and file names."""
    text = base64.b32encode(derive(secret, purpose, *parts)).decode().rstrip("=").lower()
    return text[:length]


def equal(given: str, expected: str) -> bool:
    """Constant-time comparison of two strings."""
    return hmac.compare_digest(given.encode(), expected.encode())


def unix(moment: dt.datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError(f"a naive datetime cannot be signed: {moment}")
    return int(moment.timestamp())


def b64url(data: bytes) -> str:
    """base64url without padding, as nginx's secure_link and JWTs use it."""
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; raise ValueError on any other character."""
    text = text.split("=", 1)[0]  # like nginx: the first '=' ends the data
    if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError(f"not base64url: {text!r}")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def render_nginx_expression(expression: str, variables: Mapping[str, str]) -> str:
    """Substitute `$name` and `${name}` as nginx does in a complex value; unknown names fail."""

    def value(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("bare")
        if name not in variables:
            raise ConfigurationError(
                f"nginx expression {expression!r} uses ${name}, known: {sorted(variables)}"
            )
        return variables[name]

    return _NGINX_VARIABLE.sub(value, expression)


def secure_link_md5(expression: str, variables: Mapping[str, str]) -> str:
    """The `md5` value ngx_http_secure_link_module expects: base64url(md5(expression)), no '='."""
    rendered = render_nginx_expression(expression, variables)
    return b64url(hashlib.md5(rendered.encode()).digest())  # nginx's algorithm, not ours


def bbb_checksum(call: str, query: str, secret: str, algorithm: BbbAlgorithm = "sha256") -> str:
    """BigBlueButton API checksum: hex digest of call name + query string + shared secret."""
    return hashlib.new(algorithm, (call + query + secret).encode()).hexdigest()


def tencent_tx_time(expires: dt.datetime) -> str:
    """Tencent CSS txTime: the expiry as upper-case hexadecimal Unix seconds."""
    return f"{unix(expires):X}"


def tencent_tx_secret(key: str, stream_name: str, tx_time: str) -> str:
    """Tencent CSS txSecret = md5(key + StreamName + txTime), lower-case hex."""
    return hashlib.md5((key + stream_name + tx_time).encode()).hexdigest()


def aliyun_auth_key(uri: str, timestamp: int, key: str, rand: str = "0", uid: str = "0") -> str:
    """Aliyun type-A `auth_key`: timestamp-rand-uid-md5("uri-timestamp-rand-uid-key")."""
    if "-" in rand or "-" in uid:
        raise ValueError(f"rand {rand!r} and uid {uid!r} must not contain '-'")
    signed = f"{uri}-{timestamp}-{rand}-{uid}-{key}"
    digest = hashlib.md5(signed.encode()).hexdigest()  # Aliyun's algorithm
    return f"{timestamp}-{rand}-{uid}-{digest}"
