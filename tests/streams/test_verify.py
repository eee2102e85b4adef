"""verify_secure_link does what ngx_http_secure_link_module does (real nginx agrees too)."""

from __future__ import annotations

import datetime as dt

import pytest

from coordinator.streams.verify import SecureLinkStatus, verify_secure_link

# nginx's documented example, https://nginx.org/en/docs/http/ngx_http_secure_link_module.html
EXPRESSION = "$secure_link_expires$uri$remote_addr secret"
CLIENT = {"uri": "/s/link", "remote_addr": "127.0.0.1"}
NOW = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


def test_documented_link_is_valid() -> None:
    status = verify_secure_link(
        "_e4Nc3iduzkWRm01TBBNYw", "2147483647", now=NOW, expression=EXPRESSION, variables=CLIENT
    )
    assert status is SecureLinkStatus.OK


def test_documented_link_after_2038_is_expired() -> None:
    later = dt.datetime(2038, 1, 19, 3, 14, 8, tzinfo=dt.UTC)  # one second past 2147483647
    status = verify_secure_link(
        "_e4Nc3iduzkWRm01TBBNYw", "2147483647", now=later, expression=EXPRESSION, variables=CLIENT
    )
    assert status is SecureLinkStatus.EXPIRED


@pytest.mark.parametrize(
    ("md5", "expires", "variables"),
    [
        pytest.param("-e4Nc3iduzkWRm01TBBNYw", "2147483647", CLIENT, id="tampered-md5"),
        pytest.param("_e4Nc3iduzkWRm01TBBNYw", "2147483646", CLIENT, id="tampered-expires"),
        pytest.param(
            "_e4Nc3iduzkWRm01TBBNYw", "2147483647", {**CLIENT, "remote_addr": "10.0.0.9"},
            id="other-client",
        ),
        pytest.param("_e4Nc3iduzkWRm01TBBNYw", "soon", CLIENT, id="expires-not-a-number"),
        pytest.param("_e4Nc3iduzkWRm01TBBN", "2147483647", CLIENT, id="md5-too-short"),
        pytest.param("_e4Nc3iduzkWRm01TBBNYw" * 2, "2147483647", CLIENT, id="md5-too-long"),
        pytest.param("_e4Nc3iduzkWRm01TBBN+w", "2147483647", CLIENT, id="md5-not-base64url"),
    ],
)  # fmt: skip
def test_tampered_or_malformed_link_is_invalid(
    md5: str, expires: str, variables: dict[str, str]
) -> None:
    status = verify_secure_link(md5, expires, now=NOW, expression=EXPRESSION, variables=variables)
    assert status is SecureLinkStatus.INVALID


def test_unused_low_bits_of_the_last_character_are_ignored_as_by_nginx() -> None:
    # 22 base64 characters carry 132 bits for 128: 'w' and 'x' decode to the same md5.
    status = verify_secure_link(
        "_e4Nc3iduzkWRm01TBBNYx", "2147483647", now=NOW, expression=EXPRESSION, variables=CLIENT
    )
    assert status is SecureLinkStatus.OK
