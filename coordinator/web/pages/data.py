"""Data: upload a bundle, read its validation report, import it on confirm, download the data."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from aiohttp import web
from aiohttp_session import get_session

from coordinator.bundle import BundleReport, write_bundle_xlsx
from coordinator.services.accounts.users import record
from coordinator.services.data.imports import import_into, load_bundle
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
) -> web.Response:
    context = await page_context(request)
    context.update(report=report, upload_id=upload_id, error=error, imported=None)
    if "imported" in request.query:
        context["imported"] = request.query["imported"]
    return render("data.html", request, context, status=status)


@allow("admin", region_only=True)
async def data_page(request: web.Request) -> web.Response:
    return await _page(request)


@allow("admin", region_only=True)
async def upload(request: web.Request) -> web.Response:
    reader = request[MULTIPART] if MULTIPART in request else await request.multipart()
    try:
        upload_id, path = await uploads.receive(reader, request.app[PAGES].upload_limit_bytes)
        report = await asyncio.to_thread(uploads.check, path)
    except uploads.UploadError as error:
        return await _page(request, error=gettext_of(request, str(error)), status=400)
    session = await get_session(request)
    session["upload"] = upload_id if report.ok else ""
    return await _page(request, report=report, upload_id=upload_id if report.ok else "")


@allow("admin", region_only=True)
async def import_upload(request: web.Request) -> web.StreamResponse:
    """All or nothing: the staged file is read again and written in one transaction."""
    form = await request.post()
    session = await get_session(request)
    upload_id = str(form.get("upload", ""))
    if not upload_id or session.get("upload") != upload_id:
        return await _page(request, error=gettext_of(request, "Upload the file again."), status=400)
    try:
        report = await asyncio.to_thread(uploads.check, uploads.staged_file(upload_id))
    except uploads.UploadError as error:
        return await _page(request, error=gettext_of(request, str(error)), status=400)
    if report.bundle is None:
        return await _page(request, report=report, status=400)
    now, store = request.app[PAGES].clock(), request.app[STORE]
    summary = await import_into(store, report.bundle, source="upload", now=now)
    user = request[VIEWER].user
    details = {"run": summary.run_id, "bundle": report.bundle.name, "tables": summary.counts()}
    await record(
        store,
        actor=user.username,
        action="data.import",
        target="data:bundle",
        now=now,
        details=details,
    )
    session["upload"] = ""
    uploads.discard(upload_id)
    raise web.HTTPSeeOther(f"/data?imported={summary.run_id}")


def _workbook(bundle_path: Path, bundle: object) -> bytes:
    write_bundle_xlsx(bundle, bundle_path)  # type: ignore[arg-type]
    return bundle_path.read_bytes()


@allow("admin", region_only=True)
async def export(request: web.Request) -> web.Response:
    bundle = await load_bundle(request.app[STORE])
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
