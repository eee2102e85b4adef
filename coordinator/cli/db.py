"""`coordinator db`: bring the database schema to the newest revision, or say where it is."""

from __future__ import annotations

import json

import click

from coordinator.cli.support import Context, describe_database, fail_on_errors, pass_context
from coordinator.store import Store, schema


@click.group()
def db() -> None:
    """Database schema: upgrade, current revision."""


@db.command()
@pass_context
@fail_on_errors
def upgrade(context: Context) -> None:
    """Bring the database schema to the newest revision."""

    async def upgraded(store: Store) -> str | None:
        await schema.upgrade(store)
        return await schema.current_revision(store)

    revision = context.run(upgraded, needs_schema=False)
    click.echo(f"{describe_database(context.settings())}: schema at revision {revision}")


@db.command()
@pass_context
@fail_on_errors
def current(context: Context) -> None:
    """Print the database's schema revision and the newest one."""
    revision = context.run(schema.current_revision, needs_schema=False)
    click.echo(json.dumps({"current": revision, "head": schema.head_revision()}))
