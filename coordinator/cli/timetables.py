"""`coordinator busy-import`: an urban school's own timetable in as busy blocks, previewed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from coordinator.cli.support import Context, fail_on_errors, pass_context, utc_now
from coordinator.services.data import imports, timetables


@click.command(name="busy-import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--store", "store_it", is_flag=True, help="Store the blocks (default: preview).")
@pass_context
@fail_on_errors
def busy_import(context: Context, path: Path, store_it: bool) -> None:
    """Read a teacher's school timetable (Excel grid, aSc XML, FET) as busy blocks.

    Without --store it only shows what would be stored. With it, the busy blocks of the
    teachers the file names are replaced, all or nothing.
    """
    settings = context.settings()
    bundle = context.run(imports.load_bundle, settings)
    preview = timetables.preview_timetable(path, bundle, imports.read_limits(settings.data))
    for problem in preview.problems:
        click.echo(str(problem), err=True)
    click.echo(format_preview(preview))
    if not preview.ok:
        click.echo("nothing stored", err=True)
        sys.exit(1)
    if not store_it:
        click.echo("preview only; run again with --store to store these blocks")
        return
    now = utc_now()
    report, summary = context.run(
        lambda store: timetables.store_timetable(store, preview, now=now), settings
    )
    if summary is None:
        for problem in report.errors:
            click.echo(str(problem), err=True)
        click.echo("nothing stored", err=True)
        sys.exit(1)
    click.echo(f"stored as import run {summary.run_id}")


def format_preview(preview: timetables.TimetablePreview) -> str:
    lines = [f"{preview.file} ({preview.kind or 'unreadable'}): {len(preview.blocks)} busy blocks"]
    for block in preview.blocks:
        note = f"  {block.note}" if block.note else ""
        lines.append(
            f"  {block.teacher_id:<14} weekday {block.weekday} "
            f"{block.start:%H:%M}-{block.end:%H:%M}{note}"
        )
    return "\n".join(lines)
