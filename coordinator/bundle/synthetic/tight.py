"""The tight profile: a shortage county where the plan cannot deliver every need.

What makes it tight (docs/solver.md, "Tight instances"):

- each rural school opens only some of its periods to live lessons (its own bell schedule,
  drawn from a few periods the region keeps for live lessons, so broadcasts can be shared);
- one assistant runs two classrooms, so those two rooms never receive lessons at once;
- network teachers give 4–6 live sessions a week (2 a day), around a real urban timetable of
  12–16 periods and a 教研 half-day;
- demand is 1.9–2.2 periods per teacher session in total and 33–50% of each classroom's live
  periods, so only sharing broadcasts among up to K classrooms of one grade band delivers it;
  subjects with few teachers get up to five classrooms' periods per teacher session.

The tight-wide profile (``TIGHT_WIDE``) keeps those ratios but gives each teacher more sessions
(8–12 a week, 3 a day) around a lighter urban week and opens more of each template's periods,
so a 60-classroom county has three times the lesson options: closer to counties measured from
outside (15k–50k options), where the search, not the construction, decides.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from coordinator.bundle.synthetic.bells import bell_periods
from coordinator.bundle.synthetic.draft import Draft
from coordinator.bundle.synthetic.vocabulary import (
    BELL_SHAPES,
    GRADE_ZH,
    SUBJECT_GRADES,
    SUBJECTS,
)
from coordinator.domain import (
    Assistant,
    BellPeriod,
    BellSchedule,
    BusyBlock,
    Classroom,
    Need,
    NetworkTeacher,
    School,
)

SESSIONS_PER_WEEK = (4, 6)  # live sessions a network teacher gives a week
SESSIONS_PER_DAY = 2
URBAN_PERIODS = (12, 16)  # periods of the teacher's own urban timetable
DEMAND_PER_SESSION = (1.9, 2.2)  # periods demanded per teacher session, whole region
NEED_SHARE = (0.36, 0.46)  # periods needed per live period, drawn per school
SUBJECT_CAP = 5  # at most this many periods demanded per session of the subject's teachers
PERIODS_PER_NEED = 3
LIVE_POOL_SHARE = 0.6  # the region keeps this share of a template's periods for live lessons


@dataclass(frozen=True, slots=True)
class TightProfile:
    """How busy the teachers are and how many periods the region keeps for live lessons."""

    sessions_per_week: tuple[int, int] = SESSIONS_PER_WEEK
    sessions_per_day: int = SESSIONS_PER_DAY
    urban_periods: tuple[int, int] = URBAN_PERIODS
    live_pool_share: float = LIVE_POOL_SHARE


TIGHT = TightProfile()
TIGHT_WIDE = TightProfile(
    sessions_per_week=(8, 12), sessions_per_day=3, urban_periods=(10, 14), live_pool_share=0.8
)


def share_assistants(draft: Draft, rural: list[School]) -> None:
    """Each assistant runs two classrooms of their school (an odd one out runs one)."""
    ids = {school.id for school in rural}
    kept: set[str] = set()
    by_school: dict[str, list[int]] = defaultdict(list)
    for index, room in enumerate(draft.classrooms):
        if room.school_id in ids:
            by_school[room.school_id].append(index)
    for school_id, indexes in by_school.items():
        for start in range(0, len(indexes), 2):
            lead = draft.classrooms[indexes[start]].assistant_id
            if lead in kept:
                lead = draft.new_id("a", 5)
                draft.assistants.append(Assistant(lead, school_id, draft.person(), draft.phone()))
            kept.add(lead)
            for index in indexes[start : start + 2]:
                room = draft.classrooms[index]
                draft.classrooms[index] = Classroom(
                    room.id,
                    room.school_id,
                    room.name,
                    room.grade,
                    room.students,
                    lead,
                    room.network,
                )
    draft.assistants = [a for a in draft.assistants if a.school_id not in ids or a.id in kept]


def tighten_teachers(
    draft: Draft, teachers: list[NetworkTeacher], urban: list[School], profile: TightProfile = TIGHT
) -> None:
    """Few live sessions a week, a full urban timetable and a 教研 half-day for each teacher."""
    rng = draft.rng
    bells = {school.id: school.bell_schedule_id for school in urban}
    ids = {teacher.id for teacher in teachers}
    draft.busy = [block for block in draft.busy if block.teacher_id not in ids]
    position = {teacher.id: i for i, teacher in enumerate(draft.teachers)}
    for teacher in teachers:
        index = position[teacher.id]
        draft.teachers[index] = NetworkTeacher(
            teacher.id,
            teacher.school_id,
            teacher.name,
            teacher.subjects,
            teacher.grades,
            profile.sessions_per_day,
            rng.randint(*profile.sessions_per_week),
            teacher.phone,
        )
        shape = BELL_SHAPES[bells[teacher.school_id]]
        research_day, morning = rng.randint(1, 5), rng.random() < 0.5
        periods = [
            p
            for p in bell_periods(shape)
            if p.weekday != research_day or (p.start.hour < 12) != morning
        ]
        subject = next(s.name_zh for s in SUBJECTS if s.id == teacher.subjects[0])
        for period in sorted(
            rng.sample(periods, min(len(periods), rng.randint(*profile.urban_periods))),
            key=lambda p: (p.weekday, p.start),
        ):
            grade = rng.choice(teacher.grades)
            note = f"本校{GRADE_ZH[grade]}（{rng.randint(1, 6)}）班{subject}"
            draft.busy.append(BusyBlock(teacher.id, period.weekday, period.start, period.end, note))
        start, end = (
            (dt.time(8, 0), dt.time(11, 50)) if morning else (dt.time(14, 0), dt.time(17, 30))
        )
        draft.busy.append(BusyBlock(teacher.id, research_day, start, end, "教研活动（半天）"))


def demand_target(draft: Draft, teachers: list[NetworkTeacher]) -> int:
    """Periods the region demands: 1.9–2.2 per session its teachers can give."""
    supply = sum(t.max_per_week for t in draft.teachers if t in teachers)
    return round(supply * draft.rng.uniform(*DEMAND_PER_SESSION))


def open_periods(
    draft: Draft, rural: list[School], demand: int, profile: TightProfile = TIGHT
) -> None:
    """Each school's own bell schedule, opening only some periods, from the region's live pool."""
    rng = draft.rng
    rooms = Counter(c.school_id for c in draft.classrooms)
    per_room = demand / max(1, sum(rooms[s.id] for s in rural))
    pools: dict[str, list[tuple[int, int]]] = {}
    for school in rural:
        shape = BELL_SHAPES[school.bell_schedule_id]
        template = [p for p in bell_periods(shape) if p.live]
        if shape.id not in pools:
            keys = [(p.weekday, p.period) for p in template]
            pools[shape.id] = rng.sample(keys, math.ceil(profile.live_pool_share * len(keys)))
        pool = pools[shape.id]
        wanted = round(per_room / rng.uniform(*NEED_SHARE))
        chosen = set(rng.sample(pool, min(len(pool), max(4, wanted))))
        schedule = BellSchedule(f"bell-{school.id}", f"{school.name}作息（部分节次开放直播）")
        draft.bells.append(schedule)
        draft.periods += [
            BellPeriod(
                schedule.id,
                p.weekday,
                p.period,
                p.start,
                p.end,
                (p.weekday, p.period) in chosen,
            )
            for p in bell_periods(shape)
        ]
        index = draft.schools.index(school)
        draft.schools[index] = School(
            school.id, school.name, school.kind, school.region_id, schedule.id, school.time_zone
        )


def draw_tight_needs(
    draft: Draft, classrooms: list[Classroom], teachers: list[NetworkTeacher], demand: int
) -> None:
    """Round-robin one period at a time over the classrooms until the region's demand is drawn.

    A classroom takes at most half its live periods; a subject at most SUBJECT_CAP periods per
    session its teachers give (scarce subjects are the most oversubscribed).
    """
    rng = draft.rng
    live = Counter(p.bell_schedule_id for p in draft.periods if p.live)
    bell = {school.id: school.bell_schedule_id for school in draft.schools}
    supply: dict[str, float] = defaultdict(float)
    for teacher in teachers:
        for subject in teacher.subjects:
            supply[subject] += teacher.max_per_week / len(teacher.subjects)
    eligible = {
        room.id: [
            s.id
            for s in SUBJECTS
            if room.grade in SUBJECT_GRADES[s.id]
            and any(s.id in t.subjects and room.grade in t.grades for t in teachers)
        ]
        for room in classrooms
    }
    periods: Counter[tuple[str, str]] = Counter()
    taken: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    order = list(classrooms)
    rng.shuffle(order)
    progress = True
    while demand > 0 and progress:
        progress = False
        for room in order:
            if demand <= 0:
                break
            if taken[room.id] >= live[bell[room.school_id]] // 2:
                continue
            open_subjects = [
                s
                for s in eligible[room.id]
                if periods[(room.id, s)] < PERIODS_PER_NEED and asked[s] < SUBJECT_CAP * supply[s]
            ]
            if not open_subjects:
                continue
            subject = rng.choice(open_subjects)
            periods[(room.id, subject)] += 1
            taken[room.id] += 1
            asked[subject] += 1
            demand -= 1
            progress = True
    draft.needs += [
        Need(room.id, s.id, periods[(room.id, s.id)])
        for room in classrooms
        for s in SUBJECTS
        if periods[(room.id, s.id)]
    ]
