"""bbb, jitsi, tencent, aliyun and static: each link checks out the way its service checks it."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pydantic
import pytest

from coordinator.streams.aliyun import AliyunProvider, AliyunSettings
from coordinator.streams.base import LinkKind
from coordinator.streams.bbb import BbbProvider, BbbSettings
from coordinator.streams.jitsi import JitsiProvider, JitsiSettings
from coordinator.streams.jwt import decode_hs256
from coordinator.streams.signing import aliyun_auth_key, bbb_checksum, tencent_tx_secret
from coordinator.streams.static import StaticProvider, StaticSettings
from coordinator.streams.tencent import TencentProvider, TencentSettings

from .factories import START, lesson

BBB = BbbSettings(api_url="https://bbb.example.edu.cn/bigbluebutton/api/", secret="bbb-shared")
CDN = {"push_domain": "push.example.cn", "play_domain": "play.example.cn", "push_key": "pk"}
VALID_UNTIL = START + dt.timedelta(minutes=55)


def _bbb_call(url: str) -> tuple[str, dict[str, str], str]:
    """Split a BBB API URL as the server does: call name, parameters, query without checksum."""
    parts = urlsplit(url)
    query, _, checksum = parts.query.rpartition("&checksum=")
    return parts.path.rsplit("/", 1)[-1], dict(parse_qsl(query)), checksum + "|" + query


def _bbb_checksum_ok(url: str, settings: BbbSettings) -> bool:
    call, _, rest = _bbb_call(url)
    checksum, query = rest.split("|", 1)
    secret = settings.secret.get_secret_value()
    return bbb_checksum(call, query, secret, settings.checksum_algorithm) == checksum


def test_bbb_teacher_is_moderator_and_classrooms_are_viewers() -> None:
    links = BbbProvider(BBB).links(lesson())
    (create,) = links.server_calls
    teacher = _bbb_call(links.teacher[0].url)
    classroom = _bbb_call(links.for_classroom("c-river-4")[0].url)

    assert create.kind is LinkKind.CREATE
    provider = BbbProvider(BBB)
    assert _bbb_call(create.url)[1] == {
        "name": "音乐：茉莉花", "meetingID": links.room, "record": "false", "duration": "70",
        "moderatorPW": provider.password(lesson(), "MODERATOR"),
        "attendeePW": provider.password(lesson(), "VIEWER"),
    }  # fmt: skip
    assert teacher[1]["password"] == provider.password(lesson(), "MODERATOR")
    assert classroom[1]["password"] == provider.password(lesson(), "VIEWER")
    assert (teacher[0], teacher[1]["role"], teacher[1]["fullName"]) == (
        "join",
        "MODERATOR",
        "王老师",
    )
    assert (classroom[1]["role"], classroom[1]["userID"]) == ("VIEWER", "c-river-4")
    assert all(
        _bbb_checksum_ok(url, BBB)
        for url in (create.url, links.teacher[0].url, links.for_classroom("c-hill-3")[0].url)
    )
    assert len(urlsplit(create.url).query.rsplit("=", 1)[-1]) == 64  # sha256 by default


def test_bbb_sha1_is_selectable() -> None:
    settings = BBB.model_copy(update={"checksum_algorithm": "sha1"})
    url = BbbProvider(settings).links(lesson()).teacher[0].url
    assert _bbb_checksum_ok(url, settings)
    assert len(url.rsplit("=", 1)[-1]) == 40


def test_bbb_new_revision_gets_new_meeting() -> None:
    provider = BbbProvider(BBB)
    assert provider.meeting_id(lesson()) != provider.meeting_id(lesson(revision=2))
    assert provider.links(lesson()) == provider.links(lesson())


def test_bbb_unknown_algorithm_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError):
        BbbSettings.model_validate(
            {"api_url": "https://b/api", "secret": "s", "checksum_algorithm": "md5"}
        )


JITSI = JitsiSettings(
    base_url="https://meet.example.edu.cn/", room_secret="rooms", app_id="coordinator",
    app_secret="jitsi-app-secret",
)  # fmt: skip


def test_jitsi_jwt_per_participant_decodes_and_verifies() -> None:
    links = JitsiProvider(JITSI).links(lesson())
    teacher_url = urlsplit(links.teacher[0].url)
    classroom_url = urlsplit(links.for_classroom("c-hill-3")[0].url)
    teacher = decode_hs256(teacher_url.query.removeprefix("jwt="), "jitsi-app-secret", now=START)
    classroom = decode_hs256(
        classroom_url.query.removeprefix("jwt="), "jitsi-app-secret", now=START
    )

    assert teacher_url.path == f"/{links.room}"
    assert teacher == {
        "iss": "coordinator", "aud": "jitsi", "sub": "meet.example.edu.cn", "room": links.room,
        "nbf": int(links.valid_from.timestamp()), "exp": int(links.valid_until.timestamp()),
        "moderator": True,
        "context": {"user": {"id": "t-wang", "name": "王老师", "moderator": True}},
    }  # fmt: skip
    assert classroom["context"] == {
        "user": {"id": "c-hill-3", "name": "山坳小学三年级", "moderator": False}
    }


def test_jitsi_room_is_unguessable_and_changes_with_revision() -> None:
    provider = JitsiProvider(JITSI)
    room = provider.room(lesson())
    assert len(room) >= 24
    assert "music" not in room
    assert room != provider.room(lesson(revision=2))


def test_jitsi_without_app_secret_gives_plain_room_links() -> None:
    settings = JitsiSettings(base_url="https://meet.jit.si", room_secret="rooms")
    links = JitsiProvider(settings).links(lesson())
    assert links.teacher[0].url == f"https://meet.jit.si/{links.room}"


def test_jitsi_app_id_without_secret_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError, match="both app_id and app_secret"):
        JitsiSettings.model_validate({"room_secret": "r", "app_id": "coordinator"})


def test_tencent_push_and_play_carry_tx_secret_and_tx_time() -> None:
    settings = TencentSettings.model_validate({**CDN, "play_key": "playk"})
    links = TencentProvider(settings).links(lesson())
    stream, tx_time = links.room, f"{int(VALID_UNTIL.timestamp()):X}"
    push = links.teacher[0]
    hls, flv, rtmp = links.for_classroom("c-hill-3")
    play_query = f"?txSecret={tencent_tx_secret('playk', stream, tx_time)}&txTime={tx_time}"

    assert push.url == (
        f"rtmp://push.example.cn/live/{stream}"
        f"?txSecret={tencent_tx_secret('pk', stream, tx_time)}&txTime={tx_time}"
    )
    assert push.server == "rtmp://push.example.cn/live"
    assert hls.url == f"https://play.example.cn/live/{stream}.m3u8{play_query}"
    assert flv.url == f"https://play.example.cn/live/{stream}.flv{play_query}"
    assert rtmp.url == f"rtmp://play.example.cn/live/{stream}{play_query}"


def test_tencent_without_play_key_leaves_playback_unsigned() -> None:
    links = TencentProvider(TencentSettings.model_validate(CDN)).links(lesson())
    assert "?" not in links.for_classroom("c-hill-3")[0].url
    assert (
        links.room
        != TencentProvider(TencentSettings.model_validate(CDN)).links(lesson(revision=2)).room
    )


def test_aliyun_auth_key_per_uri_expires_with_the_window() -> None:
    settings = AliyunSettings.model_validate({**CDN, "play_key": "playk", "auth_validity": 600})
    links = AliyunProvider(settings).links(lesson())
    stream = links.room
    push = urlsplit(links.teacher[0].url)
    timestamp, rand, uid, _ = push.query.removeprefix("auth_key=").split("-")
    hls = links.for_classroom("c-hill-3")[0].url

    assert int(timestamp) == int(VALID_UNTIL.timestamp()) - 600
    assert (len(rand), uid) == (32, "0")
    assert push.query == "auth_key=" + aliyun_auth_key(
        f"/live/{stream}", int(timestamp), "pk", rand
    )
    assert hls == (
        f"https://play.example.cn/live/{stream}.m3u8?auth_key="
        + aliyun_auth_key(f"/live/{stream}.m3u8", int(timestamp), "playk", rand)
    )
    assert links.teacher[0].stream_key == push.path.removeprefix("/live/") + "?" + push.query


def test_cdn_domain_with_scheme_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError, match="bare domain"):
        AliyunSettings.model_validate({**CDN, "push_domain": "rtmp://push.example.cn"})


def test_static_templates_fill_and_quote_placeholders() -> None:
    settings = StaticSettings(
        teacher_url="https://meeting.example.cn/j/88?who={teacher}",
        classroom_url="https://meeting.example.cn/j/88?who={classroom}&l={lesson}&r={revision}",
    )
    links = StaticProvider(settings).links(lesson())
    assert links.teacher[0].url == "https://meeting.example.cn/j/88?who=t-wang"
    assert links.for_classroom("c-hill-3")[0].url == (
        "https://meeting.example.cn/j/88?who=c-hill-3&l=2026-09-01%2Fmusic%2Fp1&r=1"
    )


@pytest.mark.parametrize(
    "template", ["https://m/{school}", "https://m/{lesson!r}", "https://m/{lesson.x}"]
)
def test_static_unknown_placeholders_are_refused(template: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        StaticSettings(teacher_url=template)
