"""Data: upload a bundle, read its validation report, import it on confirm, download the data.

Each region admin works on their own county only: the download holds the region's rows and
the shared rows they use; an upload replaces the region's rows and may not add or change any
other county's (refused, naming them, before anything is written).
"""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp_session import get_session

from coordinator import domain
from coordinator.bundle import BundleReport, write_bundle_xlsx
from coordinator.bundle.schema import FILES
from coordinator.services.accounts.users import record
from coordinator.services.data import staging
from coordinator.services.data.imports import import_into, load_bundle, merged_for_region
from coordinator.services.data.one_table import (
    TableChanges,
    UnknownTableError,
    check_one_table,
    table_changes,
    table_of,
)
from coordinator.services.data.tenancy import OutsideRegion, region_part
from coordinator.web.csrf import MULTIPART
from coordinator.web.i18n import gettext_of
from coordinator.web.keys import STORE
from coordinator.web.pages import uploads
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
        (t for t in directory.teachers.values() if t.id in scope.teachers), key=lambda t: t.name
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
    return sorted((o for key, o in objects.items() if key in ids), key=lambda o: o.name)


@allow("admin", region_only=True)
async def data_page(request: web.Request) -> web.Response:
    return await _page(request)


async def _checked(
    request: web.Request, upload: uploads.Received
) -> tuple[BundleReport, TableChanges | None]:
    """An upload checked with the stored data; for one table, what it changes."""
    with tempfile.TemporaryDirectory(prefix="coordinator-upload-") as folder:
        path = await asyncio.to_thread(uploads.written, Path(folder), upload.file_name, upload.data)
        if not upload.table:
            report = await asyncio.to_thread(uploads.check, path, request.app[PAGES].read_limits)
            if report.bundle is not None:
                read_as = report.read_as
                merged = await _merged(request, report.bundle)
                report = dataclasses.replace(merged, read_as=read_as)
            return report, None
        table = table_of(f"{upload.table}.csv")  # UnknownTableError unless it names a table
        current = await load_bundle(request.app[STORE])
        region = request[VIEWER].user.scope_id
        report = await asyncio.to_thread(check_one_table, current, region, table, path)
    if report.bundle is None:
        return report, None
    return report, table_changes(current, report.bundle, table)


async def _merged(request: web.Request, uploaded: domain.Bundle) -> BundleReport:
    """The stored data with the admin's region replaced by the upload, checked as a whole."""
    current = await load_bundle(request.app[STORE])
    region = request[VIEWER].user.scope_id
    return await asyncio.to_thread(merged_for_region, current, uploaded, region)


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
    """All or nothing: the staged file is read again and written in one transaction."""
    form = await request.post()
    session = await get_session(request)
    upload_id = str(form.get("upload", ""))
    if not upload_id or session.get("upload") != upload_id:
        return await _page(request, error=gettext_of(request, "Upload the file again."), status=400)
    store, owner = request.app[STORE], request[VIEWER].user.username
    staged = await staging.staged(store, upload_id, owner=owner) if upload_id.isalnum() else None
    if staged is None:
        return await _page(request, error=gettext_of(request, "Upload the file again."), status=400)
    received = uploads.Received(staged.file_name, staged.table, staged.data)
    try:
        report, changes = await _checked(request, received)
    except uploads.UploadError as error:
        return await _page(request, error=gettext_of(request, str(error)), status=400)
    except UnknownTableError:
        return await _page(request, error=_unknown_table(request), status=400)
    except OutsideRegion as refused:
        return await _page(request, error=_outside(request, refused), status=400)
    if report.bundle is None:
        return await _page(request, report=report, status=400)
    now = request.app[PAGES].clock()
    summary = await import_into(store, report.bundle, source="upload", now=now)
    user = request[VIEWER].user
    details = {
        "run": summary.run_id,
        "bundle": report.bundle.name,
        "region": user.scope_id,
        "tables": summary.counts(),
    }
    if changes is not None:
        details["table"] = {"name": changes.table, **changes.counts}
    await record(
        store,
        actor=user.username,
        action="data.import",
        target="data:bundle",
        now=now,
        details=details,
    )
    session["upload"] = ""
    await staging.forget(store, upload_id)
    raise web.HTTPSeeOther(f"/data?imported={summary.run_id}")


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
        web.get("/data/export.xlsx", export),
    ]
