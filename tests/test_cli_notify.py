"""`coordinator notify test` and `notify list`, in-process, against a loopback WeCom."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiohttp import web

from tests.bundle.helpers import SMALL, BundleCopy
from tests.notify import providers as fake
from tests.notify.support import free_port
from tests.test_cli import invoke


@contextmanager
def serving(app: web.Application) -> Iterator[str]:
    """The app on loopback in a thread of its own (the command runs its own event loop)."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    port = free_port()
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()


@pytest.fixture
def database(tmp_path: Path) -> str:
    """The small county imported, 王丽 with her WeCom userid."""
    copy = BundleCopy.of(SMALL, tmp_path)
    rows = copy.rows("network_teachers")
    copy.write_rows(
        "network_teachers", [[*rows[0], "wecom_userid"], *([*row, ""] for row in rows[1:])]
    )
    copy.set_cell("network_teachers", 2, "wecom_userid", "lixiuying")
    path = str(tmp_path / "county.db")
    result = invoke("--db", path, "import", str(copy.folder))
    assert result.exit_code == 0, result.output
    return path


def use_wecom(monkeypatch: pytest.MonkeyPatch, base: str) -> None:
    prefix = "COORDINATOR_NOTIFICATIONS__WECOM__"
    for name, value in (
        ("BASE_URL", f"{base}/wecom"),
        ("CORPID", fake.CORPID),
        ("AGENTID", str(fake.AGENTID)),
        ("SECRET", fake.WECOM_SECRET),
    ):
        monkeypatch.setenv(prefix + name, value)


def test_notify_test_prints_the_provider_answer(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand = fake.Providers()
    with serving(stand.app()) as base:
        use_wecom(monkeypatch, base)
        result = invoke("--db", database, "notify", "test", "--to", "t-wang", "--channel", "wecom")
    assert result.exit_code == 0, result.output
    assert result.output == "sent to teacher:t-wang on wecom (lixiuying): m1\n"
    assert [m["touser"] for m in stand.wecom.sent] == ["lixiuying"]


def test_notify_test_refused_says_what_the_provider_said(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand = fake.Providers()
    stand.wecom.members.clear()
    with serving(stand.app()) as base:
        use_wecom(monkeypatch, base)
        result = invoke("--db", database, "notify", "test", "--to", "t-wang", "--channel", "wecom")
    assert result.exit_code == 1
    assert "WeCom errcode 81013" in result.output


def test_notify_list_on_an_empty_outbox(database: str) -> None:
    result = invoke("--db", database, "notify", "list", "--json")
    assert (result.exit_code, result.output.strip()) == (0, "[]")
