"""Tests of the synthetic bundle generator and of the demo county in config/demo."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypedDict

import pytest

from coordinator.bundle.synthetic import generate_bundle
from coordinator.domain import BellPeriod, Bundle, BusyBlock
from coordinator.enums import AllianceKind, DayKind, SchoolKind

DEMO = Path(__file__).parents[2] / "config" / "demo"


class Size(TypedDict):
    classrooms: int
    teachers: int


COUNTY: Size = {"classrooms": 60, "teachers": 25}
DISTRICT: Size = {"classrooms": 600, "teachers": 200}
PROVINCE: Size = {"classrooms": 6000, "teachers": 2000}
DATA_FORMAT_FILES = [
    "meta", "regions", "schools", "alliances", "alliance_members", "bell_schedules",
    "bell_periods", "terms", "calendar_days", "subjects", "assistants", "classrooms",
    "network_teachers", "busy_blocks", "needs", "pinned_sessions", "events",
]  # fmt: skip


@pytest.fixture(scope="module")
def county() -> Bundle:
    return generate_bundle(**COUNTY, seed=7)


@pytest.fixture(scope="module")
def district() -> Bundle:
    return generate_bundle(**DISTRICT, seed=7)


# --- independent checks: written from docs/data-format.md, not from the validator -------------


def references(bundle: Bundle) -> Iterator[tuple[str, str | None, str]]:
    """(file.column, the id it names, the file that must hold it) for every reference."""
    for school in bundle.schools:
        yield "schools.region_id", school.region_id, "regions"
        yield "schools.bell_schedule_id", school.bell_schedule_id, "bell_schedules"
    for alliance in bundle.alliances:
        yield "alliances.lead_school_id", alliance.lead_school_id, "schools"
    for member in bundle.alliance_members:
        yield "alliance_members.alliance_id", member.alliance_id, "alliances"
        yield "alliance_members.school_id", member.school_id, "schools"
    for period in bundle.bell_periods:
        yield "bell_periods.bell_schedule_id", period.bell_schedule_id, "bell_schedules"
    for term in bundle.terms:
        yield "terms.region_id", term.region_id, "regions"
    for day in bundle.calendar_days:
        yield "calendar_days.region_id", day.region_id, "regions"
        yield "calendar_days.school_id", day.school_id, "schools"
    for assistant in bundle.assistants:
        yield "assistants.school_id", assistant.school_id, "schools"
    for classroom in bundle.classrooms:
        yield "classrooms.school_id", classroom.school_id, "schools"
        yield "classrooms.assistant_id", classroom.assistant_id, "assistants"
    for teacher in bundle.network_teachers:
        yield "network_teachers.school_id", teacher.school_id, "schools"
        yield from (("network_teachers.subjects", s, "subjects") for s in teacher.subjects)
    for block in bundle.busy_blocks:
        yield "busy_blocks.teacher_id", block.teacher_id, "network_teachers"
    for need in bundle.needs:
        yield "needs.classroom_id", need.classroom_id, "classrooms"
        yield "needs.subject_id", need.subject_id, "subjects"
    for session in bundle.pinned_sessions:
        yield "pinned_sessions.teacher_id", session.teacher_id, "network_teachers"
        yield "pinned_sessions.subject_id", session.subject_id, "subjects"
    for event in bundle.events:
        yield "events.audience_id", event.audience_id, f"{event.audience_kind.value}s"
        yield "events.host_teacher_id", event.host_teacher_id, "network_teachers"


def dangling_references(bundle: Bundle) -> list[str]:
    """Every reference to an id that the bundle does not hold, as 'file.column=id'."""
    ids = {
        "regions": {r.id for r in bundle.regions},
        "schools": {s.id for s in bundle.schools},
        "alliances": {a.id for a in bundle.alliances},
        "bell_schedules": {b.id for b in bundle.bell_schedules},
        "subjects": {s.id for s in bundle.subjects},
        "assistants": {a.id for a in bundle.assistants},
        "classrooms": {c.id for c in bundle.classrooms},
        "network_teachers": {t.id for t in bundle.network_teachers},
    }
    return [
        f"{where}={ref}" for where, ref, file in references(bundle) if ref and ref not in ids[file]
    ]


def duplicate_ids(bundle: Bundle) -> list[str]:
    files: dict[str, Iterable[str]] = {
        "regions": (r.id for r in bundle.regions),
        "schools": (s.id for s in bundle.schools),
        "alliances": (a.id for a in bundle.alliances),
        "assistants": (a.id for a in bundle.assistants),
        "classrooms": (c.id for c in bundle.classrooms),
        "network_teachers": (t.id for t in bundle.network_teachers),
        "pinned_sessions": (p.id for p in bundle.pinned_sessions),
        "events": (e.id for e in bundle.events),
        "needs": (f"{n.classroom_id}/{n.subject_id}" for n in bundle.needs),
    }
    return [
        f"{name}:{key}" for name, keys in files.items() for key, n in Counter(keys).items() if n > 1
    ]


def overlapping_periods(bundle: Bundle) -> list[str]:
    by_day: dict[tuple[str, int], list[BellPeriod]] = {}
    for period in bundle.bell_periods:
        by_day.setdefault((period.bell_schedule_id, period.weekday), []).append(period)
    problems = []
    for (schedule, weekday), periods in by_day.items():
        periods.sort(key=lambda p: p.start)
        for first, second in itertools.pairwise(periods):
            if not first.start < first.end <= second.start or first.period == second.period:
                problems.append(f"{schedule} weekday {weekday} period {second.period}")
    return problems


def live_periods_a_week(bundle: Bundle) -> dict[str, int]:
    """Live periods a week of each classroom, from its school's bell schedule."""
    per_schedule = Counter(p.bell_schedule_id for p in bundle.bell_periods if p.live)
    schedule_of = {s.id: s.bell_schedule_id for s in bundle.schools}
    return {c.id: per_schedule[schedule_of[c.school_id]] for c in bundle.classrooms}


def uncovered_needs(bundle: Bundle) -> list[str]:
    covered = {(s, g) for t in bundle.network_teachers for s in t.subjects for g in t.grades}
    grade_of = {c.id: c.grade for c in bundle.classrooms}
    return [
        f"{n.classroom_id}/{n.subject_id}"
        for n in bundle.needs
        if (n.subject_id, grade_of[n.classroom_id]) not in covered
    ]


def clashes(weekday: int, start: dt.time, end: dt.time, busy: Iterable[BusyBlock]) -> bool:
    return any(b.weekday == weekday and b.start < end and start < b.end for b in busy)


def demand_share(bundle: Bundle) -> float:
    demand = sum(need.periods_per_week for need in bundle.needs)
    return demand / sum(teacher.max_per_week for teacher in bundle.network_teachers)


def read_back(bundle: Bundle, folder: Path) -> Bundle | None:
    """Write the bundle as CSV, read it again and fail on any problem."""
    from coordinator.bundle import read_bundle, write_bundle_csv

    write_bundle_csv(bundle, folder)
    report = read_bundle(folder)
    assert [str(problem) for problem in report.problems] == []
    return report.bundle


# --- the generator ------------------------------------------------------------------------------


def test_generate_bundle_same_seed_gives_equal_bundle(county: Bundle) -> None:
    assert generate_bundle(**COUNTY, seed=7) == county


def test_generate_bundle_other_seed_gives_different_bundle(county: Bundle) -> None:
    other = generate_bundle(**COUNTY, seed=8)

    assert other != county
    assert other.needs != county.needs


@pytest.mark.parametrize(("classrooms", "teachers"), [(1, 1), (5, 2), (60, 25), (600, 200)])
def test_generate_bundle_has_the_asked_sizes(classrooms: int, teachers: int) -> None:
    bundle = generate_bundle(classrooms=classrooms, teachers=teachers, seed=1)

    assert (len(bundle.classrooms), len(bundle.network_teachers)) == (classrooms, teachers)
    assert dangling_references(bundle) == []
    assert uncovered_needs(bundle) == []


@pytest.mark.parametrize("size", [0, -1])
def test_generate_bundle_without_classrooms_or_teachers_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match="at least one"):
        generate_bundle(classrooms=size, teachers=size, seed=1)


def test_generate_bundle_county_looks_like_a_county(county: Bundle) -> None:
    rural = [s for s in county.schools if s.kind is SchoolKind.RURAL]
    kinds = Counter(a.kind for a in county.alliances)

    assert len(county.regions) == 1
    assert 12 <= len(rural) <= 22
    assert 3 <= len(county.schools) - len(rural) <= 5
    assert 3 <= len(county.bell_schedules) <= 6
    assert kinds[AllianceKind.PAIRING] >= 2
    assert kinds[AllianceKind.GROUP] >= 1
    assert {c.network for c in county.classrooms} >= {"good", "weak"}
    assert min(c.students for c in county.classrooms) < 16


def test_generate_bundle_district_spreads_over_regions(district: Bundle) -> None:
    paired = {m.school_id for m in district.alliance_members}
    rural = {s.id for s in district.schools if s.kind is SchoolKind.RURAL}

    assert len(district.regions) == 2
    assert 120 <= len(rural) <= 180
    assert paired >= rural
    assert len({p.start for p in district.bell_periods}) > 20


@pytest.mark.parametrize("scale", ["county", "district"])
def test_generate_bundle_is_internally_consistent(
    scale: str, request: pytest.FixtureRequest
) -> None:
    bundle: Bundle = request.getfixturevalue(scale)
    live = live_periods_a_week(bundle)

    assert dangling_references(bundle) == []
    assert duplicate_ids(bundle) == []
    assert overlapping_periods(bundle) == []
    assert uncovered_needs(bundle) == []
    assert [n for n in bundle.needs if not 1 <= n.periods_per_week <= live[n.classroom_id]] == []
    assert all(live[c.id] > 0 for c in bundle.classrooms)


@pytest.mark.parametrize("scale", ["county", "district"])
def test_generate_bundle_needs_are_70_to_90_percent_of_capacity(
    scale: str, request: pytest.FixtureRequest
) -> None:
    bundle: Bundle = request.getfixturevalue(scale)

    assert 0.7 <= demand_share(bundle) <= 0.9


def test_generate_bundle_every_teacher_has_busy_blocks(district: Bundle) -> None:
    busy = Counter(block.teacher_id for block in district.busy_blocks)

    assert {t.id for t in district.network_teachers} == set(busy)
    assert min(busy.values()) >= 6
    assert len({block.weekday for block in district.busy_blocks}) == 5


def test_generate_bundle_pinned_sessions_fit_their_teachers(district: Bundle) -> None:
    teachers = {t.id: t for t in district.network_teachers}

    assert district.pinned_sessions
    assert any(session.open for session in district.pinned_sessions)
    for session in district.pinned_sessions:
        teacher = teachers[session.teacher_id]
        busy = [b for b in district.busy_blocks if b.teacher_id == teacher.id]
        assert session.subject_id in teacher.subjects
        assert set(session.grades) <= set(teacher.grades)
        assert not clashes(session.weekday, session.start, session.end, busy)


def test_generate_bundle_calendar_is_the_2026_autumn_term(county: Bundle) -> None:
    (term,) = county.terms
    makeups = [d for d in county.calendar_days if d.kind is DayKind.MAKEUP]

    assert county.anchor_date is not None
    assert term.start <= county.anchor_date <= term.end
    assert all(term.start <= d.date <= term.end for d in county.calendar_days)
    assert [(d.date.isoweekday(), d.follows_weekday) for d in makeups] == [(7, 2), (6, 3)]
    assert dt.date(2026, 10, 1) in {d.date for d in county.calendar_days}
    assert {d.kind for d in county.calendar_days} == set(DayKind)


def test_generate_bundle_province_has_its_size() -> None:
    bundle = generate_bundle(**PROVINCE, seed=3)  # how fast: benchmarks/generate.py

    assert (len(bundle.classrooms), len(bundle.network_teachers)) == (6000, 2000)
    assert 1300 <= sum(s.kind is SchoolKind.RURAL for s in bundle.schools) <= 1700
    assert 10 <= len(bundle.regions) <= 20


@pytest.mark.parametrize("scale", ["county", "district"])
def test_generate_bundle_reads_back_without_problems(
    scale: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    bundle: Bundle = request.getfixturevalue(scale)

    assert read_back(bundle, tmp_path) == bundle


# --- the tight profile ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tight() -> Bundle:
    return generate_bundle(**COUNTY, seed=7, profile="tight")


def test_generate_bundle_tight_same_seed_gives_equal_bundle(tight: Bundle) -> None:
    assert generate_bundle(**COUNTY, seed=7, profile="tight") == tight


def test_generate_bundle_loose_profile_is_the_default(county: Bundle) -> None:
    assert generate_bundle(**COUNTY, seed=7, profile="loose") == county


def test_generate_bundle_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown profile"):
        generate_bundle(**COUNTY, seed=7, profile="medium")


def test_generate_bundle_tight_is_internally_consistent(tight: Bundle, tmp_path: Path) -> None:
    live = live_periods_a_week(tight)

    assert (len(tight.classrooms), len(tight.network_teachers)) == (60, 25)
    assert dangling_references(tight) == []
    assert duplicate_ids(tight) == []
    assert uncovered_needs(tight) == []
    assert [n for n in tight.needs if not 1 <= n.periods_per_week <= live[n.classroom_id]] == []
    assert read_back(tight, tmp_path) == tight


def test_generate_bundle_tight_demands_two_periods_per_teacher_session(tight: Bundle) -> None:
    demand = sum(n.periods_per_week for n in tight.needs)
    sessions = sum(t.max_per_week for t in tight.network_teachers)
    live = live_periods_a_week(tight)
    share = demand / sum(live[c.id] for c in tight.classrooms)

    assert 1.85 <= demand / sessions <= 2.25
    assert 0.33 <= share <= 0.5


def test_generate_bundle_tight_opens_some_periods_per_school(tight: Bundle) -> None:
    rural = [s for s in tight.schools if s.kind is SchoolKind.RURAL]
    opened = {
        s.id: {(p.weekday, p.period) for p in tight.bell_periods
               if p.bell_schedule_id == s.bell_schedule_id and p.live}
        for s in rural
    }  # fmt: skip
    shapes = {p.bell_schedule_id for p in tight.bell_periods}

    assert len({s.bell_schedule_id for s in rural}) == len(rural)
    assert len(set(map(frozenset, opened.values()))) > 1
    assert len(shapes) >= len(rural) + 2


def test_generate_bundle_tight_assistants_run_two_rooms(tight: Bundle) -> None:
    rooms = Counter(c.assistant_id for c in tight.classrooms)

    assert max(rooms.values()) == 2
    assert sum(v == 2 for v in rooms.values()) >= 20


def test_generate_bundle_tight_teachers_have_a_research_half_day(tight: Bundle) -> None:
    research = {b.teacher_id for b in tight.busy_blocks if "教研" in b.note}
    busy = Counter(b.teacher_id for b in tight.busy_blocks)

    assert research == {t.id for t in tight.network_teachers}
    assert min(busy.values()) >= 12
    assert {t.max_per_week for t in tight.network_teachers} <= {4, 5, 6}


# --- the demo county ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> Bundle:
    from coordinator.bundle import read_bundle

    report = read_bundle(DEMO)
    assert [str(problem) for problem in report.problems] == []
    assert report.bundle is not None
    return report.bundle


def test_demo_has_every_file_of_the_data_format() -> None:
    assert sorted(path.stem for path in DEMO.glob("*.csv")) == sorted(DATA_FORMAT_FILES)


def test_demo_is_a_consistent_county(demo: Bundle) -> None:
    assert demo.anchor_date == dt.date(2026, 11, 23)
    assert dangling_references(demo) == []
    assert duplicate_ids(demo) == []
    assert overlapping_periods(demo) == []
    assert uncovered_needs(demo) == []
    assert {a.kind for a in demo.alliances} == set(AllianceKind)
    assert {d.kind for d in demo.calendar_days} == set(DayKind)
    assert 0.6 <= demand_share(demo) <= 0.75


def test_demo_assistants_of_small_schools_run_two_classrooms(demo: Bundle) -> None:
    load = Counter(c.assistant_id for c in demo.classrooms)

    assert load["a-songlin-1"] == 2
    assert all(a.phone.startswith("139") and len(a.phone) == 11 for a in demo.assistants)


def common_free_periods(bundle: Bundle, classroom_id: str, subject_id: str) -> int:
    """Live periods of the classroom that some teacher of the subject and grade has free."""
    classroom = next(c for c in bundle.classrooms if c.id == classroom_id)
    schedule = next(s.bell_schedule_id for s in bundle.schools if s.id == classroom.school_id)
    live = [p for p in bundle.bell_periods if p.bell_schedule_id == schedule and p.live]
    qualified = [
        t.id
        for t in bundle.network_teachers
        if subject_id in t.subjects and classroom.grade in t.grades
    ]
    busy = {t: [b for b in bundle.busy_blocks if b.teacher_id == t] for t in qualified}
    return sum(
        not clashes(period.weekday, period.start, period.end, busy[teacher])
        for teacher in qualified
        for period in live
    )


def periods_needed(bundle: Bundle, classroom_id: str, subject_id: str) -> int:
    return next(
        n.periods_per_week
        for n in bundle.needs
        if (n.classroom_id, n.subject_id) == (classroom_id, subject_id)
    )


@pytest.mark.parametrize(
    ("classroom_id", "subject_id", "common"),
    [
        ("c-dazhai-5-1", "mental", 0),  # 徐丽 is free 09:05–10:00; 大寨's 45-minute P2 is 08:55
        ("c-sqzx-9-1", "mental", 1),  # 杨帆 is free only on Thursday 15:20–16:15
    ],
)
def test_demo_unmeetable_needs_lack_common_time(
    demo: Bundle, classroom_id: str, subject_id: str, common: int
) -> None:
    assert common_free_periods(demo, classroom_id, subject_id) == common
    assert periods_needed(demo, classroom_id, subject_id) > common


def test_demo_same_teacher_fits_rural_primary_bells(demo: Bundle) -> None:
    assert common_free_periods(demo, "c-hexi-6-1", "mental") == 5  # P2 09:10–09:50, Mon–Fri


# --- the tight-wide profile ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def wide() -> Bundle:
    return generate_bundle(**COUNTY, seed=7, profile="tight-wide")


def test_generate_bundle_tight_profile_is_unchanged_by_the_wide_one() -> None:
    digests = {
        seed: hashlib.sha1(repr(generate_bundle(**COUNTY, seed=seed, profile="tight")).encode())
        for seed in (0, 1)
    }

    assert {seed: d.hexdigest()[:12] for seed, d in digests.items()} == {
        0: "308148598aec",
        1: "759b56fae98f",
    }


def test_generate_bundle_tight_wide_is_as_tight_with_more_sessions(
    wide: Bundle, tight: Bundle, tmp_path: Path
) -> None:
    demand = sum(n.periods_per_week for n in wide.needs)
    sessions = sum(t.max_per_week for t in wide.network_teachers)
    live = live_periods_a_week(wide)
    rooms = Counter(c.assistant_id for c in wide.classrooms)
    research = {b.teacher_id for b in wide.busy_blocks if "教研" in b.note}

    assert generate_bundle(**COUNTY, seed=7, profile="tight-wide") == wide
    assert wide != tight
    assert dangling_references(wide) == []
    assert uncovered_needs(wide) == []
    assert 1.85 <= demand / sessions <= 2.25
    assert 0.33 <= demand / sum(live[c.id] for c in wide.classrooms) <= 0.5
    assert {t.max_per_week for t in wide.network_teachers} <= set(range(8, 13))
    assert {t.max_per_day for t in wide.network_teachers} == {3}
    assert max(rooms.values()) == 2
    assert research == {t.id for t in wide.network_teachers}
    assert sum(live.values()) > 1.2 * sum(live_periods_a_week(tight).values())
    assert read_back(wide, tmp_path) == wide
