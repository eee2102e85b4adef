"""Stored proposals: a preview gets an id, applying it stores exactly the previewed plan."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import col, func, select

from coordinator import models
from coordinator.cli import main
from coordinator.errors import NotFoundError
from coordinator.services.data.imports import import_bundle
from coordinator.services.planning.plans import lesson_keys, load_plan
from coordinator.services.planning.solve import solve_and_store
from coordinator.services.rebalancing.proposals import StalePreviewError, preview_rebalance
from coordinator.services.rebalancing.stored import (
    AppliedProposalError,
    apply_proposal,
    keep_proposal,
    plan_json,
    plan_of,
)
from coordinator.store import Store
from coordinator.timetable.changes import NeedRemoved, TeacherUnavailable
from tests.conftest import fresh_postgres_database
from tests.factories import small_bundle
from tests.services.rebalancing.test_rebalancing import NOW, SICK, SOLVER, TODAY, published

LATER = NOW + dt.timedelta(hours=1)
DEMO = Path(__file__).parents[3] / "config" / "demo"


async def versions(store: Store) -> int:
    async with store.read() as session:
        return (await session.exec(select(func.count(col(models.TimetableVersionRow.id))))).one()


async def test_applied_proposal_is_exactly_the_previewed_plan(store: Store) -> None:
    await published(store)
    preview = await preview_rebalance(store, SOLVER, TeacherUnavailable("t-chen"), SICK)
    proposal = await keep_proposal(store, preview, now=NOW, actor="test")
    assert await versions(store) == 1  # kept, not applied
    applied = await apply_proposal(store, proposal, now=LATER, today=TODAY, actor="test")
    async with store.read() as session:
        version_id, plan = await load_plan(session, applied.version_id)
        keys = await lesson_keys(session, version_id)
        audit = (await session.exec(select(models.AuditRow))).one()
        row = await session.get(models.RebalanceProposalRow, proposal)
    assert plan.sessions == tuple(
        sorted(preview.result.plan.sessions, key=lambda s: (s.teacher_id, s.weekday, s.start, s.id))
    )
    assert plan.unmet == preview.result.plan.unmet
    assert keys == {s.id: preview.keys.get(s.id, s.id) for s in plan.sessions}
    assert audit.details["proposal"] == proposal
    assert audit.details["weekly"]["unaffected_changed"] == preview.result.unaffected_changed
    assert row is not None
    assert row.applied_version_id == applied.version_id


async def test_proposal_is_refused_once_stale_and_stores_nothing(store: Store) -> None:
    await published(store)
    preview = await preview_rebalance(store, SOLVER, NeedRemoved("c-east-4", "art"))
    proposal = await keep_proposal(store, preview, now=NOW, actor="test")
    await solve_and_store(store, SOLVER, now=NOW + dt.timedelta(minutes=5))
    with pytest.raises(StalePreviewError, match=f"proposal {proposal}: .*preview the change"):
        await apply_proposal(store, proposal, now=LATER, today=TODAY, actor="test")
    assert await versions(store) == 2
    async with store.read() as session:
        row = await session.get(models.RebalanceProposalRow, proposal)
    assert row is not None
    assert row.applied_version_id is None


async def test_proposal_is_applied_once_and_unknown_ids_are_named(store: Store) -> None:
    await published(store)
    preview = await preview_rebalance(store, SOLVER, TeacherUnavailable("t-chen"))
    proposal = await keep_proposal(store, preview, now=NOW, actor="test")
    applied = await apply_proposal(store, proposal, now=LATER, today=TODAY, actor="test")
    with pytest.raises(AppliedProposalError, match=f"version {applied.version_id}"):
        await apply_proposal(store, proposal, now=LATER, today=TODAY, actor="test")
    with pytest.raises(NotFoundError, match="proposal 999 does not exist"):
        await apply_proposal(store, 999, now=LATER, today=TODAY, actor="test")
    assert await versions(store) == 2


async def test_plan_json_reads_back_whole(store: Store) -> None:
    await import_bundle(store, small_bundle(), source="test", now=NOW)
    await solve_and_store(store, SOLVER, now=NOW)
    async with store.read() as session:
        _, plan = await load_plan(session)
    assert plan_of(plan_json(plan)) == plan


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def cli_preview_then_apply_by_id(db: str) -> None:
    assert invoke("--db", db, "import", str(DEMO)).exit_code == 0
    assert invoke("--db", db, "solve", "--time-limit", "3").exit_code == 0
    change = ("rebalance", "--teacher-unavailable", "t-wangli")
    preview = invoke("--db", db, *change, "--json")
    assert preview.exit_code == 0, preview.output
    first = json.loads(preview.output)["proposal_id"]
    second = json.loads(invoke("--db", db, *change, "--json").output)["proposal_id"]
    assert second == first + 1
    applied = invoke("--db", db, "rebalance", "--apply", str(first))
    assert applied.exit_code == 0, applied.output
    assert f"proposal {first} applied as timetable version 2" in applied.output
    again = CliRunner().invoke(main, ["--db", db, "rebalance", "--apply", str(second)])
    assert again.exit_code == 1
    assert f"rebalance proposal {second}: the timetable or the data changed" in again.output
    twice = CliRunner().invoke(main, ["--db", db, "rebalance", "--apply", str(first)])
    assert twice.exit_code == 1
    assert "was applied already (timetable version 2)" in twice.output
    mixed = CliRunner().invoke(main, ["--db", db, *change, "--apply", str(first)])
    assert mixed.exit_code == 1
    assert "name no change with it" in mixed.output


def test_cli_preview_prints_an_id_and_apply_id_stores_it_sqlite(tmp_path: Path) -> None:
    cli_preview_then_apply_by_id(str(tmp_path / "county.db"))


@pytest.mark.postgres
def test_cli_preview_prints_an_id_and_apply_id_stores_it_postgresql() -> None:
    with fresh_postgres_database() as url:
        cli_preview_then_apply_by_id(url)
