"""The `[notifications]` section: defaults, validation, secrets from the environment."""

from __future__ import annotations

import pydantic
import pytest

from coordinator.settings import Settings
from coordinator.settings.notifications import NotificationSettings, RobotSettings


def test_defaults_follow_the_issue() -> None:
    settings = NotificationSettings()
    assert (
        settings.reminder_minutes,
        settings.classroom_checkin_alert_minutes,
        settings.teacher_live_alert_minutes,
        settings.change_horizon_hours,
        settings.smtp.configured,
    ) == (30, 10, 5, 48.0, False)


def test_a_school_robot_must_name_its_school() -> None:
    with pytest.raises(pydantic.ValidationError, match="needs target"):
        RobotSettings(kind="wecom", url="https://qyapi.weixin.qq.com/x", scope="school")


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(pydantic.ValidationError, match="reminder_minuets"):
        NotificationSettings.model_validate({"reminder_minuets": 15})


def test_secrets_and_robot_urls_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COORDINATOR_NOTIFICATIONS__SMTP__PASSWORD", "mail-secret")
    monkeypatch.setenv("COORDINATOR_NOTIFICATIONS__ROBOTS__EAST__SECRET", "SECabc")
    monkeypatch.setenv(
        "COORDINATOR_NOTIFICATIONS__ROBOTS__EAST__URL", "https://oapi.dingtalk.com/x"
    )
    from_file = {
        "smtp": {"host": "smtp.example.cn", "sender": "双师课堂 <noreply@example.cn>"},
        "robots": {"east": {"kind": "dingtalk", "url": "", "scope": "school", "target": "r-east"}},
    }
    notifications = Settings(notifications=from_file).notifications
    assert notifications.smtp.password.get_secret_value() == "mail-secret"
    assert notifications.robots["east"].secret.get_secret_value() == "SECabc"
    assert notifications.robots["east"].url == "https://oapi.dingtalk.com/x"
