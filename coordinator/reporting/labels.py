"""Group keys and their names in Chinese and English; retired things are marked so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol

from coordinator.reporting.facts import Catalog, Label
from coordinator.reporting.outcomes import Cause, Outcome


class Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def retired(self) -> bool: ...


TOTAL = Label("合计", "Total")
RETIRED = Label("（已停用）", " (retired)")
GRADE_NAMES = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
CAUSE_LABELS = {
    Cause.STREAM_FAILED: Label("直播中断", "Stream failed"),
    Cause.NO_SIGNAL: Label("无信号", "No signal"),
    Cause.NO_TEACHER: Label("主讲未到", "No teacher"),
    Cause.NO_POWER: Label("停电", "No power"),
}


def group_keys(outcome: Outcome, by: str, catalog: Catalog) -> list[str]:
    """The groups one classroom lesson counts in (several alliances may share a school)."""
    if by == "week":
        return [outcome.week]
    if by == "teacher":
        return [outcome.lesson.teacher_id]
    if by == "subject":
        return [outcome.lesson.subject_id]
    if by == "classroom":
        return [outcome.classroom_id]
    if by == "grade":
        classroom = catalog.classrooms.get(outcome.classroom_id)
        return [str(classroom.grade)] if classroom and classroom.grade is not None else []
    school = catalog.school_of(outcome.classroom_id)
    if school is None:
        return []
    if by == "school":
        return [school.id]
    if by == "region":
        return [school.region_id]
    return sorted(a.id for a in catalog.alliances.values() if school.id in a.school_ids)


def group_label(by: str, key: str, catalog: Catalog) -> Label:
    """The name of one group, in both languages."""
    if by == "week":
        return week_label(key)
    if by == "subject":
        subject = catalog.subjects.get(key)
        if subject is None:
            return Label(key, key)
        return _retired(Label(subject.name_zh, subject.name_en), subject.retired)
    if by == "classroom":
        return classroom_label(key, catalog)
    if by == "grade":
        return grade_label(key)
    tables: dict[str, Mapping[str, Named]] = {
        "teacher": catalog.teachers,
        "school": catalog.schools,
        "region": catalog.regions,
        "alliance": catalog.alliances,
    }
    found = tables[by].get(key)
    if found is None:
        return Label(key, key)
    return _retired(Label(found.name, found.name), found.retired)


def classroom_label(classroom_id: str, catalog: Catalog) -> Label:
    """The school's name and the classroom's, e.g. 东村小学 三年级（1）班."""
    classroom = catalog.classrooms.get(classroom_id)
    if classroom is None:
        return Label(classroom_id, classroom_id)
    school = catalog.schools.get(classroom.school_id)
    name = f"{school.name} {classroom.name}" if school else classroom.name
    return _retired(Label(name, name), classroom.retired)


def subject_label(subject_id: str, catalog: Catalog) -> Label:
    return group_label("subject", subject_id, catalog)


def school_label(school_id: str, catalog: Catalog) -> Label:
    return group_label("school", school_id, catalog)


def grade_label(key: str) -> Label:
    """3 -> 三年级 / Grade 3 (what schools call grades 7-9 as well: 七年级 ...)."""
    number = int(key) if key.isdigit() else 0
    if not 1 <= number <= len(GRADE_NAMES):
        return Label(key, key)
    return Label(f"{GRADE_NAMES[number - 1]}年级", f"Grade {number}")


def week_label(key: str) -> Label:
    """2026-W48 -> 2026年第48周（11月23日起） / 2026-W48 (from 2026-11-23)."""
    year, week = key.split("-W")
    monday = dt.date.fromisocalendar(int(year), int(week), 1)
    return Label(
        f"{year}年第{int(week)}周（{monday.month}月{monday.day}日起）",
        f"{key} (from {monday.isoformat()})",
    )


def week_short(key: str) -> Label:
    """A chart axis label: 第48周 / W48."""
    week = key.split("-W")[1]
    return Label(f"第{int(week)}周", f"W{week}")


def _retired(label: Label, retired: bool) -> Label:
    if not retired:
        return label
    return Label(label.zh + RETIRED.zh, label.en + RETIRED.en)
