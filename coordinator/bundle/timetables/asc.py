"""aSc Timetables XML export: bell times from `<periods>`, each card a taken period.

Cards name a lesson, a period and the days as a bit string (`10000` is Monday); lessons name
their teachers (`teacherids`), and teachers carry a name and a short name.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET  # types only: parsing is defusedxml's

from coordinator.bundle.problems import error
from coordinator.bundle.timetables.entries import Entry, TimetableRead, time_span


def read_asc(file: str, root: ET.Element) -> TimetableRead:
    read = TimetableRead("aSc Timetables XML")
    periods = asc_periods(file, root, read)
    teachers = {
        item.get("id", ""): item.get("name") or item.get("short") or item.get("id") or ""
        for item in root.iter("teacher")
    }
    lessons = {
        item.get("id", ""): (item.get("teacherids", ""), item.get("subjectid", ""))
        for item in root.iter("lesson")
    }
    subjects = {item.get("id", ""): item.get("name", "") for item in root.iter("subject")}
    for number, card in enumerate(root.iter("card"), start=1):
        lesson = lessons.get(card.get("lessonid", ""))
        span = periods.get(card.get("period", ""))
        days = card.get("days", "")
        where = f"card {number} (lesson {card.get('lessonid', '')!r})"
        if lesson is None or span is None or not set(days) <= {"0", "1"} or "1" not in days:
            message = f"{where}: unknown lesson or period, or days {days!r} not like 10000"
            read.problems.append(error(file, None, "card", message))
            continue
        teacher_ids, subject = lesson
        for weekday, flag in enumerate(days, start=1):
            if flag != "1" or weekday > 7:
                continue
            for teacher_id in filter(None, teacher_ids.split(",")):
                name = teachers.get(teacher_id, teacher_id)
                read.entries.append(Entry(name, weekday, *span, subjects.get(subject, subject)))
    return read


def asc_periods(
    file: str, root: ET.Element, read: TimetableRead
) -> dict[str, tuple[dt.time, dt.time]]:
    """Each period's number and its bell times; a period without them is reported."""
    periods: dict[str, tuple[dt.time, dt.time]] = {}
    for item in root.iter("period"):
        number = item.get("period") or item.get("name") or ""
        try:
            periods[number] = time_span(f"{item.get('starttime')}-{item.get('endtime')}")
        except ValueError:
            message = (
                f"period {number!r} has starttime {item.get('starttime')!r} and endtime "
                f"{item.get('endtime')!r}; export the periods with their times"
            )
            read.problems.append(error(file, None, "period", message))
    return periods
