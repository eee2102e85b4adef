"""A teacher's busy blocks edited in place: checked like the CSV, all or nothing, audited."""

from __future__ import annotations

from sqlmodel import col, select

from coordinator import models
from coordinator.services.data.imports import load_bundle
from coordinator.store import Store
from tests.web.pages.support import Client, csrf_of, sign_in, stamp_head

PAGE = "/data/teachers/t-wang/busy"


async def wang_blocks(store: Store) -> list[tuple[int, str, str]]:
    bundle = await load_bundle(store)
    return sorted(
        (b.weekday, f"{b.start:%H:%M}", f"{b.end:%H:%M}")
        for b in bundle.busy_blocks
        if b.teacher_id == "t-wang"
    )


async def test_busy_blocks_are_edited_in_place_and_audited(client: Client, arranged: Store) -> None:
    await stamp_head(arranged)
    others = [b for b in (await load_bundle(arranged)).busy_blocks if b.teacher_id != "t-wang"]
    await sign_in(client, "admin")
    page = await (await client.get(PAGE)).text()
    assert "王丽 的本校占用时段" in page
    token = await csrf_of(client, PAGE)
    form = {
        "_csrf": token,
        "weekday-0": "2",
        "start-0": "13:00",
        "end-0": "14:30",
        "note-0": "教研",
    }
    form |= {"weekday-1": "1", "start-1": "", "end-1": "", "note-1": ""}  # an empty row
    saved = await client.post(PAGE, data=form, allow_redirects=False)
    assert saved.status == 303, await saved.text()
    assert await wang_blocks(arranged) == [(2, "13:00", "14:30")]
    after = await load_bundle(arranged)
    assert [b for b in after.busy_blocks if b.teacher_id != "t-wang"] == others
    async with arranged.read() as session:
        audit = (
            await session.exec(
                select(models.AuditRow).where(col(models.AuditRow.action) == "data.busy_blocks")
            )
        ).one()
    assert (audit.actor, audit.object_id, audit.details["teacher"]) == ("admin", "t-wang", "t-wang")


async def test_a_wrong_row_is_answered_beside_it_and_nothing_is_stored(
    client: Client, arranged: Store
) -> None:
    await stamp_head(arranged)
    before = await wang_blocks(arranged)
    await sign_in(client, "admin")
    token = await csrf_of(client, PAGE)
    form = {"_csrf": token, "weekday-0": "1", "start-0": "09:00", "end-0": "10:00"}
    form |= {"weekday-1": "3", "start-1": "25:00", "end-1": "26:00", "note-1": ""}
    refused = await client.post(PAGE, data=form)
    page = await refused.text()
    assert refused.status == 400
    assert page.count('<tr class="error">') == 1
    assert 'value="25:00"' in page  # what was typed stays in the form
    assert await wang_blocks(arranged) == before


async def test_a_teacher_outside_the_scope_is_not_found(client: Client) -> None:
    await sign_in(client, "admin")
    assert (await client.get("/data/teachers/t-nobody/busy")).status == 404
