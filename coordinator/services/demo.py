"""The demo county: a fresh database, the demo bundle imported around today, solved, published."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from coordinator import bundle as bundles
from coordinator import domain
from coordinator.errors import CoordinatorError
from coordinator.schema import current_revision
from coordinator.services.accounts import add_user
from coordinator.services.imports import ImportSummary, import_into, shift_for_today
from coordinator.services.planning import PublishedPlan, solve_and_publish
from coordinator.services.secret import secret_key
from coordinator.services.subscriptions import FeedLink, list_feeds
from coordinator.settings import Settings
from coordinator.store import Store

log = logging.getLogger(__name__)

DEMO_DATABASE = "sqlite+aiosqlite:///demo.db"


@dataclass(frozen=True, slots=True)
class DemoResult:
    database: str
    bundle_name: str
    shift_days: int
    counts: dict[str, int]
    summary: ImportSummary
    published: PublishedPlan
    feeds: list[FeedLink]
    sign_ins: list[tuple[str, str, str]]  # (who, username, password)
    county: str  # the region with the most schools: the admin's scope


async def run_demo(
    store: Store,
    settings: Settings,
    bundle_path: Path,
    *,
    now: dt.datetime,
    today: dt.date,
    base_url: str,
) -> DemoResult:
    """Wipe the demo database, import the demo bundle shifted to this week, solve, publish."""
    report = bundles.read_bundle(bundle_path)
    if report.bundle is None:
        details = "\n".join(str(problem) for problem in report.errors[:20])
        raise CoordinatorError(f"{bundle_path}: the demo bundle is not valid:\n{details}")
    await _start_empty(store)
    bundle, shift = shift_for_today(report.bundle, today)
    summary = await import_into(store, bundle, source=str(bundle_path), now=now, shift_days=shift)
    counts = {name: len(changes.added) for name, changes in summary.tables.items()}
    published = await solve_and_publish(store, settings, now=now, today=today)
    feeds = await list_feeds(store, secret=secret_key(settings), base_url=base_url)
    county = Counter(school.region_id for school in bundle.schools).most_common(1)[0][0]
    sign_ins = await _demo_users(store, bundle, county, now)
    return DemoResult(
        store.describe(), bundle.name, shift, counts, summary, published, feeds, sign_ins, county
    )


async def _demo_users(
    store: Store, bundle: domain.Bundle, region: str, now: dt.datetime
) -> list[tuple[str, str, str]]:
    """A county admin, a network teacher and an assistant, with fresh random passwords."""
    teacher = bundle.network_teachers[0]
    assistant = bundle.assistants[0]
    wanted = [
        (f"admin of {region}", "admin", "admin", f"region:{region}"),
        (f"network teacher {teacher.name}", teacher.id, "teacher", f"teacher:{teacher.id}"),
        (f"assistant {assistant.name}", assistant.id, "assistant", f"assistant:{assistant.id}"),
    ]
    made = []
    for who, username, role, scope in wanted:
        password = secrets.token_urlsafe(9)
        await add_user(
            store,
            username=username,
            password=password,
            role=role,
            scope=scope,
            now=now,
            actor="demo",
        )
        made.append((who, username, password))
    return made


def _remove_sqlite_file(database: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(database + suffix).unlink(missing_ok=True)


async def _start_empty(store: Store) -> None:
    """The demo owns its SQLite file; a PostgreSQL database must be empty."""
    if store.is_sqlite:
        database = store.url.database
        if database and database != ":memory:":
            _remove_sqlite_file(database)
        return
    if await current_revision(store) is not None:
        raise CoordinatorError(
            f"{store.describe()}: already holds a coordinator schema; "
            "the demo needs an empty database (or leave out --db to use demo.db)"
        )


FEEDS_TO_SHOW = (
    ("teacher", "a network teacher's calendar"),
    ("assistant", "an assistant teacher's calendar"),
    ("school", "a school's calendar"),
    ("region", "the county's calendar"),
)


def describe(result: DemoResult, base_url: str) -> str:
    """What the demo did and what to open, for the terminal."""
    counts = result.counts
    stats = result.published.plan.stats
    lessons = result.published.lessons.counts()
    lines = [
        f"Demo county: {result.bundle_name}",
        f"  database   {result.database}",
        f"  data       {counts['schools']} schools, {counts['classrooms']} classrooms, "
        f"{counts['assistants']} assistant teachers, {counts['network_teachers']} network "
        f"teachers, {counts['needs']} needs (dates shifted {result.shift_days:+d} days)",
        f"  timetable  version {result.published.version_id}: {stats.delivered_periods} of "
        f"{stats.demand_periods} needed periods a week in {stats.sessions} live sessions; "
        f"{len(result.published.plan.unmet)} unmet needs explained (`coordinator solve`)",
        f"  lessons    {lessons['added']} dated lessons this term, "
        f"{lessons['conflicts']} with calendar conflicts",
        "",
        "Open:",
        f"  {base_url}/healthz",
    ]
    for kind, label in FEEDS_TO_SHOW:
        link = next(
            (
                link
                for link in result.feeds
                if link.owner.kind == kind and (kind != "region" or link.owner.id == result.county)
            ),
            None,
        )
        if link is not None:
            lines.append(f"  {link.https}")
            lines.append(f"      {label}: {link.name}")
    lines.append(
        "Subscribe in any calendar app with the webcal:// form of an address; "
        "`coordinator --db demo.db feeds` lists all of them."
    )
    lines.append("")
    lines.append(f"Sign in at {base_url}/signin as")
    for who, username, password in result.sign_ins:
        lines.append(f"  {username:<14} password {password:<14} ({who})")
    return "\n".join(lines)
