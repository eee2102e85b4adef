"""Who gets what on a 360 px phone, in Chinese: boxes ticked and saved in a real browser."""

from __future__ import annotations

from aiohttp.test_utils import TestServer
from playwright.async_api import Browser

from tests.browser.test_every_page import ENGLISH_SENTENCE, MEASURE, signed_in


async def test_a_county_admin_ticks_who_gets_change_notices_on_a_phone(
    browser: Browser, server: TestServer
) -> None:
    page = await signed_in(browser, server, "admin", (360, 740))
    await page.goto(str(server.make_url("/messages")))
    await page.click("a[href='/messages/audiences']")
    await page.wait_for_selector("form[action='/messages/audiences']")
    seen = await page.evaluate(MEASURE)
    assert seen["scroll"] <= seen["inner"], seen["wide"]
    assert ENGLISH_SENTENCE.findall(str(seen["text"])) == []
    await page.check("input[name=change][value=admin]")
    await page.uncheck("input[name=change][value=assistant]")
    await page.click("form[action='/messages/audiences'] button")
    await page.wait_for_selector("p.ok")
    assert await page.is_checked("input[name=change][value=admin]")
    assert not await page.is_checked("input[name=change][value=assistant]")
    assert await page.is_checked("input[name=reminder][value=assistant]")
    await page.close()
