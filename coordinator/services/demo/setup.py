"""The demo county: a fresh database, the demo bundle imported around today, solved, published."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import logging
import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import segno
from pydantic import SecretStr

from coordinator import bundle as bundles
from coordinator import domain
from coordinator.errors import CoordinatorError
from coordinator.services.accounts.secret import secret_key
from coordinator.services.accounts.sign_in_links import issue_link, link_url
from coordinator.services.accounts.users import User, add_user
from coordinator.services.data.imports import ImportSummary, import_into, shift_for_today
from coordinator.services.demo import history as term
from coordinator.services.feeds.subscriptions import FeedLink, list_feeds
from coordinator.services.planning.solve import PublishedPlan, solve_and_publish
from coordinator.settings import Settings
from coordinator.settings.notifications import WebhookSettings
from coordinator.store import Store, database_url
from coordinator.store.schema import current_revision
from coordinator.streams import RtmpSettings, StreamsSettings

log = logging.getLogger(__name__)

DEMO_DATABASE = "sqlite+aiosqlite:///demo.db"
CONSOLE = "console"  # the demo's message channel: printed in the terminal, not posted
CONSOLE_CHANNEL = f"webhook:{CONSOLE}"


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
    teacher_id: str  # the network teacher who can sign in
    assistant_id: str  # the assistant who can sign in
    history: term.History  # the weeks of the term before today, played out
    assistant_link: str  # the assistant's personal sign-in link (once, for the phone)
    names: dict[str, str]  # every person's and classroom's name by id, for the terminal


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
    first = term.first_term_day(bundle, today)
    # Dated from the first day of the term: the weeks before today are the demo's history.
    published = await solve_and_publish(store, settings, now=now, today=first)
    county = Counter(school.region_id for school in bundle.schools).most_common(1)[0][0]
    zone = next(s.time_zone for s in bundle.schools if s.region_id == county)
    users = await _demo_users(
        store, bundle, county, term.morning(first - dt.timedelta(days=7), zone, hour=9)
    )
    await term.audit_term_start(store, bundle, first, time_zone=zone, actor="admin", run=1)
    history = await _history(store, settings, bundle, published, first, today, zone)
    feeds = await list_feeds(store, secret=secret_key(settings), base_url=base_url)
    link = await issue_link(store, users[2][0], secret_key(settings), now=now)
    return DemoResult(
        store.describe(),
        bundle.name,
        shift,
        counts,
        summary,
        published,
        feeds,
        [(who, user.username, password) for user, who, password in users],
        county,
        bundle.network_teachers[0].id,
        bundle.assistants[0].id,
        history,
        link_url(base_url, link),
        names_of(bundle),
    )


async def _history(
    store: Store,
    settings: Settings,
    bundle: domain.Bundle,
    published: PublishedPlan,
    first: dt.date,
    today: dt.date,
    zone: str,
) -> term.History:
    """The sick week rebalanced, then every lesson before today reported."""
    sick = term.sick_teacher(published.plan, bundle, bundle.network_teachers[0].id)
    week = term.sick_week(first, today)
    rebalanced = 0
    if week is not None:
        rebalanced = await term.rebalance_sick_week(
            store, settings.solver, sick, week, time_zone=zone, actor="admin"
        )
    lessons, fates = await term.play_reports(store, bundle, first, today)
    return term.History(first, lessons, fates, sick.name, week, rebalanced)


def names_of(bundle: domain.Bundle) -> dict[str, str]:
    """Who and what is who, by id: people, classrooms (with their school) and schools."""
    schools = {school.id: school.name for school in bundle.schools}
    names = dict(schools)
    names.update({teacher.id: teacher.name for teacher in bundle.network_teachers})
    names.update({assistant.id: assistant.name for assistant in bundle.assistants})
    names.update(
        {room.id: f"{schools.get(room.school_id, '')}{room.name}" for room in bundle.classrooms}
    )
    return names


def demo_settings(settings: Settings, secret: bytes) -> Settings:
    """The demo's additions: an RTMP provider when none is set, the console for messages, and
    stream callbacks accepted from loopback.

    The RTMP secrets derive from the server's secret key, so the links stay the same from one
    demo run to the next in the same folder. Messages go to every configured channel and to
    the console channel, which the demo prints (`CONSOLE_CHANNEL`).
    """
    streams = settings.streams
    if streams.provider is None and not streams.schools:
        rtmp = RtmpSettings(
            secret=SecretStr(_derived(secret, "demo rtmp secret")),
            hls_secret=SecretStr(_derived(secret, "demo hls secret")),
        )
        streams = StreamsSettings(provider="rtmp", rtmp=rtmp)
    notifications = settings.notifications
    channels = tuple(dict.fromkeys((*notifications.channels, "webhooks")))
    webhooks = {**notifications.webhooks, CONSOLE: WebhookSettings(url="console:")}
    notifications = notifications.model_copy(
        update={"enabled": True, "channels": channels, "webhooks": webhooks}
    )
    # The simulator posts nginx-rtmp's callbacks itself, over loopback (or the address served).
    served = () if settings.server.host in ("", "0.0.0.0", "::") else (settings.server.host,)
    loopback = ("127.0.0.1", "::1", *served)
    callbacks = tuple(dict.fromkeys((*settings.stream_callbacks_from, *loopback)))
    update = {
        "streams": streams,
        "notifications": notifications,
        "stream_callbacks_from": callbacks,
    }
    return settings.model_copy(update=update)


def _derived(secret: bytes, purpose: str) -> str:
    return hmac.new(secret, purpose.encode(), hashlib.sha256).hexdigest()


async def _demo_users(
    store: Store, bundle: domain.Bundle, region: str, now: dt.datetime
) -> list[tuple[User, str, str]]:
    """A county admin, a network teacher and an assistant, with fresh random passwords: (the
    user, who they are, the password)."""
    teacher = bundle.network_teachers[0]
    assistant = bundle.assistants[0]
    county = next((r.name for r in bundle.regions if r.id == region), region)
    wanted = [
        (f"admin of {county}", "admin", "admin", f"region:{region}"),
        (f"network teacher {teacher.name}", teacher.id, "teacher", f"teacher:{teacher.id}"),
        (f"assistant {assistant.name}", assistant.id, "assistant", f"assistant:{assistant.id}"),
    ]
    made = []
    for who, username, role, scope in wanted:
        password = secrets.token_urlsafe(9)
        user = await add_user(
            store,
            username=username,
            password=password,
            role=role,
            scope=scope,
            now=now,
            actor="demo",
        )
        made.append((user, who, password))
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


def describe(result: DemoResult, base_url: str, running: list[str] | None = None) -> str:
    """What the demo did, what to open and what runs, for the terminal."""
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
        f"{lessons['conflicts']} with conflicts (calendars, double bookings)",
        "",
        "Open:",
        f"  {base_url}/               the console (sign in below)",
        f"  {base_url}/today          Today: the day's lessons and their live state (admin)",
        f"  {base_url}/teachers/{result.teacher_id}   the network teacher's page (teacher, admin)",
        f"  {base_url}/assistant      the assistant's phone page (assistant)",
        f"  {base_url}/healthz",
    ]
    lines += _history_lines(result.history)
    lines += _feed_lines(result)
    lines.append("")
    lines.append(f"Sign in at {base_url}/signin as")
    for who, username, password in result.sign_ins:
        lines.append(f"  {username:<14} password {password:<14} ({who})")
    lines += _link_lines(result)
    if running:
        lines += ["", *running]
    return "\n".join(lines)


def _history_lines(history: term.History) -> list[str]:
    """The term so far, in figures."""
    fates = history.fates
    reported = history.classroom_lessons - fates[term.Fate.MISSED]
    failed = sum(fates[kind] for kind in term.FAILING)
    lines = [
        "",
        f"The term so far (from {history.first_day}): {history.lessons} lessons in "
        f"{history.classroom_lessons} classrooms, {reported} reported "
        f"({fates[term.Fate.LATE]} late from the phones' outboxes), "
        f"{fates[term.Fate.MISSED]} missed, {failed} failed with a problem report",
    ]
    if history.sick_week is not None:
        first, last = history.sick_week
        lines.append(
            f"  {history.sick_teacher} was ill from {first} to {last}: that week was rebalanced "
            f"({history.rebalanced} dated lessons changed; see the audit log)"
        )
    return lines


def _link_lines(result: DemoResult) -> list[str]:
    """The assistant's personal sign-in link, and its QR code to scan with a phone."""
    text = io.StringIO()
    segno.make(result.assistant_link, error="m").terminal(out=text, compact=True)
    name = result.names.get(result.assistant_id, result.assistant_id)
    return [
        "",
        f"Or, on a phone, assistant {name}'s personal sign-in link (once, 7 days):",
        f"  {result.assistant_link}",
        text.getvalue().rstrip("\n"),
    ]


def _feed_lines(result: DemoResult) -> list[str]:
    """The signed-in teacher's and assistant's feeds, a school's and the county's."""
    preferred = {"teacher": result.teacher_id, "assistant": result.assistant_id}
    preferred["region"] = result.county
    lines = []
    for kind, label in FEEDS_TO_SHOW:
        links = [link for link in result.feeds if link.owner.kind == kind]
        own = [link for link in links if link.owner.id == preferred.get(kind)]
        link = next(iter(own or ([] if kind == "region" else links)), None)
        if link is not None:
            lines.append(f"  {link.https}")
            lines.append(f"      {label}: {link.name}")
    lines.append(
        "Subscribe in any calendar app with the webcal:// form of an address; "
        "`coordinator --db demo.db feeds` lists all of them."
    )
    return lines


def running(settings: Settings, *, simulate: bool, pace: dt.timedelta) -> list[str]:
    """What the demo's one process runs, and where its messages go."""
    url = database_url(settings.database_url)
    lock = (
        f"lock file {url.database}.worker.lock"
        if url.get_backend_name() == "sqlite"
        else "PostgreSQL advisory lock"
    )
    server = settings.server
    lines = [
        "Running in this one process (Ctrl+C stops everything):",
        f"  web server  http://{server.host}:{server.port}/: pages, the API, feeds, "
        "nginx-rtmp callbacks",
        f"  scheduler   reminders, change notices, no-show alerts; leads through the {lock}",
        "  messages    printed here as they are sent (the console channel), and to any channel "
        "configured; every one stays in the outbox (table notification)",
    ]
    rtmp = settings.streams.rtmp
    if rtmp is not None and settings.streams.provider == "rtmp":
        lines.append(
            f"  streams     rtmp: teachers push to {rtmp.rtmp_url}; coordinator answers "
            "nginx-rtmp's callbacks (`coordinator streams nginx-config`)"
        )
    if simulate:
        seconds = pace.total_seconds()
        lines.append(
            f"  simulator   plays a school day through the API, one step every {seconds:g} s: "
            "a few lessons are moved to now (below), the rest of today's lessons are played "
            "as they come"
        )
    else:
        lines.append("  (`coordinator demo --simulate` also plays a school day against the API)")
    return lines
