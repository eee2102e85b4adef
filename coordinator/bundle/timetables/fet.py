"""FET `.fet` files: hour names are bell times (`08:30-09:15`), each activity placed by a
`ConstraintActivityPreferredStartingTime` (what FET writes into its `..._data_and_timetable.fet`),
lasting `Duration` hours from there."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # types only: parsing is defusedxml's

from coordinator.bundle.cells import WEEKDAY_NAMES
from coordinator.bundle.problems import error
from coordinator.bundle.timetables.entries import Entry, TimetableRead, time_span


def read_fet(file: str, root: ET.Element) -> TimetableRead:
    read = TimetableRead("FET")
    days = [text(day, "Name") for day in root.iterfind("Days_List/Day")]
    hours = [text(hour, "Name") for hour in root.iterfind("Hours_List/Hour")]
    spans = []
    for name in hours:
        try:
            spans.append(time_span(name))
        except ValueError:
            message = f"{name!r} is not named by its bell times; name hours like 08:30-09:15"
            read.problems.append(error(file, None, "Hour", message))
            return read
    activities = {
        text(item, "Id"): (
            [teacher.text or "" for teacher in item.iterfind("Teacher")],
            int(text(item, "Duration") or "1"),
            text(item, "Subject"),
        )
        for item in root.iterfind("Activities_List/Activity")
    }
    for place in root.iter("ConstraintActivityPreferredStartingTime"):
        activity = activities.get(text(place, "Activity_Id"))
        day, hour = text(place, "Preferred_Day"), text(place, "Preferred_Hour")
        weekday = WEEKDAY_NAMES.get(day.casefold()) or (days.index(day) + 1 if day in days else 0)
        if activity is None or hour not in hours or not 1 <= weekday <= 7:
            message = f"activity {text(place, 'Activity_Id')!r} at {day!r} {hour!r} is unknown"
            read.problems.append(error(file, None, "Activity", message))
            continue
        teachers, duration, subject = activity
        first = hours.index(hour)
        last = min(first + max(duration, 1), len(spans)) - 1
        for teacher in teachers:
            for index in range(first, last + 1):
                read.entries.append(Entry(teacher, weekday, *spans[index], subject))
    return read


def text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""
