"""The audit log's words: actions as phrases, details as sentences, names, the county's clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from coordinator import models
from coordinator.services.data.directory import Directory
from coordinator.web.i18n import load_catalogs
from coordinator.web.pages.audit_text import AuditWords
from tests.factories import small_bundle

AT = dt.datetime(2026, 11, 15, 12, 0, tzinfo=dt.UTC)  # 20:00 in Beijing


def words(lang: str) -> AuditWords:
    directory = Directory.of(small_bundle())
    return AuditWords(load_catalogs()[lang].gettext, directory, ZoneInfo("Asia/Shanghai"), lang)


def rebalance() -> models.AuditRow:
    details = {
        "change": {"kind": "TeacherUnavailable", "teacher_id": "t-wang", "weekdays": []},
        "dates": ["2026-11-16", "2026-11-20"],
        "weekly": {"moved": 1, "reassigned": 2, "cancelled": 1},
        "note": "病假一周",
    }
    return models.AuditRow(
        at=AT,
        actor="admin",
        action="timetable.rebalance",
        object_kind="timetable",
        object_id="3",
        details=details,
    )


def test_a_rebalance_reads_as_a_sentence_in_the_countys_clock() -> None:
    line = words("zh").line(rebalance())
    assert (line.when, line.action, line.object) == ("2026-11-15 20:00", "调整课表", "课表第3版")
    assert line.details == (
        "王丽不能上课；2026-11-16至2026-11-20；每周：改时间1节，换老师2节，取消1节；病假一周"
    )
    english = words("en").line(rebalance())
    assert english.details.startswith("王丽 cannot teach; from 2026-11-16 to 2026-11-20; a week:")


def test_a_moved_lesson_says_from_when_to_when_and_whose() -> None:
    row = models.AuditRow(
        at=AT,
        actor="admin",
        action="lesson.move",
        object_kind="lesson",
        object_id="t-wang.music.1.0900@2026-11-16",
        details={
            "from": {"start": "2026-11-16T01:00:00+00:00", "end": "2026-11-16T01:40:00+00:00"},
            "to": {"start": "2026-11-17T02:00:00+00:00", "end": "2026-11-17T02:40:00+00:00"},
            "teacher": {"from": "t-wang", "to": "t-wang"},
            "note": "",
        },
    )
    line = words("zh").line(row)
    assert (line.action, line.object) == ("调课", "王丽 2026-11-16的课")
    assert line.details == "由2026-11-16 09:00改到2026-11-17 10:00"
