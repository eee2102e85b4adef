"""The `coordinator` command line: parse, call a service, print.

One module per command group; this one builds the group and attaches them.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from coordinator.cli import (
    data,
    db,
    feeds,
    notify,
    plan,
    rebalance,
    reports,
    serve,
    streams,
    timetables,
    tokens,
    users,
    worker,
)
from coordinator.cli.support import Context
from coordinator.observability.logs import use_json_logs


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file [default: config/coordinator.toml if it exists].",
)
@click.option(
    "--db",
    "database",
    metavar="URL",
    help="Database URL or SQLite file (overrides COORDINATOR_DATABASE_URL).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    envvar="COORDINATOR_LOG_FORMAT",
    default="text",
    show_default=True,
    help="json: one JSON object per line, with the request id (env COORDINATOR_LOG_FORMAT).",
)
@click.version_option(package_name="coordinator")
@click.pass_context
def main(
    ctx: click.Context, config: Path | None, database: str | None, verbose: int, log_format: str
) -> None:
    """Live-class scheduler and dual-teacher lesson coordinator."""
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    if log_format == "json":
        use_json_logs(level)
    else:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = Context(config, database)


for command in (
    data.validate,
    data.import_,
    data.generate,
    data.convert,
    data.export,
    db.db,
    serve.demo,
    serve.serve,
    plan.solve,
    rebalance.rebalance,
    feeds.feeds,
    streams.streams,
    tokens.tokens,
    worker.worker,
    users.users,
    reports.report,
    notify.notify,
    timetables.busy_import,
):
    main.add_command(command)
