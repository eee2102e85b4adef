"""开齐开足 from two sources: the check-ins and what the meeting platform saw, disagreeing."""

from __future__ import annotations

import datetime as dt

from coordinator import models
from coordinator.reporting import kaiqi_table, to_csv
from coordinator.reporting.tables import evidence_table
from coordinator.services.reporting import facts as reporting
from coordinator.store import Store
from tests.reporting.seed import AS_OF, FIRST, LAST, key_of, seed

# (lesson, account, classroom, seconds): what Tencent Meeting said after each lesson
SEEN = (
    ("L1", "wangli", None, 2400),  # the network teacher, hosting
    ("L1", "east-pc", "c-east-3", 2350),  # checked in and joined: confirmed
    ("L1", "west-pc", "c-west-3", 0),  # checked in, but its account never joined
    ("L3", "wangli", None, 2400),
    ("L3", "east-pc", "c-east-3", 2300),  # joined, but nobody checked in
    ("L3", "west-pc", "c-west-3", 1900),  # checked in (then lost power) and joined
)


async def add_evidence(store: Store) -> None:
    fetched = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
    async with store.write() as session:
        session.add_all(
            models.PlatformEvidenceRow(
                lesson_key=key_of(name),
                participant=account,
                provider="wemeet",
                classroom_id=room,
                seconds=seconds,
                fetched_at=fetched,
            )
            for name, account, room, seconds in SEEN
        )


async def test_kaiqi_says_delivered_from_two_sources_and_flags_disagreements(
    store: Store,
) -> None:
    await seed(store)
    await add_evidence(store)
    report = await reporting.kaiqi(store, first=FIRST, last=LAST, as_of=AS_OF)
    kaiqi = to_csv(kaiqi_table(report), "zh").decode("utf-8-sig").splitlines()
    flagged = to_csv(evidence_table(report), "en").decode("utf-8-sig").splitlines()
    flagged_zh = to_csv(evidence_table(report), "zh").decode("utf-8-sig").splitlines()
    assert kaiqi == [
        "学校,班级,学科,周课时,教学周,应开课时,排课,实开课时,完成率,未达标,平台确认,"
        "签到与平台不一致",
        "东村小学,东村小学 三年级（1）班,音乐,2,2,4,3,2,0.5000,是,1,1",
        "东村小学,东村小学 四年级（1）班,美术,1,2,2,3,2,1.0000,,0,0",
        "西村教学点,西村教学点 三年级（已停用）,音乐,1,2,2,2,0,0.0000,是,0,1",
        "合计,,,,,8,,4,0.5000,2,1,2",
    ]
    assert flagged == [
        "Date,Classroom,Subject,Platform,Disagreement,Lesson",
        f"2026-11-16,西村教学点 三年级 (retired),Music,Tencent Meeting,"
        f'"checked in, nobody joined",{key_of("L1")}',
        f"2026-11-23,东村小学 三年级（1）班,Music,Tencent Meeting,"
        f'"joined, no check-in",{key_of("L3")}',
    ]
    assert [line.split(",")[3] for line in flagged_zh[1:]] == ["腾讯会议", "腾讯会议"]


async def test_without_platform_evidence_the_report_is_as_before(store: Store) -> None:
    await seed(store)
    report = await reporting.kaiqi(store, first=FIRST, last=LAST, as_of=AS_OF)
    header = to_csv(kaiqi_table(report), "en").decode("utf-8-sig").splitlines()[0]
    assert (report.two_sources, report.disagreements) == (False, ())
    assert header.endswith("Completion,Below target")
