"""One corrected table uploaded alone on the Data page: previewed, then only it changes."""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import col, select

from coordinator import models
from coordinator.bundle import write_bundle_csv
from coordinator.bundle.schema import FILES
from coordinator.services.data.imports import load_bundle
from coordinator.services.data.tenancy import region_part
from coordinator.store import Store
from tests.web.pages.data_jobs import confirmed, import_worker
from tests.web.pages.support import Client, csrf_of, sign_in, stamp_head
from tests.web.pages.test_data import upload_form


async def exported_table(store: Store, folder: Path, table: str) -> list[str]:
    """The table as the admin downloads it (their region's part), line by line."""
    write_bundle_csv(region_part(await load_bundle(store), "xiao"), folder)
    return (folder / f"{table}.csv").read_text(encoding="utf-8-sig").splitlines()


import_worker = import_worker  # PostgreSQL: a queue worker runs the import jobs


async def test_one_corrected_table_is_previewed_then_only_it_changes(
    client: Client, arranged: Store, tmp_path: Path, import_worker: None
) -> None:
    await stamp_head(arranged)
    lines = await exported_table(arranged, tmp_path, "busy_blocks")
    wang = next(i for i, line in enumerate(lines) if line.startswith("t-wang,"))
    cells = lines[wang].split(",")
    cells[3] = "23:00"  # a later end of the block
    lines[wang] = ",".join(cells)
    body = ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    before = await load_bundle(arranged)
    await sign_in(client, "admin")
    token = await csrf_of(client, "/data")
    checked = await client.post("/data/upload", data=upload_form(token, "busy_blocks.csv", body))
    page = await checked.text()
    assert checked.status == 200, page
    assert "表 busy_blocks：新增 0 行，修改 1 行，停用 0 行" in page
    upload_id = re.findall(r'name="upload" value="([0-9a-f]+)"', page)[0]
    imported = await confirmed(client, token, upload_id)
    assert imported.status == 303
    after = await load_bundle(arranged)
    changed = [b for b in after.busy_blocks if b not in before.busy_blocks]
    assert [(b.teacher_id, b.end.isoformat()) for b in changed] == [("t-wang", "23:00:00")]
    for spec in FILES:
        if spec.name != "busy_blocks":
            assert sorted(map(repr, getattr(after, spec.name))) == sorted(
                map(repr, getattr(before, spec.name))
            ), spec.name
    async with arranged.read() as session:
        audit = (
            await session.exec(
                select(models.AuditRow).where(col(models.AuditRow.action) == "data.import")
            )
        ).one()
    assert audit.details["table"] == {"name": "busy_blocks", "added": 0, "changed": 1, "retired": 0}


async def test_a_table_with_errors_or_a_wrong_name_imports_nothing(
    client: Client, arranged: Store, tmp_path: Path
) -> None:
    await stamp_head(arranged)
    lines = await exported_table(arranged, tmp_path, "busy_blocks")
    lines[1] = lines[1].replace(lines[1].split(",")[3], "25:00")
    body = ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    await sign_in(client, "admin")
    token = await csrf_of(client, "/data")
    broken = await client.post("/data/upload", data=upload_form(token, "busy_blocks.csv", body))
    page = await broken.text()
    assert broken.status == 200
    assert "busy_blocks.csv:2 end" in page
    assert 'name="upload"' not in page
    named = await client.post("/data/upload", data=upload_form(token, "bells.csv", body))
    assert named.status == 400
    assert "请用要替换的表名给文件命名" in await named.text()
