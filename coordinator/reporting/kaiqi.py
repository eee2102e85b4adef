"""开齐开足: per classroom and subject, the periods needed over the period vs those delivered."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace

from coordinator.reporting.evidence import Disagreement, EvidenceLine, disagreements, judge
from coordinator.reporting.facts import Facts, Label, NeedFact, Period, ScopeFilter
from coordinator.reporting.labels import classroom_label, school_label, subject_label
from coordinator.reporting.outcomes import outcomes

DEFAULT_THRESHOLD = 0.9


@dataclass(frozen=True, slots=True)
class KaiqiLine:
    """One need of one classroom: required = per week x school weeks; rate = delivered/required."""

    classroom_id: str
    subject_id: str
    school: Label
    classroom: Label
    subject: Label
    per_week: int
    school_weeks: int
    required: int
    planned: int  # classroom lessons of the subject the timetable put in the period
    delivered: int
    rate: float | None  # None when nothing was required (no school week in the period)
    below: bool  # rate under the threshold
    confirmed: int = 0  # delivered, and the meeting platform saw the classroom join
    disagree: int = 0  # classroom lessons where the check-in and the platform differ


@dataclass(frozen=True, slots=True)
class KaiqiReport:
    period: Period
    scope: ScopeFilter | None
    threshold: float
    lines: tuple[KaiqiLine, ...]
    required: int
    delivered: int  # delivered periods, each need counted at most up to what it required
    disagreements: tuple[EvidenceLine, ...] = ()  # check-ins the platform contradicts
    two_sources: bool = False  # some lessons ran on a platform that reports attendance

    @property
    def rate(self) -> float | None:
        return self.delivered / self.required if self.required else None

    @property
    def below(self) -> int:
        return sum(line.below for line in self.lines)


def school_weeks(dates: frozenset[dt.date], period: Period) -> int:
    """ISO weeks overlapping the period with at least one live-lesson school day in it."""
    return len({d.isocalendar()[:2] for d in dates if d in period})


def weekdays(period: Period) -> frozenset[dt.date]:
    """Monday to Friday of the period: the school days of a school without a calendar."""
    days = (period.last - period.first).days + 1
    every = (period.first + dt.timedelta(days=n) for n in range(days))
    return frozenset(d for d in every if d.isoweekday() <= 5)


def kaiqi_report(
    facts: Facts, scope: ScopeFilter | None = None, threshold: float = DEFAULT_THRESHOLD
) -> KaiqiReport:
    """Every need in force during the period, with what was planned and delivered for it."""
    planned: Counter[tuple[str, str]] = Counter()
    delivered: Counter[tuple[str, str]] = Counter()
    confirmed: Counter[tuple[str, str]] = Counter()
    disagree: Counter[tuple[str, str]] = Counter()
    found = outcomes(facts, scope)
    for outcome in found:
        pair = (outcome.classroom_id, outcome.lesson.subject_id)
        planned[pair] += outcome.planned
        delivered[pair] += outcome.delivered
        verdict = judge(outcome, facts)
        confirmed[pair] += verdict is True
        disagree[pair] += isinstance(verdict, Disagreement)
    allowed = scope.classrooms(facts.catalog) if scope else None
    needs = [n for n in facts.needs if _in_force(n, facts.period, allowed)]
    lines = [
        replace(
            _line(facts, n, planned, delivered, threshold),
            confirmed=confirmed[(n.classroom_id, n.subject_id)],
            disagree=disagree[(n.classroom_id, n.subject_id)],
        )
        for n in needs
    ]
    lines.sort(key=lambda line: (line.classroom.zh, line.classroom_id, line.subject_id))
    return KaiqiReport(
        period=facts.period,
        scope=scope,
        threshold=threshold,
        lines=tuple(lines),
        required=sum(line.required for line in lines),
        delivered=sum(min(line.delivered, line.required) for line in lines),
        disagreements=disagreements(facts, scope),
        two_sources=bool(facts.platform),
    )


def _in_force(need: NeedFact, period: Period, allowed: frozenset[str] | None) -> bool:
    if allowed is not None and need.classroom_id not in allowed:
        return False
    return need.retired_at is None or need.retired_at.date() > period.first


def _line(
    facts: Facts,
    need: NeedFact,
    planned: Counter[tuple[str, str]],
    delivered: Counter[tuple[str, str]],
    threshold: float,
) -> KaiqiLine:
    catalog = facts.catalog
    classroom = catalog.classrooms.get(need.classroom_id)
    school_id = classroom.school_id if classroom else ""
    known = school_id in facts.school_days
    dates = facts.school_days[school_id] if known else weekdays(facts.period)
    weeks = school_weeks(dates, facts.period)
    required = need.periods_per_week * weeks
    pair = (need.classroom_id, need.subject_id)
    rate = delivered[pair] / required if required else None
    return KaiqiLine(
        classroom_id=need.classroom_id,
        subject_id=need.subject_id,
        school=school_label(school_id, catalog),
        classroom=classroom_label(need.classroom_id, catalog),
        subject=subject_label(need.subject_id, catalog),
        per_week=need.periods_per_week,
        school_weeks=weeks,
        required=required,
        planned=planned[pair],
        delivered=delivered[pair],
        rate=rate,
        below=rate is not None and rate < threshold,
    )
