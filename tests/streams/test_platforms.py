"""The meeting platforms' signing and answers, as plain data: no server, no clock."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

import pytest

from coordinator.streams.classin import ClassinPlatform, ClassinSettings, classin_sign
from coordinator.streams.dingtalk_meeting import DingtalkMeetingPlatform, DingtalkMeetingSettings
from coordinator.streams.platform import ApiAnswer, CredentialRejected, PlatformError, Signing
from coordinator.streams.wecom_living import WecomLivingPlatform, WecomLivingSettings
from coordinator.streams.wemeet import WemeetPlatform, WemeetSettings, wemeet_signature

from .factories import lesson

SIGNING = Signing(dt.datetime(2026, 11, 23, 0, 50, tzinfo=dt.UTC), 3927, "tok")
WEMEET = WemeetSettings(app_id="200000164", secret_id="AKID", secret_key="key", host="wangli")


def test_wemeet_signature_is_base64_of_the_hex_hmac_of_the_documented_string() -> None:
    body = '{"userid":"wangli"}'
    to_sign = "POST\nX-TC-Key=AKID&X-TC-Nonce=3927&X-TC-Timestamp=1795395000\n/v1/meetings\n" + body
    hex_digest = hmac.new(b"key", to_sign.encode(), hashlib.sha256).hexdigest()
    signed = wemeet_signature(
        "key",
        method="POST",
        secret_id="AKID",
        nonce=3927,
        timestamp=1795395000,
        uri="/v1/meetings",
        body=body,
    )
    assert signed == base64.b64encode(hex_digest.encode()).decode()
    assert len(base64.b64decode(signed)) == 64  # the hex string, not the raw digest


def test_a_wemeet_call_signs_its_exact_body_and_uri() -> None:
    call = WemeetPlatform(WEMEET).create(lesson(), SIGNING)
    headers = dict(call.headers)
    expected = wemeet_signature(
        "key",
        method="POST",
        secret_id="AKID",
        nonce=3927,
        timestamp=SIGNING.timestamp,
        uri="/v1/meetings",
        body=call.body.decode(),
    )
    assert call.url == "https://api.meeting.qq.com/v1/meetings"
    assert headers["X-TC-Signature"] == expected
    assert (headers["X-TC-Timestamp"], headers["AppId"]) == (str(SIGNING.timestamp), "200000164")
    assert json.loads(call.body)["userid"] == "wangli"


def test_classin_signs_scalar_fields_only_sorted_with_sid_and_time() -> None:
    payload = {"courseId": 30, "subClassJson": [{"a": 1}], "name": "音乐", "long": "x" * 1025}
    text = "courseId=30&name=音乐&sid=1000082&timeStamp=1795395000&key=secret"
    assert classin_sign(payload, sid="1000082", timestamp=1795395000, secret="secret") == (
        hashlib.md5(text.encode()).hexdigest()
    )


def test_classin_sign_matches_the_published_example() -> None:
    """docs.eeo.cn, ClassIn API v2 签名方式说明: secret `Mb71234`, the array left out."""
    payload = {"courseId": 132323, "unitJson": [{"name": "string", "publishFlag": 0}]}
    signed = classin_sign(payload, sid="1000082", timestamp=1673949471, secret="Mb71234")
    assert signed == "d0d99023aa44549f97dfe9523059f0c3"


def test_classin_uids_are_integers_and_a_wrong_one_names_its_setting() -> None:
    settings = ClassinSettings(
        sid="1", secret="s", course_id=1, unit_id=2, hosts={"t-wang": "王丽"}
    )
    with pytest.raises(PlatformError, match=r"\[streams.classin\] hosts.t-wang = '王丽' is not"):
        ClassinPlatform(settings).create(lesson(), SIGNING)


def test_missing_hosts_and_assistants_say_which_setting() -> None:
    classin = ClassinPlatform(
        ClassinSettings(sid="1", secret="s", course_id=1, unit_id=2, hosts={"t-wang": "9"})
    )
    with pytest.raises(PlatformError, match=r"\[streams.wemeet\] has no hosts.t-wang and no host"):
        WemeetPlatform(WEMEET.model_copy(update={"host": ""})).create(lesson(), SIGNING)
    with pytest.raises(PlatformError, match=r"needs assistants.c-hill-3 and sub_courses.c-hill-3"):
        classin.follow_up("1:2", lesson(), SIGNING)


@pytest.mark.parametrize(
    ("platform", "status", "body", "error"),
    [
        (WemeetPlatform(WEMEET), 401, {"error_info": {"error_code": 200003}}, CredentialRejected),
        (WemeetPlatform(WEMEET), 400, {"error_info": {"error_code": 500000}}, PlatformError),
        (
            WecomLivingPlatform(WecomLivingSettings(corp_id="w", secret="s")),
            200,
            {"errcode": 42001, "errmsg": "access_token expired"},
            CredentialRejected,
        ),
        (
            DingtalkMeetingPlatform(DingtalkMeetingSettings(app_key="k", app_secret="s")),
            401,
            {"code": "InvalidAuthentication"},
            CredentialRejected,
        ),
        (
            ClassinPlatform(ClassinSettings(sid="1", secret="s", course_id=1, unit_id=2)),
            200,
            {"code": 101002006, "msg": "验签时间戳过期"},
            CredentialRejected,
        ),
    ],
)
def test_answers_are_told_apart_as_each_platform_writes_them(
    platform: WemeetPlatform, status: int, body: dict[str, object], error: type[Exception]
) -> None:
    answer = ApiAnswer(status, json.dumps(body).encode())
    with pytest.raises(error) as raised:
        platform.check(answer, "create")
    assert type(raised.value) is error
    with pytest.raises(PlatformError, match="not JSON: '<html>busy'"):
        platform.check(ApiAnswer(502, b"<html>busy"), "create")
