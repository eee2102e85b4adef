"""`coordinator solve`: plan the week and print what was met, and why the rest was not."""

from __future__ import annotations

import json

import click

from coordinator.cli.launch import LAUNCHED
from coordinator.cli.support import Context, fail_on_errors, pass_context, today_in, utc_now
from coordinator.timetable.plan import Plan, plan_to_json


@click.command()
@click.option(
    "--time-limit", type=click.FloatRange(min=0.1), help="Seconds [default: solver.time_limit_s]."
)
@click.option("--json", "as_json", is_flag=True, help="Print the plan as one JSON object.")
@click.option("--bound", is_flag=True, help="Compute the tight LP-relaxation upper bound.")
@pass_context
@fail_on_errors
def solve(context: Context, time_limit: float | None, as_json: bool, bound: bool) -> None:
    """Plan the week: network teachers to rural classrooms; store and publish it."""
    started = LAUNCHED  # the limit counts from the command's launch, loading the code included
    from coordinator.services.planning import solve as planning

    settings = context.settings()
    now, today = utc_now(), today_in(settings)
    stored = context.run(
        lambda store: planning.solve_and_publish(
            store,
            settings,
            now=now,
            today=today,
            time_limit_s=time_limit,
            bound=bound,
            started=started,
        ),
        settings,
    )
    lessons = stored.lessons.counts()
    if as_json:
        payload = {"version_id": stored.version_id, **plan_to_json(stored.plan), "lessons": lessons}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(format_plan(stored.version_id, stored.plan, settings.language))
    click.echo(
        f"  dated lessons: {lessons['added']} added, {lessons['changed']} changed, "
        f"{lessons['cancelled']} cancelled, {lessons['conflicts']} with conflicts "
        "(calendars, double bookings)"
    )


def format_plan(version_id: int, plan: Plan, language: str) -> str:
    stats = plan.stats
    share = stats.delivered_periods / stats.demand_periods if stats.demand_periods else 1.0
    lines = [
        f"timetable version {version_id}: {plan.status}, {stats.wall_seconds:.1f} s",
        f"  delivered {stats.delivered_periods} of {stats.demand_periods} needed periods a week "
        f"({share:.1%}); upper bound {stats.upper_bound_periods}",
        f"  {stats.sessions} live sessions; continuity {stats.continuity:.2f}; "
        f"same-day repeats {stats.same_day_duplicates}; load spread {stats.load_spread}",
    ]
    if plan.unmet:
        lines.append(f"  {len(plan.unmet)} need(s) not fully met:")
    for unmet in plan.unmet:
        reason = unmet.reason.text_zh if language == "zh" else unmet.reason.text_en
        lines.append(f"    {unmet.classroom_id} {unmet.subject_id} -{unmet.periods}: {reason}")
    return "\n".join(lines)
