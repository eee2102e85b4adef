"""The assistant's page on a phone over slow 3G: bytes and time to usable, app vs plain page.

    .venv/bin/python benchmarks/assistant_app.py [--runs 3]

A real server on loopback (the test county, a lesson under way), Debian's chromium on a 360 px
phone viewport, Chrome's "Slow 3G" profile through CDP `Network.emulateNetworkConditions`
(2 s round trip, 50 KB/s down and up). Three ways of opening the page, each a fresh phone:

- **plain page** (the baseline: the page as before issue 15, service workers blocked): first
  load, then a reload (the browser's HTTP cache: revalidated assets);
- **app**: first load (the worker installs: the shell and a copy of the page fetched too), a
  reload online, and a reload with no network (the copy on the phone).

Bytes are counted by the server (response bodies, whoever asked: the page or its worker) and
also given gzip-compressed (what a proxy with `gzip on` sends); "usable" is the check-in
button on screen with the outbox loaded, timed from the start of the navigation. CDP throttles
the page's own requests only, not its worker's: the app's online reload is therefore the
optimistic figure; the offline one involves no network at all.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import gzip
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from coordinator.services.accounts import users as accounts
from coordinator.store import Store
from coordinator.web.pages.config import PagesConfig
from tests.browser.conftest import ARGS, CHROMIUM
from tests.browser.test_assistant_offline import PHONE, lesson_now
from tests.web.pages.conftest import _arranged_at
from tests.web.pages.support import PASSWORD, TEST_HASHER, app_for

SLOW_3G = {  # Chrome DevTools' "Slow 3G" preset
    "offline": False,
    "latency": 2000,
    "downloadThroughput": 500 * 1000 / 8 * 0.8,
    "uploadThroughput": 500 * 1000 / 8 * 0.8,
}
OFFLINE = {**SLOW_3G, "offline": True}
USABLE = "#app[data-outbox=ready] .card button[data-open=check_in]"


class Meter:
    """Response bodies the server sent, as sent and gzip-compressed."""

    def __init__(self) -> None:
        self.responses: list[web.StreamResponse] = []

    async def record(self, _request: web.Request, response: web.StreamResponse) -> None:
        self.responses.append(response)

    def take(self) -> tuple[int, int]:
        sent = packed = 0
        for response in self.responses:
            if isinstance(response, web.FileResponse):  # sent with sendfile: count the file
                data = Path(response._path).read_bytes() if response.status == 200 else b""
            else:
                body = response.body if isinstance(response, web.Response) else None
                data = body if isinstance(body, bytes) else b""
            sent += len(data)
            packed += len(gzip.compress(data, 9)) if data else 0
        self.responses.clear()
        return sent, packed


async def usable_after(page: Page, load: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await load()
    await page.wait_for_selector(USABLE, state="visible", timeout=300_000)
    return time.perf_counter() - started


async def signed_in_phone(
    browser: Browser, base: str, *, workers: bool
) -> tuple[BrowserContext, Page]:
    """Signed in at full speed (the session is not what is measured), then on the blank page."""
    context = await browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        is_mobile=True,
        service_workers="allow" if workers else "block",
    )
    page = await context.new_page()
    await page.goto(f"{base}/signin?next=/blank")
    await page.fill("input[name=username]", "li")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    return context, page


async def one_run(browser: Browser, base: str, meter: Meter) -> dict[str, tuple[int, int, float]]:
    figures: dict[str, tuple[int, int, float]] = {}
    for workers, name in ((False, "plain page"), (True, "app")):
        context, page = await signed_in_phone(browser, base, workers=workers)
        cdp = await context.new_cdp_session(page)
        await cdp.send("Network.enable")
        await cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        meter.take()
        first = await usable_after(page, functools.partial(page.goto, f"{base}/assistant"))
        if workers:  # the worker's install (shell and page copy) belongs to the first load
            await page.wait_for_selector("#app[data-offline=ready]", timeout=300_000)
        figures[f"{name}: first load"] = (*meter.take(), first)
        again = await usable_after(page, page.reload)
        figures[f"{name}: reload"] = (*meter.take(), again)
        if workers:
            await cdp.send("Network.emulateNetworkConditions", OFFLINE)
            await context.set_offline(True)
            cut = await usable_after(page, page.reload)
            figures[f"{name}: reload, no network"] = (*meter.take(), cut)
        await context.close()
    return figures


async def main(runs: int) -> None:
    accounts.HASHER = TEST_HASHER
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "coordinator.db")
        await _arranged_at(path)
        store = Store(path)
        await lesson_now(store)
        app = app_for(store, PagesConfig())
        meter = Meter()
        app.on_response_prepare.append(meter.record)
        app.router.add_get("/blank", lambda _request: _blank())
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        base = str(server.make_url("")).rstrip("/")
        results: dict[str, list[tuple[int, int, float]]] = {}
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
                for _ in range(runs):
                    for key, value in (await one_run(browser, base, meter)).items():
                        results.setdefault(key, []).append(value)
                await browser.close()
        finally:
            await server.close()
            await store.close()
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {runs} runs, Slow 3G (2 s RTT, 50 KB/s)")
    print("| load | bytes sent | gzip | time to usable (median) |")
    print("| --- | ---: | ---: | ---: |")
    for key, values in results.items():
        sent, packed, _ = values[-1]
        median = statistics.median(value[2] for value in values)
        print(f"| {key} | {sent / 1024:.1f} KB | {packed / 1024:.1f} KB | {median:.1f} s |")


async def _blank() -> web.Response:
    return web.Response(text="<!doctype html><title>blank</title>", content_type="text/html")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    asyncio.run(main(parser.parse_args().runs))
