"""The Solve page over real HTTP: start a solve job, follow its progress, publish or refuse.

On SQLite the server runs the job itself; on PostgreSQL a Procrastinate worker (the same code
`coordinator worker` runs) takes it from the queue, here on the test's own event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlmodel import col, select

from coordinator import models
from coordinator.services.jobs.queue import work
from coordinator.store import Store
from tests.web.pages.support import Client, csrf_of, settings, sign_in

HANG_S = 120  # only to catch a hang
JOB = re.compile(r"/solve/jobs/(\d+)$")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@pytest.fixture(autouse=True)
async def solver_worker(arranged: Store) -> AsyncIterator[None]:
    """PostgreSQL: a queue worker beside the server (SQLite: the server runs jobs itself)."""
    if arranged.is_sqlite:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.ensure_future(work(arranged, settings(), utc_now, stop))
    yield
    stop.set()
    await asyncio.wait_for(task, HANG_S)


async def start_solve(client: Client, user: str = "admin", limit: str = "10") -> int:
    assert await sign_in(client, user) == 303
    token = await csrf_of(client, "/solve")
    response = await client.post(
        "/solve", data={"_csrf": token, "time_limit": limit}, allow_redirects=False
    )
    assert response.status == 303, await response.text()
    found = JOB.search(response.headers["Location"])
    assert found is not None
    return int(found.group(1))


async def finished(client: Client, job_id: int) -> dict[str, Any]:
    """The job's progress JSON once it ended, having seen it in progress."""
    async with asyncio.timeout(HANG_S):
        while True:
            response = await client.get(f"/solve/jobs/{job_id}.json")
            assert response.status == 200
            progress: dict[str, Any] = await response.json()
            if progress["ended"]:
                return progress
            await asyncio.sleep(0.2)


async def test_admin_solves_reads_the_proposal_and_publishes_it(
    client: Client, arranged: Store
) -> None:
    job_id = await start_solve(client)
    page = await (await client.get(f"/solve/jobs/{job_id}")).text()
    assert ('<progress id="bar"' in page) or ("发布" in page)  # in progress, or done already
    progress = await finished(client, job_id)
    assert progress["state"] == "done"
    assert progress["delivered"] > 0
    proposal = await (await client.get(f"/solve/jobs/{job_id}")).text()
    assert "一周的新课表" in proposal
    assert f'action="/solve/jobs/{job_id}/publish"' in proposal
    token = await csrf_of(client, f"/solve/jobs/{job_id}")
    response = await client.post(
        f"/solve/jobs/{job_id}/publish", data={"_csrf": token}, allow_redirects=False
    )
    assert response.status == 303, await response.text()
    done = await (await client.get(f"/solve/jobs/{job_id}")).text()
    assert "已发布为第" in done
    async with arranged.read() as session:
        active = (
            await session.exec(
                select(models.TimetableVersionRow).where(col(models.TimetableVersionRow.active))
            )
        ).one()
        audit = (
            await session.exec(
                select(models.AuditRow).where(col(models.AuditRow.action) == "timetable.solve")
            )
        ).one()
    assert (active.kind, audit.actor, audit.object_id) == ("solve", "admin", str(active.id))


async def test_a_proposal_made_stale_by_another_publish_is_refused(client: Client) -> None:
    first = await start_solve(client)
    await finished(client, first)
    second = await start_solve(client)
    await finished(client, second)
    token = await csrf_of(client, f"/solve/jobs/{second}")
    published = await client.post(
        f"/solve/jobs/{second}/publish", data={"_csrf": token}, allow_redirects=False
    )
    assert published.status == 303
    refused = await client.post(
        f"/solve/jobs/{first}/publish", data={"_csrf": token}, allow_redirects=False
    )
    assert refused.status == 409
    assert "请重新排课" in await refused.text()


async def test_another_admins_job_is_not_found_and_a_bad_limit_is_refused(
    client: Client,
) -> None:
    job_id = await start_solve(client)
    await finished(client, job_id)
    await client.post("/signout", data={"_csrf": await csrf_of(client, "/solve")})
    assert await sign_in(client, "pair-admin") == 303
    assert (await client.get(f"/solve/jobs/{job_id}")).status == 404
    assert (await client.get(f"/solve/jobs/{job_id}.json")).status == 404
    token = await csrf_of(client, "/solve")
    response = await client.post("/solve", data={"_csrf": token, "time_limit": "7"})
    assert response.status == 400
    assert "请从给出的时间上限中选择一个" in await response.text()


async def test_the_scopes_offered_are_the_admins_own_and_a_forged_one_is_refused(
    client: Client, arranged: Store
) -> None:
    assert await sign_in(client, "admin") == 303
    page = await (await client.get("/solve")).text()
    assert re.findall(r'<option value="((?:region|alliance):[^"]+)"', page) == [
        "region:xiao",
        "alliance:pair-1",
    ]
    assert "一个联盟或教育集团：城关一小结对" in page
    token = await csrf_of(client, "/solve")
    forged = await client.post(
        "/solve", data={"_csrf": token, "time_limit": "10", "scope": "region:da"}
    )
    assert forged.status == 400
    assert "请选择页面上提供的排课范围之一" in await forged.text()
    chosen = await client.post(
        "/solve",
        data={"_csrf": token, "time_limit": "10", "scope": "alliance:pair-1"},
        allow_redirects=False,
    )
    found = JOB.search(chosen.headers["Location"])
    assert found is not None
    assert (await finished(client, int(found.group(1))))["state"] == "done"
    async with arranged.read() as session:
        jobs = (await session.exec(select(models.JobRow))).all()
    assert [job.params["scope"] for job in jobs] == ["alliance:pair-1"]
    await client.post("/signout", data={"_csrf": token})
    assert await sign_in(client, "pair-admin") == 303
    page = await (await client.get("/solve")).text()
    assert re.findall(r'<option value="((?:region|alliance):[^"]+)"', page) == ["alliance:pair-1"]
