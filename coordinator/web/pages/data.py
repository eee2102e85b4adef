"""Data: upload a bundle, read its validation report, import it on confirm, download the data.

Each region admin works on their own county only: the download holds the region's rows and
the shared rows they use; an upload replaces the region's rows and may not add or change any
other county's (refused, naming them, before anything is written).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp_session import get_session

from coordinator.bundle import BundleReport, write_bundle_xlsx
from coordinator.bundle.schema import FILES
from coordinator.services.data import staging, uploaded
from coordinator.services.data.imports import load_bundle
from coordinator.services.data.one_table import (
    TableChanges,
    UnknownTableError,
)
from coordinator.services.data.tenancy import OutsideRegion, region_part
from coordinator.services.jobs import importing, records
from coordinator.web.collation import pinyin_key
from coordinator.web.csrf import MULTIPART
from coordinator.web.i18n import gettext_of
from coordinator.web.keys import JOB_RUNNER, STORE
from coordinator.web.pages import data_job, uploads
from coordinator.web.pages.access import VIEWER, allow
from coordinator.web.pages.base import page_context, render
from coordinator.web.pages.config import PAGES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _page(
    request: web.Request,
    *,
    report: BundleReport | None = None,
    upload_id: str = "",
    error: str = "",
    status: int = 200,
    changes: TableChanges | None = None,
) -> web.Response:
    context = await page_context(request)
    directory, scope = request[VIEWER].directory, request[VIEWER].scope
    teachers = sorted(
        (t for t in directory.teachers.values() if t.id in scope.teachers),
        key=lambda t: pinyin_key(t.name),
    )
    context.update(
        report=report,
        upload_id=upload_id,
        error=error,
        imported=None,
        changes=changes,
        busy_teachers=teachers,
        edit_schools=_named(directory.schools, scope.schools),
        edit_classrooms=_named(directory.classrooms, scope.classrooms),
        edited=request.query.get("edited", ""),
    )
    if "imported" in request.query:
        context["imported"] = request.query["imported"]
    return render("data.html", request, context, status=status)


def _named(objects: Mapping[str, Any], ids: frozenset[str]) -> list[Any]:
    """The people and places in scope in pinyin order."""
    return sorted((o for key, o in objects.items() if key in ids), key=lambda o: pinyin_key(o.name))


@allow("admin", region_only=True)
async def data_page(request: web.Request) -> web.Response:
    return await _page(request)


async def _checked(
    request: web.Request, upload: uploads.Received
) -> tuple[BundleReport, TableChanges | None]:
    """An upload checked with the stored data; for one table, what it changes."""
    region, limits = request[VIEWER].user.scope_id, request.app[PAGES].read_limits
    return await uploaded.checked(
        request.app[STORE], region, upload.file_name, upload.table, upload.data, limits
    )


def _unknown_table(request: web.Request) -> str:
    names = ", ".join(f"{spec.name}.csv" for spec in FILES)
    text = gettext_of(request, "Name the file after the table it replaces, one of: %(names)s")
    return text % {"names": names}


def _outside(request: web.Request, refused: OutsideRegion) -> str:
    names = ", ".join(refused.names[:20]) + (" …" if len(refused.names) > 20 else "")
    text = gettext_of(
        request, "The file changes data outside your scope; nothing was imported: %(names)s"
    )
    return text % {"names": names}


@allow("admin", region_only=True)
async def upload(request: web.Request) -> web.Response:
    if MULTIPART not in request:  # not a file upload: the form was read as url-encoded
        text = gettext_of(request, "choose a .zip or .xlsx file")
        return await _page(request, error=text, status=400)
    reader = request[MULTIPART]
    try:
        received = await uploads.receive(reader, request.app[PAGES].upload_limit_bytes)
        report, changes = await _checked(request, received)
    except uploads.UploadError as error:
        return await _page(request, error=gettext_of(request, str(error)), status=400)
    except UnknownTableError:
        return await _page(request, error=_unknown_table(request), status=400)
    except OutsideRegion as refused:
        return await _page(request, error=_outside(request, refused), status=400)
    if not report.ok:
        return await _page(request, report=report, changes=changes)
    upload_id = await staging.stage(
        request.app[STORE],
        owner=request[VIEWER].user.username,
        file_name=received.file_name,
        table=received.table,
        data=received.data,
        now=request.app[PAGES].clock(),
    )
    session = await get_session(request)
    session["upload"] = upload_id
    return await _page(request, report=report, upload_id=upload_id, changes=changes)


@allow("admin", region_only=True)
async def import_upload(request: web.Request) -> web.StreamResponse:
    """All or nothing, as a job: the staged file is checked again and written by a worker."""
    form = await request.post()
    session = await get_session(request)
    upload_id = str(form.get("upload", ""))
    store, user = request.app[STORE], request[VIEWER].user
    known = upload_id and session.get("upload") == upload_id and upload_id.isalnum()
    if not known or await staging.staged(store, upload_id, owner=user.username) is None:
        return await _page(request, error=gettext_of(request, "Upload the file again."), status=400)
    job_id = await records.create_job(
        store,
        kind=importing.KIND,
        params=importing.import_params(upload_id, region=user.scope_id),
        requested_by=user.username,
        now=request.app[PAGES].clock(),
    )
    await request.app[JOB_RUNNER].submit(job_id)
    session["upload"] = ""
    raise web.HTTPSeeOther(f"/data/jobs/{job_id}")


@allow("admin", region_only=True)
async def import_job(request: web.Request) -> web.StreamResponse:
    """The import's progress; once ended the Data page with its summary, or with why not."""
    job = await data_job.own_job(request, request.match_info["job"])
    if job.state not in records.ENDED:
        return await data_job.progress_page(request, job)
    if job.state == records.DONE:
        raise web.HTTPSeeOther(f"/data?imported={job.result['run']}")
    refused = job.result.get("refused")
    if refused == importing.UNKNOWN_TABLE:
        return await _page(request, error=_unknown_table(request), status=400)
    if refused == importing.OUTSIDE:
        outside = OutsideRegion(job.result.get("names", []))
        return await _page(request, error=_outside(request, outside), status=400)
    return await _page(request, error=data_job.refusal(request, job), status=400)


def _workbook(bundle_path: Path, bundle: object) -> bytes:
    write_bundle_xlsx(bundle, bundle_path)  # type: ignore[arg-type]
    return bundle_path.read_bytes()


@allow("admin", region_only=True)
async def export(request: web.Request) -> web.Response:
    bundle = region_part(await load_bundle(request.app[STORE]), request[VIEWER].user.scope_id)
    with tempfile.TemporaryDirectory() as folder:
        body = await asyncio.to_thread(_workbook, Path(folder) / "bundle.xlsx", bundle)
    headers = {"Content-Disposition": 'attachment; filename="coordinator-data.xlsx"'}
    return web.Response(body=body, content_type=XLSX, headers=headers)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/data", data_page),
        web.post("/data/upload", upload),
        web.post("/data/import", import_upload),
        web.get(r"/data/jobs/{job:\d+}", import_job),
        web.get(r"/data/jobs/{job:\d+}.json", allow("admin", region_only=True)(data_job.job_json)),
        web.get("/data/export.xlsx", export),
    ]
