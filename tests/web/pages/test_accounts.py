"""Accounts: adding users with checked scopes, passwords, and what each role may see."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import SQLModel, select

from coordinator import models
from coordinator.cli import main
from coordinator.errors import NotFoundError
from coordinator.services.accounts.users import (
    AccountError,
    User,
    add_user,
    authenticate,
    can_see,
    scope_of,
)
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import import_bundle
from coordinator.store import Store
from tests.web.pages.support import NOW, PASSWORD, county, stamp_head


def user(role: str, scope: str) -> User:
    kind, _, object_id = scope.partition(":")
    return User(1, "someone", role, kind, object_id, "zh", 0)


def test_each_role_sees_its_own_objects_only() -> None:
    directory = Directory.of(county())
    seen = {
        scope: sorted(
            f"{kind}:{object_id}"
            for kind, ids in (
                ("school", directory.schools),
                ("classroom", directory.classrooms),
                ("teacher", directory.teachers),
                ("assistant", directory.assistants),
            )
            for object_id in ids
            if can_see(scope_of(user(role, scope), directory), kind, object_id)
        )
        for role, scope in (
            ("teacher", "teacher:t-wang"),
            ("assistant", "assistant:a-li"),
            ("admin", "region:da"),
        )
    }
    assert seen == {
        "teacher:t-wang": ["teacher:t-wang"],
        "assistant:a-li": [
            "assistant:a-li",
            "classroom:c-east-3",
            "classroom:c-east-4",
            "school:r-east",
        ],
        "region:da": ["assistant:a-far", "classroom:c-far", "school:r-far"],
    }


async def test_add_user_checks_role_scope_name_and_password(store: Store) -> None:
    await import_bundle(store, county(), source="test", now=NOW)

    async def add(username: str, role: str, scope: str, password: str = PASSWORD) -> User:
        return await add_user(
            store,
            username=username,
            password=password,
            role=role,
            scope=scope,
            now=NOW,
            actor="cli",
        )

    with pytest.raises(AccountError, match="the teacher role is scoped to teacher"):
        await add("x", "teacher", "region:xiao")
    with pytest.raises(NotFoundError, match="no such assistant"):
        await add("x", "assistant", "assistant:a-nobody")
    with pytest.raises(AccountError, match="at least 8 characters"):
        await add("x", "admin", "region:xiao", "short")
    with pytest.raises(NotFoundError, match="no such group"):
        await add("x", "admin", "group:pair-1")  # a pairing, not an education group
    made = await add("admin", "admin", "region:xiao")
    with pytest.raises(AccountError, match="already exists"):
        await add("admin", "admin", "alliance:pair-1")
    async with store.read() as session:
        row = (await session.exec(select(models.UserRow))).one()
        audit = (await session.exec(select(models.AuditRow))).one()
    signed_in = await authenticate(store, "admin", PASSWORD)
    refused = await authenticate(store, "admin", PASSWORD + "!")
    assert row.password_hash.startswith("$argon2id$")
    assert (audit.actor, audit.action, audit.object_id) == ("cli", "user.add", "admin")
    assert (signed_in, refused) == (made, None)


def test_cli_users_add_makes_an_account(tmp_path: Path) -> None:
    database = tmp_path / "cli.db"

    async def prepared() -> None:
        store = Store(str(database))
        async with store.writer.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)
        await stamp_head(store)  # a migrated database, as `coordinator import` leaves it
        await import_bundle(store, county(), source="test", now=NOW)
        await store.close()

    asyncio.run(prepared())
    command = ["--db", str(database), "users", "add", "--role", "assistant", "--scope"]
    made = CliRunner().invoke(
        main, [*command, "assistant:a-li", "--username", "li"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    wrong = CliRunner().invoke(
        main, [*command, "region:xiao", "--username", "x", "--password", PASSWORD]
    )
    assert (made.exit_code, made.output.splitlines()[-1]) == (
        0,
        "user li: assistant, scope assistant:a-li",
    )
    assert (wrong.exit_code, "the assistant role is scoped to assistant" in wrong.output) == (
        1,
        True,
    )
