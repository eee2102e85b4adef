"""The `coordinator` command line: parse, call a service, print."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coordinator import bundle as bundles
from coordinator import schema
from coordinator.cli_support import (
    Context,
    base_url,
    describe_database,
    fail_on_errors,
    pass_context,
    today_in,
    utc_now,
)
from coordinator.observability.logs import use_json_logs
from coordinator.services import demo as demo_service
from coordinator.services import imports
from coordinator.settings import Settings
from coordinator.store import Store

if TYPE_CHECKING:
    from coordinator.demo_process import DemoRun


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


def print_problems(report: bundles.BundleReport) -> None:
    for problem in report.problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)", err=True)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
def validate(path: Path) -> None:
    """Check a bundle (CSV folder or .xlsx) and list every problem with file:line."""
    report = bundles.read_bundle(path)
    print_problems(report)
    if report.errors:
        sys.exit(1)
    click.echo(f"{path}: valid")


@main.command(name="import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--shift-to-today",
    is_flag=True,
    help="Move every date by whole weeks so the bundle's anchor_date is this week.",
)
@pass_context
@fail_on_errors
def import_(context: Context, path: Path, shift_to_today: bool) -> None:
    """Validate a bundle, then write it all or nothing."""
    report = bundles.read_bundle(path)
    if report.bundle is None:
        print_problems(report)
        click.echo("nothing imported", err=True)
        sys.exit(1)
    for problem in report.warnings:
        click.echo(str(problem), err=True)
    settings = context.settings()
    bundle, shift = report.bundle, 0
    if shift_to_today:
        bundle, shift = imports.shift_for_today(bundle, today_in(settings))
    now = utc_now()
    summary = context.run(
        lambda store: imports.import_into(
            store, bundle, source=str(path), now=now, shift_days=shift
        ),
        settings,
        needs_schema=False,
    )
    click.echo(format_summary(summary))


def format_summary(summary: imports.ImportSummary) -> str:
    lines = [f"import run {summary.run_id}:"]
    for name, changes in summary.tables.items():
        lines.append(
            f"  {name:<17} {len(changes.added)} added, {len(changes.changed)} changed, "
            f"{len(changes.retired)} retired, {changes.unchanged} unchanged"
        )
    if not summary.touched:
        lines.append("  nothing changed")
    return "\n".join(lines)


@main.command()
@click.argument("outdir", type=click.Path(path_type=Path))
@click.option("--classrooms", type=click.IntRange(1), default=60, show_default=True)
@click.option("--teachers", type=click.IntRange(1), default=25, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--xlsx", is_flag=True, help="Write one workbook OUTDIR instead of a CSV folder.")
def generate(outdir: Path, classrooms: int, teachers: int, seed: int, xlsx: bool) -> None:
    """Write a realistic synthetic bundle of any size (for tests and benchmarks)."""
    from coordinator.bundle.synthetic import generate_bundle

    bundle = generate_bundle(classrooms=classrooms, teachers=teachers, seed=seed)
    write = bundles.write_bundle_xlsx if xlsx else bundles.write_bundle_csv
    write(bundle, outdir)
    click.echo(
        f"wrote {outdir}: {len(bundle.schools)} schools, {len(bundle.classrooms)} "
        f"classrooms, {len(bundle.network_teachers)} network teachers, "
        f"{len(bundle.needs)} needs"
    )


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("destination", type=click.Path(path_type=Path))
def convert(source: Path, destination: Path) -> None:
    """Turn a CSV folder into an .xlsx workbook, or a workbook into a CSV folder."""
    report = bundles.convert(source, destination)
    if report.errors:
        print_problems(report)
        sys.exit(1)
    click.echo(f"wrote {destination}")


@main.command()
@click.argument("destination", type=click.Path(path_type=Path))
@pass_context
@fail_on_errors
def export(context: Context, destination: Path) -> None:
    """Write the current data as a bundle (CSV folder, or .xlsx when the name ends so)."""
    bundle = context.run(imports.load_bundle)
    xlsx = destination.suffix.lower() == ".xlsx"
    (bundles.write_bundle_xlsx if xlsx else bundles.write_bundle_csv)(bundle, destination)
    click.echo(f"wrote {destination}")


@main.group()
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


@main.command()
@click.option(
    "--bundle",
    "bundle_path",
    type=click.Path(path_type=Path),
    default=Path("config/demo"),
    show_default=True,
    help="The demo bundle.",
)
@click.option(
    "--serve/--no-serve",
    default=True,
    show_default=True,
    help="Serve on server.host:server.port afterwards, with the scheduler beside it.",
)
@click.option("--port", type=click.IntRange(1, 65535), help="Port [default: server.port, 8080].")
@click.option(
    "--simulate",
    is_flag=True,
    help="Play a school day against the API: lessons moved to now, check-ins, streams, alerts.",
)
@click.option(
    "--pace",
    type=click.FloatRange(0.5, 600),
    default=15.0,
    show_default=True,
    help="Seconds between the simulator's steps.",
)
@pass_context
@fail_on_errors
def demo(
    context: Context,
    bundle_path: Path,
    serve: bool,
    port: int | None,
    simulate: bool,
    pace: float,
) -> None:
    """The demo county end to end: fresh database, import, solve, publish, serve, schedule."""
    if simulate and not serve:
        raise click.UsageError("--simulate plays the day against the server: drop --no-serve")
    settings = context.settings()
    server = settings.server.model_copy(update={"port": port or settings.server.port})
    database = context.database or demo_service.DEMO_DATABASE
    settings = settings.model_copy(update={"database_url": database, "server": server})
    click.echo(f"Importing and solving the demo county from {bundle_path} ...")
    now, today, url = utc_now(), today_in(settings), base_url(settings)
    result = context.run(
        lambda store: demo_service.run_demo(
            store, settings, bundle_path, now=now, today=today, base_url=url
        ),
        settings,
        needs_schema=False,
    )
    if not serve:
        click.echo(demo_service.describe(result, url))
        return
    from coordinator.demo_process import DemoRun
    from coordinator.services.secret import secret_key

    settings = demo_service.demo_settings(settings, secret_key(settings))
    steps = dt.timedelta(seconds=pace)
    running = demo_service.running(settings, simulate=simulate, pace=steps)
    click.echo(demo_service.describe(result, url, running))
    run = DemoRun(
        settings,
        click.echo,
        simulate=simulate,
        pace=steps,
        teacher_id=result.teacher_id,
        assistant_id=result.assistant_id,
    )
    serve_forever(settings, demo=run)


@main.command()
@click.option("--host", help="Address to listen on [default: server.host, 127.0.0.1].")
@click.option("--port", type=click.IntRange(1, 65535), help="Port [default: server.port, 8080].")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Web worker processes on the one port (gunicorn); they share the database.",
)
@pass_context
@fail_on_errors
def serve(context: Context, host: str | None, port: int | None, workers: int) -> None:
    """Serve the web application (pages, API, feeds, streaming callbacks)."""
    settings = context.settings()
    server = settings.server.model_copy(
        update={"host": host or settings.server.host, "port": port or settings.server.port}
    )
    serve_forever(settings.model_copy(update={"server": server}), workers)


def serve_forever(settings: Settings, workers: int = 1, demo: DemoRun | None = None) -> None:
    """Serve until stopped; the demo also runs its scheduler (and simulator) in this process."""
    from coordinator import demo_process, server

    host, port = settings.server.host, settings.server.port
    click.echo(
        f"\nServing {describe_database(settings)} on http://{host}:{port}/ with "
        f"{workers} worker(s) (Ctrl+C stops)"
    )
    if demo is not None:
        demo_process.serve_demo(demo)
        return
    server.serve(settings, workers)


def _attach_command_groups() -> None:
    from coordinator import cli_feeds, cli_plan, cli_rebalance, cli_streams, cli_tokens

    main.add_command(cli_plan.solve)
    main.add_command(cli_rebalance.rebalance)
    main.add_command(cli_feeds.feeds)
    main.add_command(cli_streams.streams)
    main.add_command(cli_tokens.tokens)

    from coordinator import cli_worker

    main.add_command(cli_worker.worker)

    from coordinator import cli_users

    main.add_command(cli_users.users)

    from coordinator import cli_reports

    main.add_command(cli_reports.report)


_attach_command_groups()
