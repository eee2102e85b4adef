"""Signatures against the providers' own published examples, value for value."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from coordinator.errors import ConfigurationError
from coordinator.streams.bbb import bbb_api_url
from coordinator.streams.signing import (
    aliyun_auth_key,
    b64url_decode,
    bbb_checksum,
    derive_name,
    render_nginx_expression,
    secure_link_md5,
    tencent_tx_secret,
    tencent_tx_time,
)

BBB_SECRET = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"
BBB_QUERY = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"


def _openssl(*args: str, data: str) -> str:
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not installed")
    done = subprocess.run(
        ["openssl", *args], input=data.encode(), capture_output=True, check=True, timeout=10
    )
    return done.stdout.decode().strip().rsplit(" ", 1)[-1]


def test_bbb_checksum_matches_published_sha1_example() -> None:
    # https://docs.bigbluebutton.org/development/api/#usage — the create call example:
    # sha1("create" + query + secret) = 1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17
    assert bbb_checksum("create", BBB_QUERY, BBB_SECRET, "sha1") == (
        "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"
    )


def test_bbb_api_url_matches_published_example_query() -> None:
    # Same page, step 5: the query string with its checksum appended.
    params = [
        ("name", "Test Meeting"),
        ("meetingID", "abc123"),
        ("attendeePW", "111222"),
        ("moderatorPW", "333444"),
    ]
    url = bbb_api_url(
        "https://bbb.example.com/bigbluebutton/api/", "create", params, BBB_SECRET, "sha1"
    )
    assert url == (
        "https://bbb.example.com/bigbluebutton/api/create?" + BBB_QUERY
        + "&checksum=1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"
    )  # fmt: skip


def test_bbb_checksum_sha256_matches_openssl() -> None:
    # The docs give no sha256 value: computed independently with `openssl dgst -sha256`.
    expected = _openssl("dgst", "-sha256", data="create" + BBB_QUERY + BBB_SECRET)
    assert bbb_checksum("create", BBB_QUERY, BBB_SECRET) == expected


def test_secure_link_md5_matches_nginx_documented_example() -> None:
    # https://nginx.org/en/docs/http/ngx_http_secure_link_module.html — with
    # secure_link_md5 "$secure_link_expires$uri$remote_addr secret", the link
    # /s/link?md5=_e4Nc3iduzkWRm01TBBNYw&expires=2147483647 is valid for 127.0.0.1.
    variables = {"secure_link_expires": "2147483647", "uri": "/s/link", "remote_addr": "127.0.0.1"}
    expression = "$secure_link_expires$uri$remote_addr secret"
    assert secure_link_md5(expression, variables) == "_e4Nc3iduzkWRm01TBBNYw"


def test_secure_link_md5_matches_documented_openssl_pipeline() -> None:
    # The nginx page's recipe, step by step:
    # echo -n '...' | openssl md5 -binary | openssl base64 | tr +/ -_ | tr -d =
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not installed")
    text = "1788227700lessonabc nginx-shared-secret"
    binary = subprocess.run(
        ["openssl", "md5", "-binary"], input=text.encode(), capture_output=True, check=True
    ).stdout
    encoded = (
        subprocess.run(["openssl", "base64"], input=binary, capture_output=True, check=True)
        .stdout.decode()
        .strip()
    )
    expected = encoded.translate(str.maketrans("+/", "-_")).replace("=", "")
    assert secure_link_md5(text, {}) == expected


def test_tencent_tx_secret_matches_published_example() -> None:
    # https://intl.cloud.tencent.com/document/product/267/31560 (hotlink protection):
    # KEY e12c46f2612d5106e2034781ab261ca3, StreamName test, txTime 5C271099
    # -> txSecret f85a2ab363fe4deaffef9754d79da6fe
    tx_time = tencent_tx_time(dt.datetime.fromtimestamp(0x5C271099, dt.UTC))
    assert tx_time == "5C271099"
    secret = tencent_tx_secret("e12c46f2612d5106e2034781ab261ca3", "test", tx_time)
    assert secret == "f85a2ab363fe4deaffef9754d79da6fe"


def test_aliyun_auth_key_matches_published_type_a_example() -> None:
    # https://help.aliyun.com/document_detail/85113.html (鉴权方式A 示例说明): key
    # aliyuncdnexp1234, /video/standard/1K.html, timestamp 1444435200, rand 0, uid 0
    # -> auth_key=1444435200-0-0-80cd3862d699b7118eed99103f2a3a4f
    key = aliyun_auth_key("/video/standard/1K.html", 1444435200, "aliyuncdnexp1234")
    assert key == "1444435200-0-0-80cd3862d699b7118eed99103f2a3a4f"


def test_aliyun_auth_key_matches_newer_published_example() -> None:
    # https://help.aliyun.com/zh/cdn/user-guide/type-a-signing (current page, test.mp4)
    key = aliyun_auth_key("/video/standard/test.mp4", 1444435200, "aliyuncdnexp1234")
    assert key == "1444435200-0-0-23bf85053008f5c0e791667a313e28ce"


def test_aliyun_auth_key_rejects_dash_in_rand() -> None:
    with pytest.raises(ValueError, match="must not contain"):
        aliyun_auth_key("/live/s", 1, "k", rand="a-b")


def test_render_nginx_expression_braced_and_unknown_variables() -> None:
    assert render_nginx_expression("${a}x$b", {"a": "1", "b": "2"}) == "1x2"
    with pytest.raises(ConfigurationError, match=r"\$remote_addr"):
        render_nginx_expression("$remote_addr", {})


def test_b64url_decode_rejects_other_alphabets() -> None:
    assert b64url_decode("_e4Nc3iduzkWRm01TBBNYw") == b64url_decode("_e4Nc3iduzkWRm01TBBNYw==")
    with pytest.raises(ValueError, match="not base64url"):
        b64url_decode("a+b/")


def test_derive_name_is_stable_and_separated() -> None:
    first = derive_name("s", "stream", "lesson", "1")
    assert first == derive_name("s", "stream", "lesson", "1")
    assert first != derive_name("s", "stream", "lesson1", "")  # parts cannot run together
    assert first != derive_name("s", "publish", "lesson", "1")
    assert first.isalnum()
    assert first == first.lower()
