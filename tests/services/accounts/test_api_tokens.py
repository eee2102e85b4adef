"""Personal API tokens: 256 random bits shown once, hashed at rest, revocable at once."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import select

from coordinator import models
from coordinator.attendance import AuthenticationError
from coordinator.cli import main
from coordinator.errors import NotFoundError
from coordinator.services.accounts.api_tokens import (
    authenticate,
    hash_token,
    issue_token,
    list_tokens,
    revoke_tokens,
)
from coordinator.services.data.imports import import_bundle
from coordinator.store import Store
from coordinator.store.schema import upgrade
from tests.attendance.seed import seed
from tests.factories import small_bundle

NOW = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)


async def test_token_has_256_bits_and_only_its_hash_is_stored(store: Store) -> None:
    await import_bundle(store, small_bundle(), source="test", now=NOW)
    issued = await issue_token(store, assistant_id="a-li", now=NOW, label="phone")
    async with store.read() as session:
        row = (await session.exec(select(models.ApiTokenRow))).one()
    assert (len(issued.token), issued.token.startswith("cot_")) == (47, True)
    assert (row.token_hash, issued.token in str(row.model_dump())) == (
        hash_token(issued.token),
        False,
    )
    assert await authenticate(store, issued.token) == "a-li"


async def test_unknown_token_is_refused(store: Store) -> None:
    with pytest.raises(AuthenticationError):
        await authenticate(store, "cot_not-a-token")


async def test_revoked_token_stops_working_and_cannot_be_revoked_twice(store: Store) -> None:
    await import_bundle(store, small_bundle(), source="test", now=NOW)
    kept = await issue_token(store, assistant_id="a-li", now=NOW)
    lost = await issue_token(store, assistant_id="a-li", now=NOW)
    assert await revoke_tokens(store, now=NOW, token_id=lost.id) == 1
    with pytest.raises(AuthenticationError):
        await authenticate(store, lost.token)
    with pytest.raises(NotFoundError):
        await revoke_tokens(store, now=NOW, token_id=lost.id)
    assert await authenticate(store, kept.token) == "a-li"
    assert [t.revoked_at for t in await list_tokens(store, assistant_id="a-li")] == [None, NOW]


async def test_retired_assistants_token_stops_working(store: Store) -> None:
    await import_bundle(store, small_bundle(), source="test", now=NOW)
    issued = await issue_token(store, assistant_id="a-zhao", now=NOW)
    without_zhao = small_bundle(
        assistants=small_bundle().assistants[:1],
        classrooms=small_bundle().classrooms[:2],
        needs=small_bundle().needs[:2],
    )
    await import_bundle(store, without_zhao, source="test", now=NOW + dt.timedelta(days=1))
    with pytest.raises(AuthenticationError):
        await authenticate(store, issued.token)
    with pytest.raises(NotFoundError):
        await issue_token(store, assistant_id="a-zhao", now=NOW)


def coordinator(database: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(database), "tokens", *args])


def test_cli_issues_lists_and_revokes(tmp_path: Path) -> None:
    database = tmp_path / "coordinator.db"

    async def prepare() -> None:
        store = Store(str(database))
        await upgrade(store)
        await seed(store)
        await store.close()

    asyncio.run(prepare())
    issued = coordinator(database, "issue", "--assistant", "a-li", "--label", "phone")
    token = issued.stdout.strip()
    listed = coordinator(database, "list", "--assistant", "a-li")
    revoked = coordinator(database, "revoke", "--assistant", "a-li")
    unknown = coordinator(database, "issue", "--assistant", "nobody")
    assert (issued.exit_code, token.startswith("cot_"), "API token 3" in issued.stderr) == (
        0,
        True,
        True,
    )
    assert (len(listed.stdout.splitlines()), token in listed.stdout) == (2, False)
    assert revoked.stdout.strip() == "revoked 2 token(s)"
    assert (unknown.exit_code, "no such active assistant" in unknown.stderr) == (1, True)
