"""Quiet hours ("22:00-07:00", in the person's school clock): when a message may go out."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def _clock(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def after_quiet_hours(now: dt.datetime, quiet_hours: str, time_zone: str) -> dt.datetime:
    """`now`, or the end of the quiet hours `now` falls in (UTC); ranges may pass midnight."""
    if not quiet_hours:
        return now
    start_text, _, end_text = quiet_hours.partition("-")
    start, end = _clock(start_text), _clock(end_text)
    local = now.astimezone(ZoneInfo(time_zone))
    clock = local.time().replace(second=0, microsecond=0)
    if start < end:
        quiet = start <= clock < end
        end_day = local.date()
    else:  # e.g. 22:00-07:00
        quiet = clock >= start or clock < end
        end_day = local.date() + dt.timedelta(days=1) if clock >= start else local.date()
    if not quiet:
        return now
    ends = dt.datetime.combine(end_day, end, tzinfo=ZoneInfo(time_zone))
    return ends.astimezone(dt.UTC)
