"""`generate_bundle`: a county, district or province drawn region by region, then assembled."""

from __future__ import annotations

import random

from coordinator.bundle.synthetic.alliances import draw_groups, draw_pairings
from coordinator.bundle.synthetic.bells import bell_periods
from coordinator.bundle.synthetic.calendar import NATIONAL_DAYS, draw_region_days
from coordinator.bundle.synthetic.draft import Draft, classrooms_of, teachers_of
from coordinator.bundle.synthetic.events import draw_events, draw_pinned_sessions
from coordinator.bundle.synthetic.schools import (
    draw_rural_schools,
    draw_urban_schools,
    split_into_regions,
    teachers_of_region,
)
from coordinator.bundle.synthetic.teachers import draw_needs
from coordinator.bundle.synthetic.vocabulary import ANCHOR_DATE, BELL_SHAPES, SUBJECTS, TERM
from coordinator.domain import (
    BellSchedule,
    Bundle,
)


def generate_bundle(*, classrooms: int, teachers: int, seed: int) -> Bundle:
    """A valid bundle with exactly `classrooms` rural classrooms and `teachers` network teachers."""
    if classrooms < 1 or teachers < 1:
        raise ValueError("a synthetic bundle needs at least one classroom and one teacher")
    draft = Draft(random.Random(seed))
    receiving = draw_rural_schools(draft, classrooms)
    regions = split_into_regions(draft, receiving, teachers)
    draft.days += NATIONAL_DAYS
    for region, rural in regions:
        share = teachers_of_region(regions, region, teachers)
        urban = draw_urban_schools(draft, region, rural, share)
        classrooms_here = classrooms_of(draft, rural)
        draw_needs(draft, classrooms_here, teachers_of(draft, urban))
        draw_pairings(draft, urban, rural)
        draw_groups(draft, urban, rural)
        draw_region_days(draft, region, rural)
        draw_events(draft, region, urban, classrooms_here)
    draw_pinned_sessions(draft)
    return assemble(draft, classrooms, teachers, seed)


def assemble(draft: Draft, classrooms: int, teachers: int, seed: int) -> Bundle:
    used = sorted({school.bell_schedule_id for school in draft.schools})
    return Bundle(
        name=f"合成数据：{classrooms}个教室、{teachers}名主讲教师（种子{seed}）",
        anchor_date=ANCHOR_DATE,
        regions=tuple(draft.regions),
        schools=tuple(draft.schools),
        alliances=tuple(draft.alliances),
        alliance_members=tuple(draft.members),
        bell_schedules=tuple(BellSchedule(BELL_SHAPES[i].id, BELL_SHAPES[i].name) for i in used),
        bell_periods=tuple(period for i in used for period in bell_periods(BELL_SHAPES[i])),
        terms=(TERM,),
        calendar_days=tuple(draft.days),
        subjects=SUBJECTS,
        assistants=tuple(draft.assistants),
        classrooms=tuple(draft.classrooms),
        network_teachers=tuple(draft.teachers),
        busy_blocks=tuple(draft.busy),
        needs=tuple(draft.needs),
        pinned_sessions=tuple(draft.pinned),
        events=tuple(draft.events),
    )
