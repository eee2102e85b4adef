"""Which channel reaches a person: their own (preferred first), or e-mail and robots."""

from __future__ import annotations

import dataclasses
import datetime as dt

from coordinator.services.notifications.outbox import Person, Route, person_routes
from tests.notify.person_support import person_settings
from tests.notify.support import settings as robot_settings

BASE = "http://127.0.0.1:9"
LI = Person(
    "assistant",
    "a-li",
    "李秀英",
    "13900000001",
    "li@example.cn",
    "r-east",
    "xiao",
    wecom_userid="lixiuying",
    dingtalk_userid="0123lixiuying",
    quiet_hours="22:00-07:00",
)
LATE = dt.datetime(2026, 12, 7, 15, 30, tzinfo=dt.UTC)  # 23:30 in Beijing
NOON = dt.datetime(2026, 12, 7, 4, 0, tzinfo=dt.UTC)


def test_the_settings_order_picks_wecom_first() -> None:
    assert person_routes(person_settings(BASE), LI, "change", NOON) == [Route("wecom", "lixiuying")]


def test_the_preferred_channel_comes_first() -> None:
    li = dataclasses.replace(LI, preferred_channel="sms")
    assert person_routes(person_settings(BASE), li, "change", NOON) == [Route("sms", "13900000001")]
    # SMS costs money: reminders do not go by SMS even to those who prefer it.
    assert person_routes(person_settings(BASE), li, "reminder", NOON) == [
        Route("wecom", "lixiuying")
    ]


def test_quiet_hours_hold_a_change_until_morning_but_not_an_alert() -> None:
    morning = dt.datetime(2026, 12, 7, 23, 0, tzinfo=dt.UTC)  # 07:00 in Beijing
    assert person_routes(person_settings(BASE), LI, "change", LATE) == [
        Route("wecom", "lixiuying", not_before=morning)
    ]
    assert person_routes(person_settings(BASE), LI, "alert", LATE) == [Route("wecom", "lixiuying")]


def test_without_person_channels_email_and_robots_as_before() -> None:
    routes = person_routes(robot_settings(BASE, smtp_port=25), LI, "change", NOON)
    assert [route.channel for route in routes] == [
        "email",
        "robot:east",
        "robot:west",
        "webhook:ops",
    ]
