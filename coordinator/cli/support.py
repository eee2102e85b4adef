"""What every command shares: settings, a store that is always closed, error handling."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import click

from coordinator.errors import ConfigurationError, CoordinatorError
from coordinator.services.accounts.secret import secret_key
from coordinator.settings import Settings, load_settings
from coordinator.store import Store, database_url
from coordinator.store.schema import current_revision, head_revision

if TYPE_CHECKING:  # messages load their libraries only in the commands that send them
    from coordinator.services.notifications.reminders import Notifier

T = TypeVar("T")


class Context:
    """The main group's object: where the settings come from, and the database to open."""

    def __init__(self, config: Any, database: str | None) -> None:
        self.config = config
        self.database = database

    def settings(self, **overrides: Any) -> Settings:
        return load_settings(self.config, database_url=self.database, **overrides)

    def store(self, settings: Settings | None = None) -> Store:
        """A new store; the caller closes it (prefer `run`, which does)."""
        settings = settings or self.settings()
        return Store(
            settings.database_url,
            busy_timeout_ms=settings.store.sqlite_busy_timeout_ms,
            echo=settings.store.echo_sql,
        )

    def run(
        self,
        work: Callable[[Store], Awaitable[T]],
        settings: Settings | None = None,
        *,
        needs_schema: bool = True,
    ) -> T:
        """Open the database, run one use case on it, and close it whatever happens."""
        store = self.store(settings)
        # The result is handed over beside the task, not as its result: asyncio.run formats
        # its main task's repr (result included) when it restores the Ctrl-C handler, which
        # for a province's plan took half a second.
        results: list[T] = []

        async def opened() -> None:
            try:
                if needs_schema:
                    await require_schema(store)
                results.append(await work(store))
            finally:
                await store.close()

        asyncio.run(opened())
        return results[0]


pass_context = click.make_pass_decorator(Context)


def fail_on_errors(call: Callable[..., T]) -> Callable[..., T]:
    """Domain errors become a one-line message and exit status 1, not a traceback."""

    @wraps(call)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return call(*args, **kwargs)
        except CoordinatorError as error:
            raise click.ClickException(str(error)) from error

    return wrapper


async def require_schema(store: Store) -> None:
    """A command that reads data needs a migrated database: say so instead of a traceback."""
    revision = await current_revision(store)
    if revision is None:
        raise ConfigurationError(
            f"{store.describe()} holds no coordinator data yet: run `coordinator import BUNDLE` "
            "(or `coordinator demo`) first"
        )
    if revision != head_revision():
        raise ConfigurationError(
            f"{store.describe()} is at schema revision {revision}, this coordinator needs "
            f"{head_revision()}: run `coordinator db upgrade`"
        )


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today_in(settings: Settings) -> dt.date:
    """Today's date where the schools are, not where the server happens to run."""
    return utc_now().astimezone(ZoneInfo(settings.default_time_zone)).date()


def base_url(settings: Settings) -> str:
    """The address users reach the server at, for links in feeds and messages."""
    server = settings.server
    return server.public_url or f"http://{server.host}:{server.port}"


def describe_database(settings: Settings) -> str:
    return database_url(settings.database_url).render_as_string(hide_password=True)


def notifier_for(settings: Settings) -> Notifier:
    """What the scheduler's messages need: their settings, and links to the signed go-live and
    watch pages at the server's public address (never a push key or a bare stream)."""
    from coordinator.services.notifications.reminders import Notifier
    from coordinator.services.streaming.teacher_links import signed_pages

    public = (
        settings.notifications.public_url
        or settings.server.public_url
        or f"http://{settings.server.host}:{settings.server.port}"
    )
    pages = signed_pages(lambda: secret_key(settings), public)
    return Notifier(settings.notifications, settings.streams, pages=pages)
