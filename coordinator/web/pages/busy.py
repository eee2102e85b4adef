"""A network teacher's busy blocks edited in place (region admins): checked, stored, audited.

The rows are checked exactly as an uploaded ``busy_blocks.csv`` (services/data/busy_edit.py):
the same messages, shown next to the row they concern. All or nothing: either every row is
stored (an import of that one table) or none is. The next solve, or a rebalance, uses them.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from aiohttp import web

from coordinator.bundle import BundleReport
from coordinator.services.accounts.users import record
from coordinator.services.data.busy_edit import TypedBlock, check_busy_edit
from coordinator.services.data.imports import import_into, load_bundle
from coordinator.services.data.one_table import table_changes
from coordinator.web.i18n import LANGUAGE, translator
from coordinator.web.keys import STORE
from coordinator.web.pages.access import VIEWER, allow
from coordinator.web.pages.base import page_context, render
from coordinator.web.pages.config import PAGES
from coordinator.web.pages.rebalance_names import weekday_names
from coordinator.web.problem_text import problem_text

BLANK_ROWS = 3  # empty rows offered for new blocks
MAX_ROWS = 60


def _teacher(request: web.Request) -> str:
    teacher_id = request.match_info["teacher"]
    if teacher_id not in request[VIEWER].scope.teachers:
        raise web.HTTPNotFound()
    return teacher_id


async def _form(
    request: web.Request,
    teacher_id: str,
    rows: list[TypedBlock],
    *,
    report: BundleReport | None = None,
    status: int = 200,
) -> web.Response:
    problems: dict[int, list[str]] = {}
    general: list[str] = []
    gettext = translator(request).gettext
    for problem in report.errors if report is not None else ():
        line, message = problem.line, problem_text(problem, gettext)
        if problem.file == "busy_blocks.csv" and line is not None and 2 <= line <= len(rows) + 1:
            problems.setdefault(line - 2, []).append(
                f"{problem.column}: {message}" if problem.column else message
            )
        else:
            where = f"{problem.file}:{line}" if line is not None else problem.file
            general.append(f"{where} {message}")
    context = await page_context(request)
    context.update(
        teacher=request[VIEWER].directory.teachers[teacher_id],
        rows=rows + [TypedBlock("1", "", "")] * BLANK_ROWS,
        problems=problems,
        general=general,
        weekdays=weekday_names(request[LANGUAGE]),
    )
    return render("busy.html", request, context, status=status)


@allow("admin", region_only=True)
async def busy_page(request: web.Request) -> web.Response:
    teacher_id = _teacher(request)
    bundle = await load_bundle(request.app[STORE])
    rows = [
        TypedBlock(str(b.weekday), f"{b.start:%H:%M}", f"{b.end:%H:%M}", b.note)
        for b in bundle.busy_blocks
        if b.teacher_id == teacher_id
    ]
    return await _form(request, teacher_id, rows)


@allow("admin", region_only=True)
async def save(request: web.Request) -> web.StreamResponse:
    teacher_id = _teacher(request)
    form = await request.post()
    typed = [
        TypedBlock(
            *(
                str(form.get(f"{name}-{n}", "")).strip()
                for name in ("weekday", "start", "end", "note")
            )
        )
        for n in range(MAX_ROWS)
        if f"start-{n}" in form
    ]
    rows = [row for row in typed if not row.empty]
    store, user = request.app[STORE], request[VIEWER].user
    current = await load_bundle(store)
    report = await asyncio.to_thread(check_busy_edit, current, user.scope_id, teacher_id, rows)
    if report.bundle is None:
        return await _form(request, teacher_id, rows, report=report, status=400)
    changes = table_changes(current, report.bundle, "busy_blocks")
    now = request.app[PAGES].clock()
    summary = await import_into(store, report.bundle, source="console:busy_blocks", now=now)
    details = {"run": summary.run_id, "teacher": teacher_id, **changes.counts}
    target = f"teacher:{teacher_id}"
    await record(
        store,
        actor=user.username,
        action="data.busy_blocks",
        target=target,
        now=now,
        details=details,
    )
    raise web.HTTPSeeOther(f"/data?imported={summary.run_id}")


@allow("admin", region_only=True)
async def choose(request: web.Request) -> web.StreamResponse:
    """The Data page's teacher chooser (a GET form) to the teacher's page."""
    raise web.HTTPSeeOther(f"/data/teachers/{quote(request.query.get('teacher', ''))}/busy")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/data/busy", choose),
        web.get("/data/teachers/{teacher}/busy", busy_page),
        web.post("/data/teachers/{teacher}/busy", save),
    ]
