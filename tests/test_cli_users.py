"""`coordinator users`: list, password, sign-out, disable, enable and link, run by an admin."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from click.testing import CliRunner, Result
from sqlmodel import select

from coordinator import models
from coordinator.cli import main
from coordinator.services.accounts.sign_in_links import SignInLinkError, user_of_link
from coordinator.services.accounts.users import authenticate
from coordinator.store import Store
from tests.web.pages.support import NOW, PASSWORD, arrange, stamp_head


def prepared(tmp_path: Path) -> Path:
    """A migrated database file with the arranged county and its users."""
    database = tmp_path / "users.db"

    async def build() -> None:
        store = Store(str(database))
        try:
            from sqlmodel import SQLModel

            async with store.writer.begin() as connection:
                await connection.run_sync(SQLModel.metadata.create_all)
            await stamp_head(store)
            await arrange(store)
        finally:
            await store.close()

    asyncio.run(build())
    return database


def run(database: Path, *args: str, input: str | None = None) -> Result:
    env = {
        "COORDINATOR_SECRET_KEY": "cli-test-secret",
        "COORDINATOR_SERVER__PUBLIC_URL": "https://c.cn",
    }
    return CliRunner().invoke(main, ["--db", str(database), "users", *args], env=env, input=input)


async def link_user(database: Path, token: str) -> str:
    """Whom the link signs in, or why it does not."""
    store = Store(str(database))
    try:
        return (await user_of_link(store, b"cli-test-secret", token, now=NOW)).username
    except SignInLinkError as error:
        return error.reason
    finally:
        await store.close()


def test_list_shows_every_account_with_role_scope_and_state(tmp_path: Path) -> None:
    database = prepared(tmp_path)
    assert run(database, "disable", "zhao").exit_code == 0
    listed = run(database, "list")
    assert listed.exit_code == 0
    lines = dict(line.split("\t", 1) for line in listed.output.splitlines())
    assert lines["li"] == "assistant\tassistant:a-li\tactive"
    assert lines["zhao"] == "assistant\tassistant:a-zhao\tdisabled"
    assert lines["admin"] == "admin\tregion:xiao\tactive"


def test_a_link_printed_works_until_sign_out(tmp_path: Path) -> None:
    database = prepared(tmp_path)
    printed = run(database, "link", "li", "--days", "2", "--qr")
    assert printed.exit_code == 0, printed.output
    url = next(line for line in printed.output.splitlines() if line.startswith("https://c.cn/a/"))
    token = url.removeprefix("https://c.cn/a/")
    assert "█" in printed.output or "▀" in printed.output  # the QR code, in block characters

    assert asyncio.run(link_user(database, token)) == "li"
    assert run(database, "sign-out", "li").exit_code == 0
    assert asyncio.run(link_user(database, token)) == "revoked"


def test_password_is_set_and_errors_name_the_user(tmp_path: Path) -> None:
    database = prepared(tmp_path)
    changed = run(database, "password", "li", input="another password 1\nanother password 1\n")
    unknown = run(database, "sign-out", "nobody")
    short = run(database, "password", "li", "--password", "short")
    disabled = run(database, "disable", "li")
    refused = run(database, "link", "li")
    assert (changed.exit_code, unknown.exit_code, short.exit_code) == (0, 1, 1)
    assert "'nobody': no such user" in unknown.output
    assert "at least 8 characters" in short.output
    assert disabled.exit_code == 0
    assert (refused.exit_code, "is disabled" in refused.output) == (1, True)

    assert run(database, "enable", "li").exit_code == 0
    assert asyncio.run(passwords(database)) == (False, True)


async def passwords(database: Path) -> tuple[bool, bool]:
    """Whether the old and the new password sign li in."""
    store = Store(str(database))
    try:
        old = await authenticate(store, "li", PASSWORD)
        new = await authenticate(store, "li", "another password 1")
        return old is not None, new is not None
    finally:
        await store.close()


def test_a_link_for_an_admin_is_refused_with_a_reason(tmp_path: Path) -> None:
    database = prepared(tmp_path)
    refused = run(database, "link", "admin")
    assert refused.exit_code == 1
    assert "'admin' is an admin: personal sign-in links are for teachers and assistants" in (
        refused.output
    )
    assert "/a/" not in refused.output


def test_a_link_lasts_seven_days_by_default_and_thirty_at_most(tmp_path: Path) -> None:
    database = prepared(tmp_path)
    printed = run(database, "link", "li")
    too_long = run(database, "link", "li", "--days", "31")
    expires = asyncio.run(link_lifetimes(database))
    assert printed.exit_code == 0, printed.output
    assert too_long.exit_code == 2
    assert expires == [dt.timedelta(days=7)]


async def link_lifetimes(database: Path) -> list[dt.timedelta]:
    store = Store(str(database))
    try:
        async with store.read() as session:
            rows = (await session.exec(select(models.SignInLinkRow))).all()
    finally:
        await store.close()
    return [row.expires_at - row.created_at for row in rows]


def test_a_common_password_is_refused_in_english_and_chinese(tmp_path: Path) -> None:
    database = prepared(tmp_path)
    refused = run(database, "password", "li", "--password", "12345678")
    assert refused.exit_code == 1
    assert "the password is one everyone tries first" in refused.output
    assert "这个密码太常见" in refused.output
    assert asyncio.run(passwords(database)) == (True, False)
