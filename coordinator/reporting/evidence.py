"""Delivered from two sources: the assistant's check-in and the meeting platform's attendance.

A classroom lesson the assistant reported but whose classroom the platform never saw join
("checked in, nobody joined"), or one the platform saw but nobody reported ("joined, no
check-in"), is a disagreement an admin should look at; one both agree on is confirmed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from coordinator.reporting.facts import Facts, Label, ScopeFilter
from coordinator.reporting.labels import classroom_label, subject_label
from coordinator.reporting.outcomes import Outcome, outcomes


class Disagreement(StrEnum):
    NOBODY_JOINED = "checked_in_nobody_joined"
    NO_CHECK_IN = "joined_no_check_in"


DISAGREEMENT_LABELS = {
    Disagreement.NOBODY_JOINED: Label("已签到，平台上无人进入", "checked in, nobody joined"),
    Disagreement.NO_CHECK_IN: Label("平台显示已进入，未签到", "joined, no check-in"),
}

# The platforms by their own names, as the lesson page names them (never the setting's id).
PLATFORM_LABELS = {
    "wemeet": Label("腾讯会议", "Tencent Meeting"),
    "wecom_living": Label("企业微信直播", "WeCom live"),
    "dingtalk_meeting": Label("钉钉视频会议", "DingTalk video meeting"),
    "classin": Label("ClassIn 在线双师", "ClassIn double-teacher class"),
}


def platform_label(provider: str) -> Label:
    return PLATFORM_LABELS.get(provider, Label(provider, provider))


@dataclass(frozen=True, slots=True)
class EvidenceLine:
    """One classroom lesson where the check-in and the platform disagree."""

    lesson_key: str
    classroom_id: str
    date: dt.date
    provider: str
    classroom: Label
    subject: Label
    kind: Disagreement


def judge(outcome: Outcome, facts: Facts) -> bool | Disagreement | None:
    """True when both sources say delivered, a Disagreement when they differ, None when the
    platform has nothing to say (no platform, not due, or it cannot tell this classroom)."""
    fact = facts.platform.get(outcome.lesson.key)
    if fact is None or not outcome.due:
        return None
    saw = fact.saw(outcome.classroom_id)
    if outcome.reported and saw is False:
        return Disagreement.NOBODY_JOINED
    if not outcome.reported and saw is True:
        return Disagreement.NO_CHECK_IN
    return True if outcome.delivered and saw else None


def disagreements(facts: Facts, scope: ScopeFilter | None = None) -> tuple[EvidenceLine, ...]:
    return tuple(_lines(facts, outcomes(facts, scope)))


def _lines(facts: Facts, found: Iterable[Outcome]) -> Iterable[EvidenceLine]:
    for outcome in found:
        verdict = judge(outcome, facts)
        if isinstance(verdict, Disagreement):
            yield EvidenceLine(
                lesson_key=outcome.lesson.key,
                classroom_id=outcome.classroom_id,
                date=outcome.date,
                provider=facts.platform[outcome.lesson.key].provider,
                classroom=classroom_label(outcome.classroom_id, facts.catalog),
                subject=subject_label(outcome.lesson.subject_id, facts.catalog),
                kind=verdict,
            )
