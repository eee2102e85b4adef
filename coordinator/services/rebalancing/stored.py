"""Proposals kept in the database: a preview gets an id, applying that id stores exactly it.

The CLI previews in one process and applies in another, so the proposal cannot wait in
memory as the console's does. It is stored whole (the proposed plan, its lesson keys, the
audit details, the stamp of what it was made from); applying refuses it once the timetable or
the data moved on, as the console does, and a proposal is applied at most once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.errors import CoordinatorError, NotFoundError
from coordinator.services.lessons.stored import PublishSummary
from coordinator.services.rebalancing.proposals import (
    Proposed,
    RebalancePreview,
    StalePreviewError,
    Stamp,
    audit_details,
    store_proposed,
)
from coordinator.store import Store
from coordinator.timetable.plan import Plan, PlanStats, Reason, Session, Unmet


class AppliedProposalError(CoordinatorError):
    """The proposal was applied already."""


@dataclass(frozen=True, slots=True)
class AppliedProposal:
    proposal_id: int
    version_id: int
    details: dict[str, Any]  # what was applied, as the audit log has it
    lessons: PublishSummary


async def keep_proposal(
    store: Store, preview: RebalancePreview, *, now: dt.datetime, actor: str, note: str = ""
) -> int:
    """Store a preview as a proposal; its id."""
    row = models.RebalanceProposalRow(
        created_at=now,
        actor=actor,
        base_version_id=preview.base_version_id,
        stamp=asdict(preview.stamp),
        applies_from=preview.dates[0] if preview.dates else None,
        applies_to=preview.dates[1] if preview.dates else None,
        note=note,
        wall_seconds=preview.result.wall_seconds,
        details=audit_details(preview),
        plan=plan_json(preview.result.plan),
        keys=dict(preview.keys),
    )
    async with store.write() as session:
        session.add(row)
        await session.flush()
        assert row.id is not None
        return row.id


async def apply_proposal(
    store: Store, proposal_id: int, *, now: dt.datetime, today: dt.date, actor: str
) -> AppliedProposal:
    """Store the proposal's plan exactly as previewed; refuses a stale or applied one."""
    async with store.read() as session:
        row = await session.get(models.RebalanceProposalRow, proposal_id)
    if row is None:
        raise NotFoundError(f"rebalance proposal {proposal_id} does not exist")
    if row.applied_version_id is not None:
        raise AppliedProposalError(
            f"rebalance proposal {proposal_id} was applied already "
            f"(timetable version {row.applied_version_id})"
        )
    dates = (row.applies_from, row.applies_to) if row.applies_from and row.applies_to else None
    proposed = Proposed(
        row.base_version_id,
        _stamp(row.stamp),
        plan_of(row.plan),
        {str(k): str(v) for k, v in row.keys.items()},
        dates,
        row.wall_seconds,
        {**row.details, "proposal": proposal_id},
    )

    async def mark_applied(session: AsyncSession, version_id: int) -> None:
        held = await session.get(models.RebalanceProposalRow, proposal_id)
        assert held is not None
        held.applied_version_id = version_id
        session.add(held)

    try:
        version_id, lessons = await store_proposed(
            store, proposed, now=now, today=today, actor=actor, note=row.note, stored=mark_applied
        )
    except StalePreviewError as error:
        raise StalePreviewError(f"rebalance proposal {proposal_id}: {error}") from error
    return AppliedProposal(proposal_id, version_id, proposed.details, lessons)


def _stamp(value: dict[str, Any]) -> Stamp:
    return Stamp(
        int(value["active_id"]),
        tuple(int(i) for i in value["temporary_ids"]),
        int(value["import_run"]),
    )


def plan_json(plan: Plan) -> dict[str, Any]:
    """A plan as plain JSON values, read back whole by `plan_of`."""
    return {
        "status": plan.status,
        "stats": asdict(plan.stats),
        "sessions": [
            {
                "id": s.id,
                "teacher_id": s.teacher_id,
                "subject_id": s.subject_id,
                "weekday": s.weekday,
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "classroom_ids": list(s.classroom_ids),
                "pinned_id": s.pinned_id,
            }
            for s in plan.sessions
        ],
        "unmet": [
            {
                "classroom_id": u.classroom_id,
                "subject_id": u.subject_id,
                "periods": u.periods,
                "reason": [u.reason.code, u.reason.params, u.reason.text_en, u.reason.text_zh],
            }
            for u in plan.unmet
        ],
    }


def plan_of(value: dict[str, Any]) -> Plan:
    sessions = tuple(
        Session(
            id=s["id"],
            teacher_id=s["teacher_id"],
            subject_id=s["subject_id"],
            weekday=s["weekday"],
            start=dt.time.fromisoformat(s["start"]),
            end=dt.time.fromisoformat(s["end"]),
            classroom_ids=tuple(s["classroom_ids"]),
            pinned_id=s["pinned_id"],
        )
        for s in value["sessions"]
    )
    unmet = tuple(
        Unmet(u["classroom_id"], u["subject_id"], u["periods"], Reason(*u["reason"]))
        for u in value["unmet"]
    )
    return Plan(value["status"], sessions, unmet, PlanStats(**value["stats"]))
