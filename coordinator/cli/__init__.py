"""The `coordinator` command line: parse, call a service, print.

One module per command group; this one builds the group and names them. A command's module
is imported only when that command runs (or help lists it): `solve` does not pay for the job
queue's, the spreadsheets' or the messages' libraries, and its time limit counts from launch.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

import click

from coordinator.cli.launch import LAUNCHED
from coordinator.cli.support import Context
from coordinator.observability.logs import use_json_logs

__all__ = ["LAUNCHED", "main"]

# command name → "module:attribute" of its click command
COMMANDS = {
    "validate": "data:validate",
    "import": "data:import_",
    "generate": "data:generate",
    "convert": "data:convert",
    "export": "data:export",
    "db": "db:db",
    "demo": "serve:demo",
    "serve": "serve:serve",
    "solve": "plan:solve",
    "rebalance": "rebalance:rebalance",
    "feeds": "feeds:feeds",
    "streams": "streams:streams",
    "tokens": "tokens:tokens",
    "worker": "worker:worker",
    "users": "users:users",
    "report": "reports:report",
    "notify": "notify:notify",
    "busy-import": "timetables:busy_import",
}


class LazyGroup(click.Group):
    """The main group: commands load their module when asked for (click's lazy-loading
    pattern, "Advanced Patterns" in its docs)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or cmd_name in self.commands:
            return super().get_command(ctx, cmd_name)
        module, attribute = COMMANDS[cmd_name].split(":")
        command = getattr(importlib.import_module(f"coordinator.cli.{module}"), attribute)
        if not isinstance(command, click.Command) or command.name != cmd_name:
            raise RuntimeError(
                f"coordinator.cli.{module}.{attribute} is not the {cmd_name!r} command"
            )
        self.add_command(command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
