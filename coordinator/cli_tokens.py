"""`coordinator tokens`: issue, list and revoke assistants' personal API tokens."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, Protocol, TypeVar

import click

from coordinator.errors import CoordinatorError
from coordinator.services import api_tokens
from coordinator.store import Store

T = TypeVar("T")


class Context(Protocol):
    """The main group's context object (coordinator.cli.Context); only its store is used."""

    def store(self) -> Store: ...


pass_context = click.pass_obj


def with_store(context: Context, action: Callable[[Store], Awaitable[T]]) -> T:
    """Run one service call on a store opened for it and closed after it."""

    async def call() -> T:
        store = context.store()
        try:
            return await action(store)
        finally:
            await store.close()

    return asyncio.run(call())


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def fail_on_errors(call: Callable[..., None]) -> Callable[..., None]:
    """Domain errors as a one-line message and exit status 1, not a traceback."""

    @wraps(call)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            call(*args, **kwargs)
        except CoordinatorError as error:
            raise click.ClickException(str(error)) from error

    return wrapper


@click.group()
def tokens() -> None:
    """Personal API tokens for assistants (phones, outboxes and scripts)."""


@tokens.command()
@click.option("--assistant", "assistant_id", required=True, help="The assistant's id.")
@click.option("--label", default="", help="What the token is for (e.g. 'Li's phone').")
@pass_context
@fail_on_errors
def issue(context: Context, assistant_id: str, label: str) -> None:
    """Print a new token once; only its SHA-256 is kept, so store it now."""
    issued = with_store(
        context,
        lambda store: api_tokens.issue_token(
            store, assistant_id=assistant_id, now=utc_now(), label=label
        ),
    )
    click.echo(f"API token {issued.id} for assistant {issued.assistant_id}:", err=True)
    click.echo(issued.token)


@tokens.command()
@click.argument("token_id", type=int, required=False)
@click.option("--assistant", "assistant_id", help="Revoke every token of this assistant.")
@pass_context
@fail_on_errors
def revoke(context: Context, token_id: int | None, assistant_id: str | None) -> None:
    """Revoke one token by id, or all of an assistant's tokens; it stops working at once."""
    if (token_id is None) == (assistant_id is None):
        raise click.UsageError("name a TOKEN_ID or --assistant, not both")
    count = with_store(
        context,
        lambda store: api_tokens.revoke_tokens(
            store, now=utc_now(), token_id=token_id, assistant_id=assistant_id
        ),
    )
    click.echo(f"revoked {count} token(s)")


@tokens.command(name="list")
@click.option("--assistant", "assistant_id", help="Only this assistant's tokens.")
@pass_context
@fail_on_errors
def list_(context: Context, assistant_id: str | None) -> None:
    """List tokens (never the tokens themselves): id, assistant, label, issued, revoked."""
    found = with_store(
        context, lambda store: api_tokens.list_tokens(store, assistant_id=assistant_id)
    )
    for info in found:
        revoked = info.revoked_at.isoformat() if info.revoked_at else "active"
        click.echo(
            f"{info.id}\t{info.assistant_id}\t{info.label}\t{info.created_at.isoformat()}\t"
            f"{revoked}"
        )
