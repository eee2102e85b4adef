"""`coordinator rebalance`: preview a minimal change to the timetable, then apply it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import click

from coordinator.cli.support import Context, fail_on_errors, pass_context, today_in, utc_now
from coordinator.domain import Need
from coordinator.errors import CoordinatorError
from coordinator.services.rebalancing import proposals as rebalancing
from coordinator.services.rebalancing import stored
from coordinator.settings import Settings
from coordinator.store import Store
from coordinator.timetable.changes import (
    Change,
    ClassroomRemoved,
    NeedAdded,
    NeedRemoved,
    TeacherUnavailable,
)
from coordinator.timetable.diff import LessonChange, Slot

NOW = "now"  # --apply without an id: preview and apply at once


def parse_change(
    teacher: str | None,
    weekdays: str | None,
    remove_need: str | None,
    add_need: str | None,
    remove_classroom: str | None,
) -> Change:
    given = [v for v in (teacher, remove_need, add_need, remove_classroom) if v]
    if len(given) != 1:
        raise CoordinatorError(
            "name exactly one change: --teacher-unavailable, --remove-need, --add-need "
            "or --remove-classroom"
        )
    if teacher:
        days = tuple(int(day) for day in weekdays.split(",")) if weekdays else ()
        if any(not 1 <= day <= 7 for day in days):
            raise CoordinatorError(f"--weekdays {weekdays!r}: weekdays are 1 (Monday) to 7")
        return TeacherUnavailable(teacher, days)
    if remove_need:
        classroom, _, subject = remove_need.partition(":")
        return NeedRemoved(classroom, subject)
    if add_need:
        parts = add_need.split(":")
        if len(parts) != 3 or not parts[2].isdigit():
            raise CoordinatorError(f"--add-need {add_need!r}: expected CLASSROOM:SUBJECT:PERIODS")
        return NeedAdded(Need(parts[0], parts[1], int(parts[2])))
    assert remove_classroom is not None
    return ClassroomRemoved(remove_classroom)


def _slot(slot: Slot | None) -> str:
    return "—" if slot is None else f"{slot.teacher_id} weekday {slot.weekday} {slot.start:%H:%M}"


def _lines(title: str, changes: tuple[LessonChange, ...]) -> list[str]:
    lines = [f"  {title}: {len(changes)}"]
    lines += [
        f"    {c.classroom_id} {c.subject_id}: {_slot(c.before)} → {_slot(c.after)}"
        for c in changes
    ]
    return lines


def describe(preview: rebalancing.RebalancePreview, language: str) -> str:
    result, diff = preview.result, preview.result.diff
    span = (
        "from now on"
        if preview.dates is None
        else f"for {preview.dates[0]} to {preview.dates[1]} only"
    )
    lines = [
        f"rebalance of timetable version {preview.base_version_id} {span} "
        f"({result.wall_seconds:.1f} s): {preview.change}",
        f"  kept: {len(diff.kept)}",
    ]
    for title, changes in (
        ("moved", diff.moved),
        ("re-assigned", diff.reassigned),
        ("cancelled", diff.cancelled),
        ("newly delivered", diff.added),
    ):
        lines += _lines(title, changes)
    lines.append(
        f"  lessons of unaffected teachers and classrooms changed: {result.unaffected_changed}"
    )
    lines.append(f"  still unmet: {len(diff.unmet)}")
    for unmet in diff.unmet:
        reason = unmet.reason.text_zh if language == "zh" else unmet.reason.text_en
        lines.append(f"    {unmet.classroom_id} {unmet.subject_id} -{unmet.periods}: {reason}")
    return "\n".join(lines)


def as_json(preview: rebalancing.RebalancePreview) -> dict[str, Any]:
    def change_json(c: LessonChange) -> dict[str, Any]:
        def slot(s: Slot | None) -> dict[str, Any] | None:
            return (
                None
                if s is None
                else {"teacher_id": s.teacher_id, "weekday": s.weekday, "start": f"{s.start:%H:%M}"}
            )

        return {
            "classroom_id": c.classroom_id,
            "subject": c.subject_id,
            "before": slot(c.before),
            "after": slot(c.after),
        }

    diff = preview.result.diff
    return {
        "base_version_id": preview.base_version_id,
        "change": {
            "kind": type(preview.change).__name__,
            **json.loads(json.dumps(dataclasses.asdict(preview.change), default=str)),
        },
        "dates": None if preview.dates is None else [d.isoformat() for d in preview.dates],
        "wall_seconds": round(preview.result.wall_seconds, 3),
        "unaffected_changed": preview.result.unaffected_changed,
        "kept": len(diff.kept),
        **{
            name: [change_json(c) for c in getattr(diff, name)]
            for name in ("moved", "reassigned", "cancelled", "added")
        },
        "unmet": [
            {
                "classroom_id": u.classroom_id,
                "subject": u.subject_id,
                "periods": u.periods,
                "reason": u.reason.code,
                "reason_en": u.reason.text_en,
                "reason_zh": u.reason.text_zh,
            }
            for u in diff.unmet
        ],
    }


@click.command()
@click.option(
    "--teacher-unavailable",
    "teacher",
    metavar="TEACHER_ID",
    help="The teacher cannot teach (all week, or --weekdays).",
)
@click.option("--weekdays", metavar="1,3", help="With --teacher-unavailable: only these days.")
@click.option("--remove-need", metavar="CLASSROOM:SUBJECT")
@click.option("--add-need", metavar="CLASSROOM:SUBJECT:PERIODS")
@click.option("--remove-classroom", metavar="CLASSROOM_ID")
@click.option(
    "--from",
    "first",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Only for dates from this day (with --to): a temporary change.",
)
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]), help="Last day of --from.")
@click.option(
    "--apply",
    "apply_",
    is_flag=False,
    flag_value=NOW,
    default=None,
    metavar="[ID]",
    help="Store and publish proposal ID exactly as previewed; with a change and no ID, "
    "preview and apply at once (default: preview and keep it as a proposal).",
)
@click.option("--json", "json_output", is_flag=True, help="Print the diff as JSON.")
@pass_context
@fail_on_errors
def rebalance(
    context: Context,
    teacher: str | None,
    weekdays: str | None,
    remove_need: str | None,
    add_need: str | None,
    remove_classroom: str | None,
    first: dt.datetime | None,
    last: dt.datetime | None,
    apply_: str | None,
    json_output: bool,
) -> None:
    """Repair the active timetable for one change with as few moves as possible.

    Shows what is kept, moved, re-assigned, cancelled, newly delivered and still unmet (with
    reasons); nothing is stored without --apply. Lasting changes to the data (a teacher who
    left, a new classroom) also belong in the bundle: update it and import.
    """
    settings = context.settings()
    if apply_ is not None and apply_ != NOW:
        if any((teacher, remove_need, add_need, remove_classroom, first, last)):
            raise CoordinatorError("--apply ID applies a stored proposal: name no change with it")
        _apply_stored(context, settings, _proposal_id(apply_), json_output)
        return
    change = parse_change(teacher, weekdays, remove_need, add_need, remove_classroom)
    if (first is None) != (last is None):
        raise CoordinatorError("--from and --to go together")
    dates = (first.date(), last.date()) if first and last else None
    now, today = utc_now(), today_in(settings)

    async def work(store: Store) -> tuple[rebalancing.RebalancePreview, int, bool]:
        preview = await rebalancing.preview_rebalance(store, settings.solver, change, dates)
        if apply_ is None:
            kept = await stored.keep_proposal(
                store, preview, now=now, actor="cli", note=str(change)
            )
            return preview, kept, False
        applied = await rebalancing.apply_rebalance(
            store, preview, now=now, today=today, actor="cli", note=str(change)
        )
        return preview, applied.version_id, True

    preview, number, applied = context.run(work, settings)
    if json_output:
        key = "applied_version_id" if applied else "proposal_id"
        click.echo(json.dumps({**as_json(preview), key: number}, ensure_ascii=False, indent=2))
        return
    click.echo(describe(preview, settings.language))
    click.echo(
        f"applied as timetable version {number}; lessons re-dated"
        if applied
        else f"preview only: kept as proposal {number}; "
        f"store it with `coordinator rebalance --apply {number}`"
    )


def _proposal_id(text: str) -> int:
    if not text.isdigit():
        raise CoordinatorError(f"--apply {text!r}: expected the id a preview printed")
    return int(text)


def _apply_stored(
    context: Context, settings: Settings, proposal_id: int, json_output: bool
) -> None:
    now, today = utc_now(), today_in(settings)

    async def work(store: Store) -> stored.AppliedProposal:
        return await stored.apply_proposal(store, proposal_id, now=now, today=today, actor="cli")

    applied = context.run(work, settings)
    if json_output:
        click.echo(
            json.dumps(
                {
                    "proposal_id": proposal_id,
                    "applied_version_id": applied.version_id,
                    "weekly": applied.details["weekly"],
                    "lessons": applied.lessons.counts(),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    weekly = ", ".join(f"{k} {v}" for k, v in applied.details["weekly"].items())
    click.echo(
        f"proposal {proposal_id} applied as timetable version {applied.version_id} "
        f"({weekly}); lessons re-dated"
    )
