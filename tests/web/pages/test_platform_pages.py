"""A meeting platform's lesson on the pages and in the feeds: which platform, its meeting
number, what to install, and the join link once the platform has made the meeting."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar
from pytest_aiohttp.plugin import AiohttpClient

from coordinator import models
from coordinator.app import create_app
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import load_bundle
from coordinator.services.feeds.render import render_feed
from coordinator.services.feeds.tokens import FeedOwner
from coordinator.store import Store
from coordinator.streams import StreamsSettings
from coordinator.streams.wemeet import WemeetSettings
from coordinator.web.pages.config import PAGES, PagesConfig
from tests.services.streaming.platforms import streams_for
from tests.web.pages.support import NOW, Client, settings, sign_in

TODAY_KEY = "wang-music-mon@2026-11-23"  # 10:10 today, to 东村 三年级（1）班 (李老师)
NEXT_KEY = "wang-music-mon@2026-11-30"
JOIN = "https://meeting.tencent.com/dm/{}"
WEMEET = StreamsSettings(
    provider="wemeet",
    wemeet=WemeetSettings(app_id="200000164", secret_id="AKID", secret_key="k", host="county"),
)


@pytest.fixture
async def platform_client(aiohttp_client: AiohttpClient, arranged: Store) -> Client:
    app = create_app(settings().model_copy(update={"streams": WEMEET}), arranged)
    app[PAGES] = PagesConfig(clock=lambda: NOW)
    return await aiohttp_client(app)


async def made(store: Store, key: str, number: str) -> None:
    """The meeting the worker had Tencent Meeting make (tests/services/streaming covers how)."""
    async with store.write() as session:
        lesson = await session.get(models.LessonRow, key)
        assert lesson is not None
        session.add(
            models.PlatformMeetingRow(
                lesson_key=key,
                provider="wemeet",
                meeting_id=f"m-{number}",
                join_url=JOIN.format(number),
                code=number,
                revision=lesson.revision,
                state="active",
                start=lesson.start,
                end=lesson.end,
                created_at=NOW,
                updated_at=NOW,
            )
        )


async def lesson_uid(store: Store, key: str) -> str:
    async with store.read() as session:
        lesson = await session.get(models.LessonRow, key)
    assert lesson is not None
    return lesson.uid


async def test_the_lesson_page_names_the_platform_and_what_to_install(
    platform_client: Client, arranged: Store
) -> None:
    await sign_in(platform_client, "admin")
    before = await (await platform_client.get(f"/lessons/{NEXT_KEY}")).text()
    await made(arranged, NEXT_KEY, "806123456")
    after = await (await platform_client.get(f"/lessons/{NEXT_KEY}")).text()
    assert "<th>会议平台</th><td>腾讯会议 <small>课前开放时间到时由平台创建会议。</small>" in before
    assert "主讲教师和各教室电脑需安装“腾讯会议”" in before
    assert "<th>会议平台</th><td>腾讯会议 · 会议号 806123456" in after
    assert f'<a href="{JOIN.format("806123456")}" rel="noopener">入会链接</a>' in after


async def test_teacher_and_assistant_pages_link_to_the_platforms_meeting(
    platform_client: Client, arranged: Store
) -> None:
    await made(arranged, TODAY_KEY, "806000001")
    await sign_in(platform_client, "wang")
    teacher = await (await platform_client.get("/teachers/t-wang?week=2026-11-23")).text()
    await sign_in(platform_client, "li")
    assistant = await (await platform_client.get("/assistant")).text()
    assert f'href="{JOIN.format("806000001")}"' in teacher  # go live
    # The classroom's link opens coordinator's watch page, which offers the platform's meeting.
    watch = re.search(r'class="room-link" href="(/watch/[^"]+)"', assistant)
    assert watch is not None
    page = await (await platform_client.get(watch.group(1))).text()
    assert JOIN.format("806000001") in page


async def test_feeds_carry_the_join_link_with_a_higher_sequence(arranged: Store) -> None:
    async def events(owner: str) -> dict[str, tuple[int, str]]:
        rendered = await render_feed(
            arranged,
            Directory.of(await load_bundle(arranged)),
            FeedOwner.parse(owner),
            "zh",
            now=NOW,
            today=NOW.date(),
            streams=WEMEET,
        )
        found = Calendar.from_ical(rendered.body).walk("VEVENT")
        return {str(e["UID"]): (int(str(e["SEQUENCE"])), str(e.get("URL", ""))) for e in found}

    before = await events("teacher:t-wang")
    await made(arranged, NEXT_KEY, "806123456")
    after = await events("teacher:t-wang")
    classroom = await events("classroom:c-east-3")
    [uid] = [uid for uid in after if after[uid] != before[uid]]
    assert uid == await lesson_uid(arranged, NEXT_KEY)
    assert after[uid] == (before[uid][0] + 1, JOIN.format("806123456"))
    assert classroom[uid] == after[uid]


@pytest.mark.parametrize(
    ("platform", "zh", "en"),
    [
        ("wemeet", ("腾讯会议", "需安装“腾讯会议”"), ("Tencent Meeting", "Tencent Meeting")),
        ("wecom_living", ("企业微信直播", "工作台 → 直播"), ("WeCom live", "WeCom")),
        ("dingtalk_meeting", ("钉钉视频会议", "需安装钉钉"), ("DingTalk video", "DingTalk")),
        ("classin", ("ClassIn 在线双师", "需安装 ClassIn 客户端"), ("ClassIn", "ClassIn app")),
    ],
)
async def test_every_platforms_lesson_page_says_which_platform_and_what_to_install(
    aiohttp_client: AiohttpClient,
    arranged: Store,
    platform: str,
    zh: tuple[str, str],
    en: tuple[str, str],
) -> None:
    streams = streams_for(platform, "http://127.0.0.1:9")
    app = create_app(settings().model_copy(update={"streams": streams}), arranged)
    app[PAGES] = PagesConfig(clock=lambda: NOW)
    client = await aiohttp_client(app)
    await sign_in(client, "admin")
    chinese = await (await client.get(f"/lessons/{NEXT_KEY}")).text()
    english = await (
        await client.get(f"/lessons/{NEXT_KEY}", headers={"Accept-Language": "en"})
    ).text()
    assert f"<th>会议平台</th><td>{zh[0]} <small>" in chinese
    assert zh[1] in chinese
    assert platform not in re.sub(r"<[^>]*>", "", chinese)  # never the setting's id
    assert all(text in english for text in en)
