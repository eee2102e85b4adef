"""A checked upload is staged in the database (not a web process's folder) until imported."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

from sqlmodel import select

from coordinator import domain, models
from coordinator.bundle import write_bundle_xlsx
from coordinator.services.data import staging
from coordinator.services.data.tenancy import region_part
from coordinator.store import Store
from tests.web.pages.data_jobs import confirmed, import_worker
from tests.web.pages.support import Client, county, csrf_of, sign_in, stamp_head
from tests.web.pages.test_data import upload_form

import_worker = import_worker  # PostgreSQL: a queue worker runs the import jobs


async def staged_rows(store: Store) -> list[models.StagedUploadRow]:
    async with store.read() as session:
        return list((await session.exec(select(models.StagedUploadRow))).all())


async def stage_needs(store: Store, at: dt.datetime) -> str:
    return await staging.stage(
        store, owner="admin", file_name="needs.csv", table="needs", data=b"a,b\n", now=at
    )


async def test_upload_is_kept_in_the_database_until_imported(
    client: Client, arranged: Store, tmp_path: Path, import_worker: None
) -> None:
    bundle = region_part(county(), "xiao")
    bundle = dataclasses.replace(
        bundle, subjects=(*bundle.subjects, domain.Subject("science", "科学", "Science"))
    )
    write_bundle_xlsx(bundle, tmp_path / "new.xlsx")
    body = (tmp_path / "new.xlsx").read_bytes()
    await stamp_head(arranged)
    await sign_in(client, "admin")
    token = await csrf_of(client, "/data")
    page = await (
        await client.post("/data/upload", data=upload_form(token, "new.xlsx", body))
    ).text()
    upload_id = re.findall(r'name="upload" value="([0-9a-f]+)"', page)[0]
    [row] = await staged_rows(arranged)
    assert (row.id, row.owner, row.file_name, row.table) == (upload_id, "admin", "new.xlsx", "")
    assert bytes(row.data) == body
    imported = await confirmed(client, token, upload_id)
    assert imported.status == 303
    assert await staged_rows(arranged) == []


async def test_someone_elses_upload_is_not_theirs_and_old_ones_are_forgotten(
    arranged: Store,
) -> None:
    now = dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC)
    old = await stage_needs(arranged, now - dt.timedelta(days=2))
    fresh = await stage_needs(arranged, now - dt.timedelta(hours=1))
    assert await staging.staged(arranged, fresh, owner="someone") is None
    found = await staging.staged(arranged, fresh, owner="admin")
    assert found is not None
    assert (found.table, found.data) == ("needs", b"a,b\n")
    assert await staging.forget_old(arranged, now=now) == 1
    assert [row.id for row in await staged_rows(arranged)] == [fresh]
    assert await staging.staged(arranged, old, owner="admin") is None
