"""Confirming an upload runs the import as a job: its page shows progress, then where it ended."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from coordinator import domain, models
from coordinator.bundle import write_bundle_xlsx
from coordinator.services.data import staging
from coordinator.services.data.imports import load_bundle
from coordinator.services.data.tenancy import region_part
from coordinator.services.jobs import importing, records
from coordinator.store import Store
from tests.web.pages.data_jobs import JOB, confirmed, import_worker
from tests.web.pages.support import NOW, Client, county, csrf_of, sign_in, stamp_head
from tests.web.pages.test_data import upload_form

import_worker = import_worker  # PostgreSQL: a queue worker runs the import jobs
EMPTY_ZIP = b"PK\x05\x06" + b"\x00" * 18  # a zip archive holding no file


async def checked_upload(client: Client, tmp_path: Path) -> tuple[str, str]:
    """A valid workbook of the admin's county with one subject more, checked: (token, id)."""
    bundle = region_part(county(), "xiao")
    bundle = dataclasses.replace(
        bundle, subjects=(*bundle.subjects, domain.Subject("science", "科学", "Science"))
    )
    write_bundle_xlsx(bundle, tmp_path / "new.xlsx")
    body = (tmp_path / "new.xlsx").read_bytes()
    await sign_in(client, "admin")
    token = await csrf_of(client, "/data")
    page = await (
        await client.post("/data/upload", data=upload_form(token, "new.xlsx", body))
    ).text()
    return token, re.findall(r'name="upload" value="([0-9a-f]+)"', page)[0]


async def test_import_is_a_job_whose_page_shows_progress_then_the_summary(
    client: Client, arranged: Store, tmp_path: Path, import_worker: None
) -> None:
    await stamp_head(arranged)
    token, upload_id = await checked_upload(client, tmp_path)
    # A job another worker holds (claimed, not ended): its page shows the bar and refreshes.
    params = importing.import_params(upload_id, region="xiao")
    held = await records.create_job(
        arranged, kind=importing.KIND, params=params, requested_by="admin", now=NOW
    )
    assert await records.claim(arranged, held, worker="elsewhere:1", now=dt.datetime.now(dt.UTC))
    waiting = await client.get(f"/data/jobs/{held}")
    page = await waiting.text()
    progress = await (await client.get(f"/data/jobs/{held}.json")).json()
    assert waiting.status == 200
    assert '<progress id="bar"' in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "正在读取文件" in page
    assert (progress["ended"], progress["state_text"]) == (False, "导入中")
    # The admin's own confirm: a job that imports, then the Data page with its summary.
    imported = await confirmed(client, token, upload_id)
    location = imported.headers["Location"]
    run = location.removeprefix("/data?imported=")
    [job] = await records.jobs_of(arranged, requested_by="admin", kind=importing.KIND, limit=1)
    summary = await (await client.get(location)).text()
    assert (imported.status, job.state, str(job.result["run"])) == (303, records.DONE, run)
    assert job.result["tables"]["subjects"]["added"] == 1
    assert f"已导入（第 {run} 次）" in summary
    assert "science" in {s.id for s in (await load_bundle(arranged)).subjects}
    assert await staging.staged(arranged, upload_id, owner="admin") is None


@pytest.mark.parametrize(
    ("file_name", "refused", "said"),
    [
        ("new.zip", importing.UNREADABLE, "zip 是空的"),
        ("new.xlsx", importing.INVALID, "文件已无法通过与现有数据的检查，未导入任何数据"),
    ],
)
async def test_an_import_whose_file_no_longer_passes_writes_nothing_and_says_why(
    client: Client,
    arranged: Store,
    tmp_path: Path,
    import_worker: None,
    file_name: str,
    refused: str,
    said: str,
) -> None:
    await stamp_head(arranged)
    token, upload_id = await checked_upload(client, tmp_path)
    # The staged bytes replaced by a broken file between the check and the confirm.
    await staging.forget(arranged, upload_id)
    async with arranged.write() as session:
        session.add(
            models.StagedUploadRow(
                id=upload_id,
                owner="admin",
                file_name=file_name,
                data=EMPTY_ZIP if file_name.endswith(".zip") else b"PK not a workbook",
                created_at=NOW,
            )
        )
    before = await load_bundle(arranged)
    answer = await confirmed(client, token, upload_id)
    page = await answer.text()
    [job] = await records.jobs_of(arranged, requested_by="admin", kind=importing.KIND, limit=1)
    assert (answer.status, job.state, job.result["refused"]) == (400, records.FAILED, refused)
    assert said in page
    assert await load_bundle(arranged) == before


async def test_someone_elses_import_job_is_not_found(
    client: Client, arranged: Store, tmp_path: Path
) -> None:
    params = importing.import_params("0" * 32, region="xiao")
    job = await records.create_job(
        arranged, kind=importing.KIND, params=params, requested_by="someone", now=NOW
    )
    await sign_in(client, "admin")
    assert (await client.get(f"/data/jobs/{job}")).status == 404
    assert (await client.get(f"/data/jobs/{job}.json")).status == 404
    assert JOB.match(f"/data/jobs/{job}")
