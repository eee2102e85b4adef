"""The demo's term so far: the weeks before today played out, the same on every run, and the
reports over them plausible (most delivered, a few missed or failed, one sick week rebalanced)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import col, func, select

from coordinator import models
from coordinator.reporting.kaiqi import kaiqi_report
from coordinator.reporting.outcomes import outcomes
from coordinator.services.demo.history import SHARES, Fate, fate, sick_week
from coordinator.services.demo.setup import DemoResult, describe, run_demo
from coordinator.services.reporting.facts import load_facts
from coordinator.settings import Settings, SolverSettings
from coordinator.store import Store
from tests.test_demo import ROOT

ZONE = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 9, 6, 30, tzinfo=dt.UTC)  # a Wednesday, 14:30 in Beijing
TODAY = NOW.astimezone(ZONE).date()


def test_fate_is_the_same_for_the_same_lesson_and_classroom() -> None:
    pairs = [(f"t-x.music.{n}@2026-10-{n % 28 + 1:02d}", f"c-{n % 7}") for n in range(4000)]
    first = [fate(key, room) for key, room in pairs]
    assert first == [fate(key, room) for key, room in pairs]
    shares = Counter(first)
    for kind, per_mille in SHARES:  # each fate near its share (4,000 draws)
        assert abs(shares[kind] / len(pairs) * 1000 - per_mille) < per_mille * 0.5 + 5, kind
    assert shares[Fate.ON_TIME] > 0.75 * len(pairs)


def test_sick_week_is_three_weeks_back_and_only_inside_the_term() -> None:
    assert sick_week(dt.date(2026, 9, 1), dt.date(2026, 12, 9)) == (
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 20),
    )
    assert sick_week(dt.date(2026, 11, 30), dt.date(2026, 12, 9)) is None


async def played(store: Store, tmp_path: Path) -> DemoResult:
    settings = Settings(
        database_url=store.describe(),
        secret_key_file=str(tmp_path / ".coordinator-secret"),
        solver=SolverSettings(time_limit_s=3.0, num_workers=1),
    )
    return await run_demo(
        store, settings, ROOT / "config" / "demo", now=NOW, today=TODAY, base_url="http://x"
    )


async def test_demo_plays_the_term_before_today_into_reports(
    empty_store: Store, tmp_path: Path
) -> None:
    result = await played(empty_store, tmp_path)
    history = result.history
    assert history.first_day < TODAY - dt.timedelta(weeks=8)
    assert history.lessons > 400
    async with empty_store.read() as session:
        reports = Counter((await session.exec(select(models.AttendanceRow.kind))).all())
        problems = (await session.exec(select(func.count(col(models.ProblemReportRow.id))))).one()
        late = (
            await session.exec(
                select(func.count())
                .select_from(models.AttendanceRow)
                .where(col(models.AttendanceRow.late))
            )
        ).one()
        today_on = (
            await session.exec(
                select(func.count(col(models.AttendanceRow.lesson_key)))
                .join(
                    models.LessonRow,
                    col(models.AttendanceRow.lesson_key) == col(models.LessonRow.key),
                )
                .where(col(models.LessonRow.date) >= TODAY)
            )
        ).one()
        audit = (
            await session.exec(select(models.AuditRow).order_by(col(models.AuditRow.at)))
        ).all()
    fates = history.fates
    sent = history.classroom_lessons - fates[Fate.MISSED] - fates[Fate.NO_POWER]
    assert reports == {"check_in": sent, "end_report": sent}
    failing = fates[Fate.NO_SIGNAL] + fates[Fate.NO_POWER] + fates[Fate.NO_TEACHER]
    assert problems == failing > 0
    assert late == 2 * fates[Fate.LATE] > 0  # both of a late classroom's reports
    assert today_on == 0  # today and later stay for the simulator and the real phones

    # The audit log reads as a term: accounts and the import before it began, the sick week.
    actions = [(row.action, row.at.astimezone(ZONE).date()) for row in audit]
    assert [action for action, _ in actions][:1] == ["data.import"]
    assert all(day < history.first_day for action, day in actions if action == "user.add")
    assert history.sick_week is not None
    rebalances = [day for action, day in actions if action == "timetable.rebalance"]
    assert rebalances == [history.sick_week[0] - dt.timedelta(days=1)]
    assert history.rebalanced > 0

    # The term's reports: most classroom lessons delivered, some failed, 开齐开足 mostly met.
    facts = await load_facts(
        empty_store,
        first=history.first_day,
        last=TODAY - dt.timedelta(days=1),
        as_of=NOW,
    )
    seen = outcomes(facts)
    due = [o for o in seen if o.due]
    delivered = sum(o.delivered for o in due) / len(due)
    assert 0.85 < delivered < 0.99
    assert sum(o.failed for o in due) == failing
    kaiqi = kaiqi_report(facts)
    assert kaiqi.rate is not None
    assert 0.7 < kaiqi.rate < 1.0

    text = describe(result, "http://x")
    assert f"The term so far (from {history.first_day})" in text
    assert f"{history.sick_teacher} was ill from {history.sick_week[0]}" in text
    assert "http://x/a/" in text  # the assistant's personal sign-in link, and its QR code
    assert "█" in text
