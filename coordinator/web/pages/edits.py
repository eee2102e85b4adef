"""In-place edits of the Data page (region admins): a teacher's limits and pinned sessions, a
school's closures, holidays and 调休 days, a classroom's needs and assistant, a new classroom
or teacher.

Every edit follows one pattern: the form's rows, each cell read by the bundle's own parser,
then the whole data checked as the table uploaded (``services/data/row_edits``); stored all
or nothing (an import of that table), audited, and the admin pointed at a rebalance or a new
solve to bring the timetable along.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from aiohttp import web
from multidict import MultiMapping

from coordinator.bundle import BundleReport
from coordinator.services.accounts.users import record
from coordinator.services.data.edit_kinds import EDITS, EditKind
from coordinator.services.data.imports import import_into, load_bundle
from coordinator.services.data.one_table import table_changes
from coordinator.services.data.row_edits import (
    RowsEdit,
    TextRow,
    check_rows_edit,
    first_typed_line,
    rows_of,
    spec_of,
)
from coordinator.web.i18n import translator
from coordinator.web.keys import STORE
from coordinator.web.pages.access import VIEWER, allow
from coordinator.web.pages.base import N_, SAME_PAGE, page_context, render
from coordinator.web.pages.config import PAGES
from coordinator.web.pages.edit_fields import cell_problem, label, row_problem
from coordinator.web.problem_text import problem_line

NEW = "new"  # the owner in the address of an edit that adds
BLANK_ROWS = 3
MAX_ROWS = 60
NOTHING = N_("Nothing typed: fill in the row to add.")
TITLES = {
    "limits": N_("Lesson limits of %(name)s"),
    "calendar": N_("Closures, holidays and make-up days of %(name)s"),
    "needs": N_("Needs of %(name)s"),
    "assistant": N_("Assistant of %(name)s"),
    "pins": N_("Pinned sessions of %(name)s"),
    "teacher": N_("Add a network teacher"),
    "classroom": N_("Add a classroom"),
}


def _edit(request: web.Request) -> tuple[EditKind, str]:
    """The edit and its owner from the address; anything outside the scope is not found."""
    kind = EDITS.get(request.match_info["kind"])
    owner = request.match_info["owner"]
    if kind is None or (kind.adds != (owner == NEW)):
        raise web.HTTPNotFound()
    if not kind.adds and not request[VIEWER].scope.sees(kind.owner_kind, owner):
        raise web.HTTPNotFound()
    return kind, owner


def _nothing(request: web.Request) -> str:
    return translator(request).gettext(NOTHING)


def _owner_name(request: web.Request, kind: EditKind, owner: str) -> str:
    directory = request[VIEWER].directory
    tables: dict[str, dict[str, Any]] = {
        "teacher": dict(directory.teachers),
        "school": dict(directory.schools),
        "classroom": dict(directory.classrooms),
    }
    table = tables.get(kind.owner_kind, {})
    return str(getattr(table.get(owner), "name", owner))


def typed_rows(kind: EditKind, form: MultiMapping[Any], stored: list[TextRow]) -> list[TextRow]:
    """The form's rows (an empty row dropped); a single edit keeps the row's other cells."""
    rows: list[TextRow] = []
    for n in range(MAX_ROWS):
        if f"{kind.columns[0]}-{n}" not in form:
            continue
        row = {column: str(form.get(f"{column}-{n}", "")).strip() for column in kind.columns}
        if any(row.values()) or kind.single:
            rows.append(row)
    if kind.single:
        return [{**(stored[0] if stored else {}), **row} for row in rows[:1]]
    return rows


def _cell_problems(
    kind: EditKind, rows: list[TextRow], request: web.Request
) -> dict[int, list[str]]:
    spec, gettext = spec_of(kind.table), translator(request).gettext
    problems: dict[int, list[str]] = {}
    for n, row in enumerate(rows):
        for column in kind.columns:
            problem = cell_problem(spec, column, row.get(column, ""), gettext)
            if problem:
                problems.setdefault(n, []).append(problem)
    return problems


def _report_problems(
    kind: EditKind, rows: list[TextRow], report: BundleReport, first: int, request: web.Request
) -> tuple[dict[int, list[str]], list[str]]:
    """The bundle reader's errors: beside the typed row they are on, or above the form."""
    gettext = translator(request).gettext
    problems: dict[int, list[str]] = {}
    general: list[str] = []
    spec, names = spec_of(kind.table), _names(request)
    for problem in report.errors:
        line = problem.line
        n = line - first if line is not None else -1
        if problem.file == f"{kind.table}.csv" and 0 <= n < len(rows):
            problems.setdefault(n, []).append(row_problem(spec, problem, rows[n], gettext, names))
        else:
            general.append(problem_line(problem, gettext, names))
    return problems, general


def _names(request: web.Request) -> dict[str, str]:
    """The names of the people and places the admin sees, by id: a problem shows names."""
    directory = request[VIEWER].directory
    named = (directory.teachers, directory.assistants, directory.schools, directory.classrooms)
    return {key: item.name for kind in named for key, item in kind.items()}


async def _form(
    request: web.Request,
    kind: EditKind,
    owner: str,
    rows: list[TextRow],
    *,
    problems: dict[int, list[str]] | None = None,
    general: list[str] | None = None,
    status: int = 200,
) -> web.Response:
    gettext = translator(request).gettext
    context = await page_context(request)
    blank = dict.fromkeys(kind.columns, "")
    shown = rows if kind.single else rows + [blank] * (1 if kind.adds else BLANK_ROWS)
    context.update(
        kind=kind,
        title=gettext(TITLES[kind.name]) % {"name": _owner_name(request, kind, owner)},
        columns=[(column, label(column, gettext)) for column in kind.columns],
        rows=shown,
        problems=problems or {},
        general=general or [],
    )
    return render("edit_rows.html", request, context, status=status)


@allow("admin", region_only=True)
async def choose(request: web.Request) -> web.StreamResponse:
    """The Data page's choosers (GET forms): the edit named, for the owner chosen."""
    kind, owner = request.query.get("kind", ""), request.query.get("owner", NEW)
    raise web.HTTPSeeOther(f"/data/edit/{quote(kind)}/{quote(owner)}")


@allow("admin", region_only=True)
async def edit_page(request: web.Request) -> web.Response:
    kind, owner = _edit(request)
    rows: list[TextRow] = []
    if not kind.adds:
        current = await load_bundle(request.app[STORE])
        region = request[VIEWER].user.scope_id
        rows = rows_of(current, region, kind.table, kind.owner, owner)
    return await _form(request, kind, owner, rows)


@allow("admin", region_only=True)
async def save(request: web.Request) -> web.StreamResponse:
    request[SAME_PAGE] = True  # the form's page answers at the POST's address too
    kind, owner = _edit(request)
    store, user = request.app[STORE], request[VIEWER].user
    current = await load_bundle(store)
    stored = [] if kind.adds else rows_of(current, user.scope_id, kind.table, kind.owner, owner)
    rows = typed_rows(kind, await request.post(), stored)
    if not rows:  # an adding form left empty
        rows, problems = [dict.fromkeys(kind.columns, "")], {0: [_nothing(request)]}
    else:
        problems = _cell_problems(kind, rows, request)
    if problems:
        return await _form(request, kind, owner, rows, problems=problems, status=400)
    owned = {} if kind.adds else {kind.owner: owner}
    filled = [{**dict(kind.fixed), **row, **owned} for row in rows]
    edit = RowsEdit(kind.table, kind.owner, "" if kind.adds else owner, tuple(filled))
    report = await asyncio.to_thread(check_rows_edit, current, user.scope_id, edit)
    if report.bundle is None:
        first = first_typed_line(current, user.scope_id, edit)
        problems, general = _report_problems(kind, rows, report, first, request)
        return await _form(
            request, kind, owner, rows, problems=problems, general=general, status=400
        )
    now = request.app[PAGES].clock()
    changes = table_changes(current, report.bundle, kind.table)
    summary = await import_into(store, report.bundle, source=f"console:{kind.table}", now=now)
    target = f"{kind.name}:{filled[0]['id']}" if kind.adds else f"{kind.owner_kind}:{owner}"
    details = {"run": summary.run_id, "edit": kind.name, "table": kind.table, **changes.counts}
    action = f"data.edit.{kind.name}"
    await record(store, actor=user.username, action=action, target=target, now=now, details=details)
    raise web.HTTPSeeOther(f"/data?imported={summary.run_id}&edited={kind.name}")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/data/edit", choose),
        web.get("/data/edit/{kind}/{owner}", edit_page),
        web.post("/data/edit/{kind}/{owner}", save),
    ]
