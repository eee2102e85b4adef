"""`coordinator validate`, `import`, `generate`, `convert`, `export`: the data bundle in and out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from coordinator import bundle as bundles
from coordinator.cli.support import Context, fail_on_errors, pass_context, today_in, utc_now
from coordinator.services.data import imports


def print_problems(report: bundles.BundleReport) -> None:
    for problem in report.problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)", err=True)


def format_read_as(report: bundles.BundleReport) -> str:
    """`read as GB18030 (GBK): a.csv, b.csv` lines, one per encoding or workbook format."""
    files: dict[str, list[str]] = {}
    for file, label in sorted(report.read_as.items()):
        files.setdefault(label, []).append(file)
    return "\n".join(f"read as {label}: {', '.join(names)}" for label, names in files.items())


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@pass_context
def validate(context: Context, path: Path) -> None:
    """Check a bundle (CSV folder or workbook) and list every problem with file:line."""
    report = bundles.read_bundle(path, imports.read_limits(context.settings().data))
    print_problems(report)
    if report.errors:
        sys.exit(1)
    if report.read_as:
        click.echo(format_read_as(report))
    click.echo(f"{path}: valid")


@click.command(name="import")
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
    settings = context.settings()
    report = bundles.read_bundle(path, imports.read_limits(settings.data))
    if report.bundle is None:
        print_problems(report)
        click.echo("nothing imported", err=True)
        sys.exit(1)
    for problem in report.warnings:
        click.echo(str(problem), err=True)
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
    if report.read_as:
        click.echo(format_read_as(report))
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


@click.command()
@click.argument("outdir", type=click.Path(path_type=Path))
@click.option("--classrooms", type=click.IntRange(1), default=60, show_default=True)
@click.option("--teachers", type=click.IntRange(1), default=25, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--profile",
    type=click.Choice(["loose", "tight", "tight-wide"]),
    default="loose",
    show_default=True,
    help="tight: a shortage county where not every need can be met; tight-wide: as short, "
    "with more sessions and open periods (docs/solver.md).",
)
@click.option("--xlsx", is_flag=True, help="Write one workbook OUTDIR instead of a CSV folder.")
def generate(
    outdir: Path, classrooms: int, teachers: int, seed: int, profile: str, xlsx: bool
) -> None:
    """Write a realistic synthetic bundle of any size (for tests and benchmarks)."""
    from coordinator.bundle.synthetic import generate_bundle

    bundle = generate_bundle(classrooms=classrooms, teachers=teachers, seed=seed, profile=profile)
    write = bundles.write_bundle_xlsx if xlsx else bundles.write_bundle_csv
    write(bundle, outdir)
    click.echo(
        f"wrote {outdir}: {len(bundle.schools)} schools, {len(bundle.classrooms)} "
        f"classrooms, {len(bundle.network_teachers)} network teachers, "
        f"{len(bundle.needs)} needs"
    )


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("destination", type=click.Path(path_type=Path))
def convert(source: Path, destination: Path) -> None:
    """Turn a CSV folder into an .xlsx workbook, or a workbook into a CSV folder."""
    report = bundles.convert(source, destination)
    if report.errors:
        print_problems(report)
        sys.exit(1)
    click.echo(f"wrote {destination}")


@click.command()
@click.argument("destination", type=click.Path(path_type=Path))
@pass_context
@fail_on_errors
def export(context: Context, destination: Path) -> None:
    """Write the current data as a bundle (CSV folder, or .xlsx when the name ends so)."""
    bundle = context.run(imports.load_bundle)
    xlsx = destination.suffix.lower() == ".xlsx"
    (bundles.write_bundle_xlsx if xlsx else bundles.write_bundle_csv)(bundle, destination)
    click.echo(f"wrote {destination}")
