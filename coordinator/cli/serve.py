"""`coordinator serve` and `coordinator demo`: the web server, alone or with the demo county."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coordinator.cli.support import (
    Context,
    base_url,
    describe_database,
    fail_on_errors,
    pass_context,
    today_in,
    utc_now,
)
from coordinator.services.demo import setup as demo_service
from coordinator.settings import Settings

if TYPE_CHECKING:
    from coordinator.cli.demo_process import DemoRun


@click.command()
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
    from coordinator.cli.demo_process import DemoRun
    from coordinator.services.accounts.secret import secret_key

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


@click.command()
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
    from coordinator.cli import demo_process, server

    host, port = settings.server.host, settings.server.port
    click.echo(
        f"\nServing {describe_database(settings)} on http://{host}:{port}/ with "
        f"{workers} worker(s) (Ctrl+C stops)"
    )
    if demo is not None:
        demo_process.serve_demo(demo)
        return
    server.serve(settings, workers)
