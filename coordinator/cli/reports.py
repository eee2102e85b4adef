"""`coordinator report`: attendance, 开齐开足 and failure tables (text, CSV, XLSX, JSON), charts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from coordinator import reporting
from coordinator.cli.support import Context, fail_on_errors, pass_context, utc_now
from coordinator.reporting import Dimension, Facts, ScopeFilter, Table
from coordinator.services.reporting.facts import load_facts

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("table", "csv", "xlsx", "json", "jsonl")


def _date(_ctx: click.Context, param: click.Parameter, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-23", param=param) from error


def _moment(_ctx: click.Context, param: click.Parameter, value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise click.BadParameter(
            f"{value!r}: give a time with its offset, e.g. 2026-11-27T12:00+08:00", param=param
        )
    return moment.astimezone(dt.UTC)


def _scope(_ctx: click.Context, _param: click.Parameter, value: str | None) -> ScopeFilter | None:
    try:
        return ScopeFilter.parse(value) if value else None
    except reporting.ReportError as error:
        raise click.BadParameter(str(error)) from error


def _month(_ctx: click.Context, param: click.Parameter, value: str) -> tuple[dt.date, dt.date]:
    try:
        first = dt.date.fromisoformat(f"{value}-01")
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a month (YYYY-MM)", param=param) from None
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def period_options(command: F) -> F:
    """--from, --to, --scope, --language and --as-of, shared by every report."""
    options = [
        click.option("--from", "first", required=True, metavar="DATE", callback=_date),
        click.option("--to", "last", required=True, metavar="DATE", callback=_date),
        click.option(
            "--scope",
            callback=_scope,
            metavar="KIND:ID",
            help="region:ID, alliance:ID, school:ID or classroom:ID [default: everything].",
        ),
        click.option(
            "--language", type=click.Choice(["zh", "en"]), default="zh", show_default=True
        ),
        click.option(
            "--as-of",
            callback=_moment,
            metavar="TIME",
            help="Lessons started by this time are due [default: now].",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def output_options(command: F) -> F:
    command = click.option(
        "--output", type=click.Path(path_type=Path, dir_okay=False), help="File [default: stdout]."
    )(command)
    return click.option(
        "--format", "form", type=click.Choice(FORMATS), default="table", show_default=True
    )(command)


def facts_of(
    context: Context,
    first: dt.date,
    last: dt.date,
    as_of: dt.datetime | None,
    scope: ScopeFilter | None,
) -> Facts:
    """The period's facts, only the scope's classrooms read."""
    moment = as_of or utc_now()
    return context.run(
        lambda store: load_facts(store, first=first, last=last, as_of=moment, scope=scope)
    )


def emit(table: Table, form: str, language: str, output: Path | None) -> None:
    """Write the table in the chosen format to the file, or to stdout."""
    data: bytes
    if form == "csv":
        data = reporting.to_csv(table, language)
    elif form == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx needs --output FILE.xlsx")
        data = reporting.to_xlsx(table, language)
    elif form == "json":
        data = (reporting.to_json(table) + "\n").encode("utf-8")
    elif form == "jsonl":
        data = reporting.to_jsonl(table).encode("utf-8")
    else:
        data = reporting.to_text(table, language).encode("utf-8")
    if output is None:
        click.echo(data, nl=False)  # bytes go to stdout's binary buffer as they are
        return
    output.write_bytes(data)
    click.echo(f"wrote {output} ({len(table.rows)} rows)", err=True)


@click.group()
def report() -> None:
    """Reports over a period: attendance, 开齐开足, failure causes, charts."""


@report.command()
@click.option(
    "--by",
    type=click.Choice([d.value for d in Dimension]),
    default=Dimension.CLASSROOM.value,
    show_default=True,
)
@period_options
@output_options
@pass_context
@fail_on_errors
def attendance(
    context: Context,
    by: str,
    first: dt.date,
    last: dt.date,
    scope: ScopeFilter | None,
    language: str,
    as_of: dt.datetime | None,
    form: str,
    output: Path | None,
) -> None:
    """Planned, delivered, checked-in and failed lessons per group (see docs/reports.md)."""
    facts = facts_of(context, first, last, as_of, scope)
    found = reporting.attendance_report(facts, Dimension(by), scope)
    emit(reporting.attendance_table(found), form, language, output)


@report.command()
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=reporting.DEFAULT_THRESHOLD,
    show_default=True,
    help="Flag needs whose completion rate is below this fraction.",
)
@period_options
@output_options
@pass_context
@fail_on_errors
def kaiqi(
    context: Context,
    threshold: float,
    first: dt.date,
    last: dt.date,
    scope: ScopeFilter | None,
    language: str,
    as_of: dt.datetime | None,
    form: str,
    output: Path | None,
) -> None:
    """开齐开足: periods needed vs delivered per classroom and subject."""
    facts = facts_of(context, first, last, as_of, scope)
    found = reporting.kaiqi_report(facts, scope, threshold)
    emit(reporting.kaiqi_table(found), form, language, output)


@report.command()
@click.option("--month", required=True, metavar="YYYY-MM", callback=_month)
@click.option("--scope", callback=_scope, metavar="KIND:ID", help="As for the other reports.")
@click.option("--language", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--as-of", callback=_moment, metavar="TIME", help="[default: now]")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), required=True)
@pass_context
@fail_on_errors
def monthly(
    context: Context,
    month: tuple[dt.date, dt.date],
    scope: ScopeFilter | None,
    language: str,
    as_of: dt.datetime | None,
    output: Path,
) -> None:
    """The month's summary workbook a county hands upwards: attendance by school, 开齐开足,
    and every classroom lesson (docs/reports.md)."""
    facts = facts_of(context, *month, as_of, scope)
    tables = (
        reporting.attendance_table(reporting.attendance_report(facts, Dimension.SCHOOL, scope)),
        reporting.kaiqi_table(reporting.kaiqi_report(facts, scope, reporting.DEFAULT_THRESHOLD)),
        reporting.lessons_table(facts, scope),
    )
    title = f"{month[0]:%Y-%m}"
    output.write_bytes(reporting.to_xlsx_book(tables, language, title=title))
    click.echo(f"wrote {output} ({len(tables)} sheets)", err=True)


@report.command()
@period_options
@output_options
@pass_context
@fail_on_errors
def lessons(
    context: Context,
    first: dt.date,
    last: dt.date,
    scope: ScopeFilter | None,
    language: str,
    as_of: dt.datetime | None,
    form: str,
    output: Path | None,
) -> None:
    """Every classroom lesson, one row each, in the stable per-lesson columns (docs/reports.md)."""
    facts = facts_of(context, first, last, as_of, scope)
    emit(reporting.lessons_table(facts, scope), form, language, output)


@report.command()
@period_options
@output_options
@pass_context
@fail_on_errors
def failures(
    context: Context,
    first: dt.date,
    last: dt.date,
    scope: ScopeFilter | None,
    language: str,
    as_of: dt.datetime | None,
    form: str,
    output: Path | None,
) -> None:
    """Failed lessons per cause (stream failed, no signal, no teacher, no power)."""
    facts = facts_of(context, first, last, as_of, scope)
    lines = reporting.failure_causes(facts, scope)
    emit(reporting.causes_table(lines, facts.period), form, language, output)


@report.command()
@click.argument("kind", type=click.Choice(["weekly", "failures"]))
@period_options
@click.option("--style", type=click.Choice([s.value for s in reporting.Style]), help="bar or line.")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), required=True)
@pass_context
@fail_on_errors
def chart(
    context: Context,
    kind: str,
    first: dt.date,
    last: dt.date,
    scope: ScopeFilter | None,
    language: str,
    as_of: dt.datetime | None,
    style: str | None,
    output: Path,
) -> None:
    """An SVG chart: weekly delivery rate, or failures by cause."""
    facts = facts_of(context, first, last, as_of, scope)
    if kind == "weekly":
        weekly = reporting.attendance_report(facts, Dimension.WEEK, scope)
        drawn = reporting.weekly_delivery_chart(weekly, reporting.Style(style or "line"))
    else:
        drawn = reporting.failure_chart(reporting.failure_causes(facts, scope))
        if style:
            drawn = reporting.Chart(drawn.title, drawn.points, reporting.Style(style))
    output.write_text(reporting.chart_svg(drawn, language), encoding="utf-8")
    click.echo(f"wrote {output}", err=True)
