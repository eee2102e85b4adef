"""Solving again: self-enrolments kept where the new plan fits them, or all dropped."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlmodel import select

from coordinator import domain, models
from coordinator.services.accounts.users import User, scope_of
from coordinator.services.catalogue.enrol import join_course
from coordinator.services.data.directory import Directory
from coordinator.services.jobs import records
from coordinator.services.jobs.proposals import publish_solve, solve_proposal
from coordinator.services.jobs.solving import KIND, run_solve_job, solve_params
from coordinator.services.lessons.enrolled import lay_enrolments, stored_enrolments
from coordinator.services.lessons.replan import replan_enrolments
from coordinator.services.planning.plans import lesson_keys, load_plan, save_plan
from coordinator.services.planning.solve import solve_and_publish
from coordinator.services.rebalancing.dates import dated_changes, proposed_layer
from coordinator.settings import SolverSettings
from coordinator.store import Store
from coordinator.timetable.build import build_problem
from coordinator.timetable.plan import Session
from coordinator.timetable.validate import validate_plan
from tests.services.catalogue.support import COURSE, TODAY, arrange, options
from tests.web.pages.support import NOW, PLAN, settings

LATER = NOW + dt.timedelta(hours=1)
ART_TUESDAY = Session("art-tue", "t-chen", "art", 2, dt.time(9, 10), dt.time(9, 50), ("c-north-3",))


async def joined(store: Store, bundle: domain.Bundle, *rooms: str) -> None:
    scope = scope_of(User(1, "admin", "admin", "region", "xiao", "zh", 0), Directory.of(bundle))
    for room in rooms:
        await join_course(
            store,
            bundle,
            options(),
            scope,
            pinned_id=COURSE,
            classroom_id=room,
            actor="admin",
            now=LATER,
            today=TODAY,
        )


async def current(store: Store) -> list[str]:
    async with store.read() as session:
        rows = (await session.exec(select(models.EnrolmentRow))).all()
    return sorted(r.classroom_id for r in rows if r.left_from is None)


async def test_keep_ends_only_the_enrolment_the_new_plan_breaks(store: Store) -> None:
    bundle = await arrange(store)
    await joined(store, bundle, "c-north-3", "c-south-4")
    new_plan = dataclasses.replace(PLAN, sessions=(*PLAN.sessions, ART_TUESDAY))
    async with store.write() as session:
        await save_plan(session, new_plan, kind="solve", now=LATER, seed=0, time_limit_s=0)
    ended = await replan_enrolments(store, bundle, options(), keep=True, now=LATER, today=TODAY)
    assert ended == [(COURSE, "c-north-3")]
    assert await current(store) == ["c-south-4"]
    async with store.read() as session:
        audit = (await session.exec(select(models.AuditRow))).all()
    left = [a.details for a in audit if a.action == "course.leave"]
    assert left == [
        {
            "course": COURSE,
            "from": TODAY.isoformat(),
            "reasons": ["classroom_clash", "assistant_clash"],
        }
    ]


async def test_solving_again_with_drop_ends_every_self_enrolment(store: Store) -> None:
    bundle = await arrange(store)
    await joined(store, bundle, "c-north-3")
    solver = SolverSettings(num_workers=1, time_limit_s=5, self_enrolments="drop")
    await solve_and_publish(
        store, settings().model_copy(update={"solver": solver}), now=LATER, today=TODAY
    )
    assert await current(store) == []  # the new plan may enrol it itself, not this row
    async with store.read() as session:
        audit = (await session.exec(select(models.AuditRow))).all()
    assert [a.details["reasons"] for a in audit if a.action == "course.leave"] == [["drop"]]


async def test_rebalance_preview_keeps_self_enrolled_classrooms(store: Store) -> None:
    bundle = await arrange(store)
    await joined(store, bundle, "c-north-3")
    async with store.read() as session:
        version_id, plan = await load_plan(session)
        keys = await lesson_keys(session, version_id)
        changes = await dated_changes(
            session, bundle, proposed_layer(plan, keys, None), today=TODAY
        )
    assert changes == ()  # the same plan proposed again changes no lesson


async def test_solving_again_with_keep_plans_around_the_self_enrolment(store: Store) -> None:
    bundle = await arrange(store)
    await joined(store, bundle, "c-north-3")
    solver = SolverSettings(num_workers=1, time_limit_s=5, self_enrolments="keep")
    await solve_and_publish(
        store, settings().model_copy(update={"solver": solver}), now=LATER, today=TODAY
    )
    assert await current(store) == ["c-north-3"]
    async with store.read() as session:
        version_id, plan = await load_plan(session)
        keys = await lesson_keys(session, version_id)
        laid, _ = lay_enrolments(plan, keys, await stored_enrolments(session))
    problem = build_problem(bundle, options())
    assert validate_plan(problem, laid) == []
    course = next(s for s in laid.sessions if s.pinned_id == COURSE)
    assert "c-north-3" in course.classroom_ids


async def test_publishing_a_console_solve_drops_self_enrolments_when_told(store: Store) -> None:
    bundle = await arrange(store)
    await joined(store, bundle, "c-north-3")
    solver = SolverSettings(num_workers=1, time_limit_s=5, self_enrolments="drop")
    dropping = settings().model_copy(update={"solver": solver})
    params = solve_params(time_limit_s=5.0, scope="")
    job_id = await records.create_job(store, kind=KIND, params=params, requested_by="a", now=LATER)
    assert await run_solve_job(store, dropping, job_id, worker="w", clock=lambda: LATER) == "done"
    proposal = await solve_proposal(store, solver, job_id, today=TODAY)
    await publish_solve(store, dropping, proposal, now=LATER, today=TODAY, actor="admin")
    assert await current(store) == []
    async with store.read() as session:
        audit = (await session.exec(select(models.AuditRow))).all()
        links = (await session.exec(select(models.LessonClassroomRow))).all()
        _, plan = await load_plan(session)
    assert [a.details["reasons"] for a in audit if a.action == "course.leave"] == [["drop"]]
    planned = {room for s in plan.sessions for room in s.classroom_ids}
    in_lessons = {link.classroom_id for link in links}
    assert in_lessons == planned  # no lesson holds a classroom only its dropped enrolment put there
