"""Rural schools with their classrooms and assistants; regions; urban schools."""

from __future__ import annotations

import itertools
import math
import random

from coordinator.bundle.synthetic.draft import Draft
from coordinator.bundle.synthetic.teachers import draw_teacher
from coordinator.bundle.synthetic.vocabulary import (
    GRADE_ZH,
    MIDDLE,
    PRIMARY,
    RURAL_KINDS,
    SCHOOLS_PER_REGION,
    TEACHERS_PER_URBAN_SCHOOL,
    RuralKind,
)
from coordinator.domain import (
    Assistant,
    Classroom,
    Region,
    School,
)
from coordinator.enums import (
    NetworkProfile,
    SchoolKind,
)


def draw_rural_schools(draft: Draft, classrooms: int) -> list[School]:
    """Receiving schools of about four classrooms each, until `classrooms` are placed."""
    schools: list[School] = []
    left = classrooms
    while left > 0:
        kind = draft.rng.choices(RURAL_KINDS, weights=[k.weight for k in RURAL_KINDS])[0]
        size = min(draft.rng.randint(*kind.sizes), left)
        school = School(
            draft.new_id("r", 5),
            draft.place() + kind.suffix,
            SchoolKind.RURAL,
            "",
            kind.bell,
        )
        schools.append(school)
        draw_classrooms(draft, school, kind, size)
        left -= size
    return schools


def draw_classrooms(draft: Draft, school: School, kind: RuralKind, size: int) -> None:
    rng = draft.rng
    grades = rng.sample(kind.grades, min(size, len(kind.grades)))
    grades = sorted(grades + [rng.choice(kind.grades) for _ in range(size - len(grades))])
    assistant: Assistant | None = None
    for index, grade in enumerate(grades):
        section = grades[:index].count(grade) + 1
        name = f"{GRADE_ZH[grade]}年级"
        if kind.suffix != "教学点":
            name += f"（{section}）班"
        if assistant is None or (kind.suffix != "教学点" and rng.random() < 0.6):
            assistant = Assistant(draft.new_id("a", 5), school.id, draft.person(), draft.phone())
            draft.assistants.append(assistant)
        draft.classrooms.append(
            Classroom(
                draft.new_id("c", 6),
                school.id,
                name,
                grade,
                rng.randint(*kind.students),
                assistant.id,
                network_profile(rng),
            )
        )


def network_profile(rng: random.Random) -> NetworkProfile:
    roll = rng.random()
    if roll < 0.02:
        return NetworkProfile.AUDIO_ONLY
    return NetworkProfile.WEAK if roll < 0.17 else NetworkProfile.GOOD


RegionSchools = list[tuple[Region, list[School]]]


def split_into_regions(draft: Draft, rural: list[School], teachers: int) -> RegionSchools:
    """One region (county or district) per ~100 schools, each with at least one urban school."""
    urban_estimate = math.ceil(teachers / (sum(TEACHERS_PER_URBAN_SCHOOL) / 2))
    count = max(1, min(round((len(rural) + urban_estimate) / SCHOOLS_PER_REGION), teachers))
    regions: RegionSchools = []
    for index in range(count):
        region = Region(draft.new_id("rg", 3), draft.place() + "县")
        draft.regions.append(region)
        chunk = rural[index * len(rural) // count : (index + 1) * len(rural) // count]
        schools = [School(s.id, s.name, s.kind, region.id, s.bell_schedule_id) for s in chunk]
        draft.schools += schools
        regions.append((region, schools))
    return regions


def teachers_of_region(regions: RegionSchools, region: Region, teachers: int) -> int:
    """The region's share of the teachers, by its share of the schools (at least one)."""
    index = [r.id for r, _ in regions].index(region.id)
    rest = teachers - len(regions)
    sizes = [len(schools) for _, schools in regions]
    total = sum(sizes) or 1
    before = sum(sizes[:index])
    return 1 + (before + sizes[index]) * rest // total - before * rest // total


def draw_urban_schools(
    draft: Draft, region: Region, rural: list[School], teachers: int
) -> list[School]:
    """Urban schools of six to eight network teachers, primary and middle as the classrooms are."""
    ids = {school.id for school in rural}
    grades = [c.grade for c in draft.classrooms if c.school_id in ids]
    middle = round(teachers * sum(g >= 7 for g in grades) / max(len(grades), 1))
    if teachers >= 2 and grades:
        middle = min(
            max(middle, int(any(g >= 7 for g in grades))),
            teachers - int(any(g <= 6 for g in grades)),
        )
    urban: list[School] = []
    for band, count in ((PRIMARY, teachers - middle), (MIDDLE, middle)):
        for number in itertools.count(1):
            if count <= 0:
                break
            size = min(draft.rng.randint(*TEACHERS_PER_URBAN_SCHOOL), count)
            school = urban_school(draft, region, band, number)
            urban.append(school)
            for _ in range(size):
                draw_teacher(draft, school, band)
            count -= size
    return urban


def urban_school(draft: Draft, region: Region, band: range, number: int) -> School:
    county = region.name.removesuffix("县")
    kind = "小学" if band is PRIMARY else "中学"
    name = f"{county}第{chinese_number(number)}{kind}" if number > 1 else f"{county}实验{kind}"
    bell = "urban-primary" if band is PRIMARY else "urban-middle"
    school = School(draft.new_id("u", 4), name, SchoolKind.URBAN, region.id, bell)
    draft.schools.append(school)
    return school


def chinese_number(number: int) -> str:
    """一 … 九十九, as in 第十二小学."""
    tens, ones = divmod(number, 10)
    if tens == 0:
        return GRADE_ZH[ones]
    return ("" if tens == 1 else GRADE_ZH[tens]) + "十" + (GRADE_ZH[ones] if ones else "")
