"""`coordinator users add`: accounts for admins, network teachers and assistants."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

import click

from coordinator.errors import CoordinatorError
from coordinator.services import accounts
from coordinator.store import Store

T = TypeVar("T")


class Context(Protocol):
    """The main group's context object (coordinator.cli.Context); only its store is used."""

    def store(self) -> Store: ...


def with_store(context: Context, action: Callable[[Store], Awaitable[T]]) -> T:
    async def call() -> T:
        store = context.store()
        try:
            return await action(store)
        finally:
            await store.close()

    return asyncio.run(call())


@click.group()
def users() -> None:
    """Accounts that sign in to the pages."""


@users.command()
@click.option("--role", type=click.Choice(accounts.ROLES), required=True)
@click.option(
    "--scope",
    required=True,
    metavar="KIND:ID",
    help="admin: region:ID, alliance:ID or group:ID; teacher: teacher:ID; assistant: assistant:ID.",
)
@click.option("--username", required=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when left out (better: it stays out of the shell history).",
)
@click.pass_obj
def add(context: Context, role: str, scope: str, username: str, password: str) -> None:
    """Add a user; the password is kept only as an argon2id hash."""
    now = dt.datetime.now(dt.UTC)
    try:
        user = with_store(
            context,
            lambda store: accounts.add_user(
                store,
                username=username,
                password=password,
                role=role,
                scope=scope,
                now=now,
                actor="cli",
            ),
        )
    except CoordinatorError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"user {user.username}: {user.role}, scope {user.scope}")
