"""The Messages page on a 360 px phone, in Chinese: no sideways scrolling, the header on one
line, names not ids, and no English but the provider's own answer (shown verbatim)."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestServer
from playwright.async_api import Browser

from coordinator.store import Store
from tests.browser.test_every_page import ENGLISH_SENTENCE, MEASURE, ids, signed_in
from tests.web.pages.support import first_lesson
from tests.web.pages.test_messages_page import WECOM_REFUSAL, message

LONG_ERROR = WECOM_REFUSAL + " " + "x" * 300  # an answer without spaces to break at


async def test_the_messages_page_fits_a_phone_and_reads_in_chinese(
    browser: Browser, server: TestServer, browser_store: Store
) -> None:
    lesson = await first_lesson(browser_store, "c-east-3")
    async with browser_store.write() as session:
        session.add_all(
            [
                message("m-1", "teacher:t-wang", status="failed", last_error=LONG_ERROR),
                message("m-2", "assistant:a-li", kind="calendar", channel="calendar:dingtalk"),
                message("m-3", "admin", kind="alert", channel="robot:east", lesson_key=lesson.key),
            ]
        )
    page = await signed_in(browser, server, "admin", (360, 740))
    response = await page.goto(str(server.make_url("/messages")))
    assert response is not None
    assert response.status == 200
    seen = await page.evaluate(MEASURE)
    assert seen["scroll"] <= seen["inner"], seen["wide"]
    assert seen["oneLine"]
    text = str(seen["text"])
    assert "王丽" in text
    assert "钉钉日程" in text
    assert [ident for ident in ids() if re.search(rf"\b{ident}\b", text)] == []
    answers = await page.locator(".message-error code").all_inner_texts()
    assert answers == [LONG_ERROR]
    assert ENGLISH_SENTENCE.findall(text.replace(LONG_ERROR, "")) == []
    await page.close()


async def test_the_contact_form_fits_a_phone_and_reads_in_chinese(
    browser: Browser, server: TestServer
) -> None:
    page = await signed_in(browser, server, "admin", (360, 740))
    response = await page.goto(str(server.make_url("/messages/contact")))
    assert response is not None
    assert response.status == 200
    await page.fill("input[name=quiet_hours]", "10pm")
    await page.click("form[action='/messages/contact'] button")
    await page.wait_for_selector("p.error")
    seen = await page.evaluate(MEASURE)
    assert seen["scroll"] <= seen["inner"], seen["wide"]
    assert "免打扰时段的格式是 22:00-07:00。" in str(seen["text"])
    assert ENGLISH_SENTENCE.findall(str(seen["text"])) == []
    await page.close()
