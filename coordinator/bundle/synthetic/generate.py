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
from coordinator.bundle.synthetic.tight import (
    TIGHT,
    TIGHT_WIDE,
    TightProfile,
    demand_target,
    draw_tight_needs,
    open_periods,
    share_assistants,
    tighten_teachers,
)
from coordinator.bundle.synthetic.vocabulary import ANCHOR_DATE, BELL_SHAPES, SUBJECTS, TERM
from coordinator.domain import (
    BellSchedule,
    Bundle,
)

PROFILES = ("loose", "tight", "tight-wide")
TIGHT_PROFILES = {"tight": TIGHT, "tight-wide": TIGHT_WIDE}


def generate_bundle(*, classrooms: int, teachers: int, seed: int, profile: str = "loose") -> Bundle:
    """A valid bundle with exactly `classrooms` rural classrooms and `teachers` network teachers.

    ``profile``: "loose" (needs well within the teachers' weeks), "tight" (a shortage county,
    see ``tight``) or "tight-wide" (as short, with more sessions and open periods: more options).
    """
    if classrooms < 1 or teachers < 1:
        raise ValueError("a synthetic bundle needs at least one classroom and one teacher")
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: one of {', '.join(PROFILES)}")
    if profile in TIGHT_PROFILES:
        return generate_tight(
            classrooms=classrooms, teachers=teachers, seed=seed, profile=TIGHT_PROFILES[profile]
        )
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


def generate_tight(
    *, classrooms: int, teachers: int, seed: int, profile: TightProfile = TIGHT
) -> Bundle:
    """A shortage county (or more): open periods, shared assistants, few sessions, high demand."""
    draft = Draft(random.Random(seed))
    receiving = draw_rural_schools(draft, classrooms)
    regions = split_into_regions(draft, receiving, teachers)
    draft.days += NATIONAL_DAYS
    for region, rural in regions:
        share = teachers_of_region(regions, region, teachers)
        urban = draw_urban_schools(draft, region, rural, share)
        teachers_here = teachers_of(draft, urban)
        draw_pairings(draft, urban, rural)  # reads the shared bell ids: before open_periods
        draw_groups(draft, urban, rural)
        share_assistants(draft, rural)
        tighten_teachers(draft, teachers_here, urban, profile)
        teachers_here = teachers_of(draft, urban)
        demand = demand_target(draft, teachers_here)
        open_periods(draft, [s for s in draft.schools if s in rural], demand, profile)
        draw_tight_needs(draft, classrooms_of(draft, rural), teachers_here, demand)
        draw_region_days(draft, region, rural)
        draw_events(draft, region, urban, classrooms_of(draft, rural))
    draw_pinned_sessions(draft)
    return assemble(draft, classrooms, teachers, seed, "紧缺")


def assemble(draft: Draft, classrooms: int, teachers: int, seed: int, tag: str = "") -> Bundle:
    used = sorted({school.bell_schedule_id for school in draft.schools} & set(BELL_SHAPES))
    bells = [BellSchedule(BELL_SHAPES[i].id, BELL_SHAPES[i].name) for i in used]
    periods = [period for i in used for period in bell_periods(BELL_SHAPES[i])]
    return Bundle(
        name=f"合成数据{tag}：{classrooms}个教室、{teachers}名主讲教师（种子{seed}）",
        anchor_date=ANCHOR_DATE,
        regions=tuple(draft.regions),
        schools=tuple(draft.schools),
        alliances=tuple(draft.alliances),
        alliance_members=tuple(draft.members),
        bell_schedules=tuple(bells + draft.bells),
        bell_periods=tuple(periods + draft.periods),
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
