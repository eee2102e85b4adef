"""Network teachers with their own urban timetables, and the needs they are to meet."""

from __future__ import annotations

import random
from collections.abc import Sequence

from coordinator.bundle.synthetic.bells import bell_periods
from coordinator.bundle.synthetic.draft import Draft
from coordinator.bundle.synthetic.vocabulary import (
    BELL_SHAPES,
    DEMAND_SHARE,
    GRADE_ZH,
    SUBJECT_GRADES,
    SUBJECT_WEIGHTS,
    SUBJECTS,
    BellShape,
)
from coordinator.domain import (
    BusyBlock,
    Classroom,
    Need,
    NetworkTeacher,
    School,
)


def draw_teacher(draft: Draft, school: School, band: range) -> None:
    rng = draft.rng
    weights = SUBJECT_WEIGHTS[band]
    subject = rng.choices(list(weights), weights=list(weights.values()))[0]
    both = subject in ("music", "art") and rng.random() < 0.15
    subjects = ("music", "art") if both else (subject,)
    grades = tuple(g for g in band if g in SUBJECT_GRADES[subject])
    per_day = rng.randint(2, 4)
    teacher = NetworkTeacher(
        draft.new_id("t", 5),
        school.id,
        draft.person(),
        subjects,
        grades,
        per_day,
        min(rng.randint(8, 14), per_day * 5),
        draft.phone(rng.choice(("138", "136"))),
    )
    draft.teachers.append(teacher)
    draw_busy_blocks(draft, teacher, BELL_SHAPES[school.bell_schedule_id])


def draw_busy_blocks(draft: Draft, teacher: NetworkTeacher, shape: BellShape) -> None:
    """Six to ten periods of the teacher's own school timetable, on different weekdays."""
    rng = draft.rng
    subject = next(s.name_zh for s in SUBJECTS if s.id == teacher.subjects[0])
    taught = rng.sample(bell_periods(shape), rng.randint(6, 10))
    for period in sorted(taught, key=lambda p: (p.weekday, p.start)):
        grade = rng.choice(teacher.grades)
        note = f"本校{GRADE_ZH[grade]}（{rng.randint(1, 6)}）班{subject}"
        draft.busy.append(BusyBlock(teacher.id, period.weekday, period.start, period.end, note))


def draw_needs(draft: Draft, classrooms: list[Classroom], teachers: list[NetworkTeacher]) -> None:
    """Needs of a region's classrooms, subject by subject, up to a share of its teachers' weeks."""
    periods: dict[tuple[str, str], int] = {}
    for subject in SUBJECTS:
        qualified = [t for t in teachers if subject.id in t.subjects]
        supply = sum(t.max_per_week / len(t.subjects) for t in qualified)
        budget = round(supply * draft.rng.uniform(*DEMAND_SHARE))
        covered = {g for t in qualified for g in t.grades} & set(SUBJECT_GRADES[subject.id])
        eligible = [c for c in classrooms if c.grade in covered]
        draft.rng.shuffle(eligible)
        spread_budget(periods, subject.id, eligible, budget, draft.rng)
    draft.needs += [
        Need(classroom.id, subject.id, periods[(classroom.id, subject.id)])
        for classroom in classrooms
        for subject in SUBJECTS
        if (classroom.id, subject.id) in periods
    ]


def spread_budget(
    periods: dict[tuple[str, str], int],
    subject_id: str,
    eligible: Sequence[Classroom],
    budget: int,
    rng: random.Random,
) -> None:
    """One period a week (English often two) to each classroom in turn; a second round tops up."""
    for round_ in (1, 2):
        for classroom in eligible:
            if budget <= 0:
                return
            key = (classroom.id, subject_id)
            if round_ == 1:
                periods[key] = 2 if subject_id == "english" and rng.random() < 0.6 else 1
                budget -= periods[key]
            elif periods[key] < 2:
                periods[key] += 1
                budget -= 1
