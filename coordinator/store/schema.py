"""Schema migrations: bring a database to the newest revision, or tell how far behind it is."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from coordinator.store import Store

MIGRATIONS = Path(__file__).parent.parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def upgrade(store: Store, revision: str = "head") -> None:
    """Apply every migration up to `revision` in one transaction."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with store.writer.begin() as connection:
        await connection.run_sync(run)


async def current_revision(store: Store) -> str | None:
    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with store.reader.connect() as connection:
        return await connection.run_sync(read)


async def make_revision(store: Store, message: str) -> None:
    """Autogenerate a new revision from the models (for developers changing the schema)."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)

    async with store.writer.begin() as connection:
        await connection.run_sync(run)


async def pending_model_changes(store: Store) -> list[object]:
    """What the models declare that the migrations do not create (empty when in step)."""
    from alembic.autogenerate import compare_metadata
    from sqlmodel import SQLModel

    import coordinator.models  # noqa: F401  (registers the tables)

    def compare(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))

    async with store.reader.connect() as connection:
        return await connection.run_sync(compare)
