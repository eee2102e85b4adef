"""Synthetic bundles: a realistic county, district or province of any size, for benchmarks.

`generate_bundle` is pure and deterministic for a seed. Rural schools (教学点, 村小,
中心小学, 乡镇初中, 九年一贯制) receive lessons; urban schools of six to eight network
teachers each pair with the rural schools of their region. Every school keeps its own bell
schedule, so a lesson only fits where the rural period and the teacher's free time overlap.
Needs add up to 70–90% of what the teachers of a region can give, subject by subject, and only
ask for subjects and grades some teacher there covers.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from coordinator.domain import (
    Alliance,
    AllianceMember,
    Assistant,
    BellPeriod,
    BellSchedule,
    Bundle,
    BusyBlock,
    CalendarDay,
    Classroom,
    Event,
    Need,
    NetworkTeacher,
    PinnedSession,
    Region,
    School,
    Subject,
    Term,
)
from coordinator.enums import (
    AllianceKind,
    AudienceKind,
    DayKind,
    EventKind,
    NetworkProfile,
    SchoolKind,
)

TERM = Term("2026-autumn", "2026年秋季学期", dt.date(2026, 9, 1), dt.date(2027, 1, 22))
ANCHOR_DATE = dt.date(2026, 11, 23)
SCHOOLS_PER_REGION = 100
TEACHERS_PER_URBAN_SCHOOL = (6, 8)
DEMAND_SHARE = (0.72, 0.88)  # needs as a share of the teachers' weekly capacity, per subject
PRIMARY, MIDDLE = range(1, 7), range(7, 10)
GRADE_ZH = "零一二三四五六七八九"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力丹燕海鹏宇浩凯雪琳晨欣怡佳婷思志国"  # noqa: E501
PLACE_FIRST = "青白石柳松桃杏黄红龙凤马东西南大小新古双梅竹兰金银清长安永太和丰庆福宁沙枫茶桂杨"
PLACE_SECOND = "山河湾桥坪岭溪沟坝寨庄塘岗店林冲铺洞源湖田坡滩垭"

SUBJECTS = (
    Subject("music", "音乐", "Music"),
    Subject("art", "美术", "Art"),
    Subject("english", "英语", "English"),
    Subject("science", "科学", "Science"),
    Subject("pe-health", "体育与健康", "PE and Health"),
    Subject("it", "信息科技", "Information Technology"),
    Subject("calligraphy", "书法", "Calligraphy"),
    Subject("mental", "心理健康", "Mental Health"),
)
SUBJECT_GRADES = {
    "music": range(1, 10),
    "art": range(1, 10),
    "english": range(3, 10),
    "science": range(1, 7),
    "pe-health": range(7, 10),
    "it": range(3, 9),
    "calligraphy": range(3, 7),
    "mental": range(1, 10),
}
# How often an urban school of a band has a network teacher of a subject.
SUBJECT_WEIGHTS = {
    PRIMARY: {
        "english": 24,
        "music": 20,
        "art": 18,
        "science": 16,
        "it": 8,
        "calligraphy": 7,
        "mental": 7,
    },
    MIDDLE: {"english": 24, "music": 16, "art": 16, "it": 18, "pe-health": 14, "mental": 12},
}


@dataclass(frozen=True, slots=True)
class BellShape:
    """How a bell schedule runs: first bell, period length, periods before and after lunch."""

    id: str
    name: str
    start: int  # minutes after midnight
    length: int
    morning: int
    afternoon: int
    afternoon_start: int
    short_friday: bool = False  # the last period runs Monday–Thursday only (boarders go home)


BELL_SHAPES = {
    shape.id: shape
    for shape in (
        BellShape("urban-primary", "城区小学作息（40分钟）", 480, 40, 4, 3, 840),
        BellShape("urban-middle", "城区中学作息（45分钟）", 470, 45, 4, 4, 840, True),
        BellShape("rural-primary", "乡村小学作息（40分钟）", 500, 40, 4, 3, 850),
        BellShape("rural-middle", "乡镇中学作息（45分钟，寄宿制）", 480, 45, 4, 4, 870, True),
        BellShape("teaching-point", "教学点作息（40分钟）", 520, 40, 3, 3, 860),
        BellShape("nine-year", "九年一贯制学校作息（45分钟）", 490, 45, 4, 3, 860),
    )
}


@dataclass(frozen=True, slots=True)
class RuralKind:
    """A kind of receiving school: its name, bell schedule, grades, size and class sizes."""

    suffix: str
    bell: str
    grades: range
    sizes: tuple[int, int]
    students: tuple[int, int]
    weight: int


RURAL_KINDS = (
    RuralKind("教学点", "teaching-point", range(1, 5), (1, 2), (4, 15), 25),
    RuralKind("村小学", "rural-primary", PRIMARY, (3, 6), (12, 38), 35),
    RuralKind("镇中心小学", "rural-primary", PRIMARY, (4, 8), (30, 48), 15),
    RuralKind("镇初级中学", "rural-middle", MIDDLE, (3, 6), (30, 50), 15),
    RuralKind("九年一贯制学校", "nine-year", range(1, 10), (4, 8), (15, 40), 10),
)


@dataclass(slots=True)
class Draft:
    """The bundle while it is being drawn: plain lists that become the Bundle's tuples."""

    rng: random.Random
    regions: list[Region] = field(default_factory=list)
    schools: list[School] = field(default_factory=list)
    alliances: list[Alliance] = field(default_factory=list)
    members: list[AllianceMember] = field(default_factory=list)
    assistants: list[Assistant] = field(default_factory=list)
    classrooms: list[Classroom] = field(default_factory=list)
    teachers: list[NetworkTeacher] = field(default_factory=list)
    busy: list[BusyBlock] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
    pinned: list[PinnedSession] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    days: list[CalendarDay] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    issued: Counter[str] = field(default_factory=Counter)

    def new_id(self, prefix: str, width: int) -> str:
        """The next id of a kind: r-00001, c-000001, ..."""
        self.issued[prefix] += 1
        return f"{prefix}-{self.issued[prefix]:0{width}d}"

    def place(self) -> str:
        """The next village or county name, drawn without repeats until the pool runs out."""
        if not self.places:
            self.places = [a + b for a in PLACE_FIRST for b in PLACE_SECOND]
            self.rng.shuffle(self.places)
        return self.places.pop()

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.randint(1, 2)))

    def phone(self, prefix: str = "139") -> str:
        return f"{prefix}{self.rng.randrange(10**8):08d}"


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


def classrooms_of(draft: Draft, schools: list[School]) -> list[Classroom]:
    ids = {school.id for school in schools}
    return [classroom for classroom in draft.classrooms if classroom.school_id in ids]


def teachers_of(draft: Draft, schools: list[School]) -> list[NetworkTeacher]:
    ids = {school.id for school in schools}
    return [teacher for teacher in draft.teachers if teacher.school_id in ids]


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


# --- bell schedules ---------------------------------------------------------------------------


def clock(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def period_times(shape: BellShape) -> list[tuple[int, int]]:
    """(start, end) minutes of each period: 10-minute breaks, a 大课间 after the second period."""
    times: list[tuple[int, int]] = []
    start = shape.start
    for number in range(1, shape.morning + 1):
        times.append((start, start + shape.length))
        start += shape.length + (25 if number == 2 else 10)
    start = shape.afternoon_start
    for _ in range(shape.afternoon):
        times.append((start, start + shape.length))
        start += shape.length + 10
    return times


@functools.cache
def bell_periods(shape: BellShape) -> tuple[BellPeriod, ...]:
    """Monday–Friday periods; the first (早读) and last (课后服务) are not open to live lessons."""
    times = period_times(shape)
    periods: list[BellPeriod] = []
    for number, (start, end) in enumerate(times, start=1):
        last = number == len(times)
        weekdays = range(1, 5) if last and shape.short_friday else range(1, 6)
        live = number not in (1, len(times))
        periods += [
            BellPeriod(shape.id, weekday, number, clock(start), clock(end), live)
            for weekday in weekdays
        ]
    return tuple(periods)


# --- rural schools, classrooms and assistants ---------------------------------------------------


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


# --- regions and urban schools ------------------------------------------------------------------

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


# --- network teachers and their own timetables --------------------------------------------------


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


# --- needs ---------------------------------------------------------------------------------------


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


# --- alliances -----------------------------------------------------------------------------------


def serves_middle(school: School) -> bool:
    return school.bell_schedule_id in ("urban-middle", "rural-middle", "nine-year")


def draw_pairings(draft: Draft, urban: list[School], rural: list[School]) -> None:
    """结对帮扶: every rural school pairs with one urban school of its band in its region."""
    order = list(rural)
    draft.rng.shuffle(order)
    for middle in (False, True):
        leads = [u for u in urban if serves_middle(u) == middle] or urban
        takers = [r for r in order if serves_middle(r) == middle]
        for index, lead in enumerate(leads):
            if members := takers[index :: len(leads)]:
                alliance = add_alliance(
                    draft, f"{lead.name}城乡结对帮扶共同体", AllianceKind.PAIRING, lead
                )
                draft.members += [
                    AllianceMember(alliance.id, m.id, draft.rng.randint(1, 3)) for m in members
                ]


def draw_groups(draft: Draft, urban: list[School], rural: list[School]) -> None:
    """集团化办学: a region's 实验 school leads another urban school and a few town schools."""
    for middle in (False, True):
        band = [u for u in urban if serves_middle(u) == middle]
        towns = [r for r in rural if serves_middle(r) == middle and "镇" in r.name]
        if len(band) < 2 or not towns:
            continue
        group = add_alliance(draft, f"{band[0].name}教育集团", AllianceKind.GROUP, band[0])
        draft.members.append(AllianceMember(group.id, band[1].id))
        picked = draft.rng.sample(towns, min(len(towns), draft.rng.randint(2, 4)))
        draft.members += [AllianceMember(group.id, town.id, 2) for town in picked]


def add_alliance(draft: Draft, name: str, kind: AllianceKind, lead: School) -> Alliance:
    prefix = "pair" if kind is AllianceKind.PAIRING else "group"
    alliance = Alliance(draft.new_id(prefix, 4), name, kind, lead.id)
    draft.alliances.append(alliance)
    return alliance


# --- calendar ------------------------------------------------------------------------------------

NATIONAL_DAYS = (
    CalendarDay(dt.date(2026, 9, 20), DayKind.MAKEUP, "国庆调休上课（按周二课表）", 2),
    CalendarDay(dt.date(2026, 9, 25), DayKind.HOLIDAY, "中秋节"),
    *(CalendarDay(dt.date(2026, 10, day), DayKind.HOLIDAY, "国庆节") for day in range(1, 8)),
    CalendarDay(dt.date(2026, 10, 10), DayKind.MAKEUP, "国庆调休上课（按周三课表）", 3),
    CalendarDay(dt.date(2027, 1, 1), DayKind.HOLIDAY, "元旦"),
    *(CalendarDay(dt.date(2027, 1, day), DayKind.EXAM, "期末考试") for day in (18, 19, 20)),
)
CLOSURE_REASONS = ("雨雪天气停课", "线路检修停电", "校舍维修停课", "流感停课")


def draw_region_days(draft: Draft, region: Region, rural: list[School]) -> None:
    """The region's mid-term exam (two days in mid-November) and a few one-day school closures."""
    first = dt.date(2026, 11, draft.rng.randint(9, 12))
    for day in (first, first + dt.timedelta(days=1)):
        draft.days.append(
            CalendarDay(day, DayKind.EXAM, f"{region.name}期中考试", region_id=region.id)
        )
    school_days = week_days(dt.date(2026, 10, 12), dt.date(2026, 12, 31))
    for school in draft.rng.sample(rural, min(len(rural), max(1, len(rural) // 40))):
        draft.days.append(
            CalendarDay(
                draft.rng.choice(school_days),
                DayKind.CLOSURE,
                draft.rng.choice(CLOSURE_REASONS),
                school_id=school.id,
            )
        )


def week_days(first: dt.date, last: dt.date) -> list[dt.date]:
    days = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.isoweekday() <= 5]


# --- events and pinned sessions ------------------------------------------------------------------


def draw_events(
    draft: Draft, region: Region, urban: list[School], classrooms: list[Classroom]
) -> None:
    """In the week of the anchor date: a training, a 教研 per alliance lead, a 家长课堂."""
    hosts = teachers_of(draft, urban)
    add_event(
        draft,
        EventKind.TRAINING,
        "网络主讲教师直播教学能力提升培训",
        AudienceKind.REGION,
        region.id,
        2,
        host_name=f"{region.name}教师发展中心",
    )
    for alliance in [a for a in draft.alliances if a.lead_school_id in {u.id for u in urban}][:3]:
        host = next((t.id for t in hosts if t.school_id == alliance.lead_school_id), None)
        add_event(
            draft,
            EventKind.RESEARCH,
            f"{alliance.name}联合教研",
            AudienceKind.ALLIANCE,
            alliance.id,
            1,
            host_teacher_id=host,
        )
    if classrooms:
        classroom = draft.rng.choice(classrooms)
        add_event(
            draft,
            EventKind.PARENT_CLASS,
            "家长课堂：如何陪孩子上好网络课",
            AudienceKind.CLASSROOM,
            classroom.id,
            3,
            evening=True,
        )


def add_event(
    draft: Draft,
    kind: EventKind,
    title: str,
    audience_kind: AudienceKind,
    audience_id: str,
    days_after_anchor: int,
    *,
    host_teacher_id: str | None = None,
    host_name: str = "",
    evening: bool = False,
) -> None:
    event_id = draft.new_id("e", 4)
    start, end = (19, 30), (20, 30)
    if not evening:
        start, end = (16, 40), (17, 40)
    draft.events.append(
        Event(
            event_id,
            kind,
            title,
            audience_kind,
            audience_id,
            ANCHOR_DATE + dt.timedelta(days=days_after_anchor),
            dt.time(*start),
            dt.time(*end),
            host_teacher_id,
            host_name,
            f"https://meeting.example.cn/j/{event_id}",
        )
    )


def draw_pinned_sessions(draft: Draft) -> None:
    """A few fixed sessions, half open 公益课堂 courses, in rural periods the teacher has free."""
    count = min(len(draft.teachers), 2 + len(draft.teachers) // 100)
    chosen = draft.rng.sample(draft.teachers, count)
    busy: dict[str, list[BusyBlock]] = {teacher.id: [] for teacher in chosen}
    for block in draft.busy:
        if block.teacher_id in busy:
            busy[block.teacher_id].append(block)
    for teacher in chosen:
        slot = free_rural_period(draft.rng, teacher, busy[teacher.id])
        if slot is not None:
            add_pinned_session(draft, teacher, slot)


def free_rural_period(
    rng: random.Random, teacher: NetworkTeacher, busy: list[BusyBlock]
) -> BellPeriod | None:
    shape = BELL_SHAPES["rural-middle" if teacher.grades[0] >= 7 else "rural-primary"]
    periods = [period for period in bell_periods(shape) if period.live]
    rng.shuffle(periods)
    return next(
        (
            p
            for p in periods
            if not any(b.weekday == p.weekday and b.start < p.end and p.start < b.end for b in busy)
        ),
        None,
    )


def add_pinned_session(draft: Draft, teacher: NetworkTeacher, period: BellPeriod) -> None:
    rng = draft.rng
    open_course = len(draft.pinned) % 2 == 0
    subject = next(s for s in SUBJECTS if s.id == teacher.subjects[0])
    first = rng.randrange(len(teacher.grades))
    grades = teacher.grades[first : first + rng.randint(1, 3)]
    note = f"美丽乡村网络公益课堂·{subject.name_zh}" if open_course else f"{subject.name_zh}联合课"
    draft.pinned.append(
        PinnedSession(
            draft.new_id("p", 4),
            teacher.id,
            subject.id,
            period.weekday,
            period.start,
            period.end,
            grades,
            rng.randint(2, 8) if open_course else rng.randint(2, 4),
            open_course,
            note,
        )
    )
