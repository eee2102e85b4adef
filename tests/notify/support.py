"""Shared by the notification tests: lessons at chosen times, loopback receivers, settings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiosmtpd.smtp import SMTP, Envelope, Session
from pydantic import SecretStr

from coordinator import domain, models
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import import_bundle
from coordinator.services.notifications.reminders import Notifier
from coordinator.settings.notifications import (
    NotificationSettings,
    RetrySettings,
    RobotSettings,
    SmtpSettings,
    WebhookSettings,
)
from coordinator.store import Store
from coordinator.streams import StaticSettings, StreamsSettings
from tests.factories import small_bundle

NOW = dt.datetime(2026, 11, 23, 0, 0, tzinfo=dt.UTC)  # Monday 08:00 in Beijing
DING_SECRET = "SEC0123456789abcdef"
HOOK_SECRET = "hook-secret"
STREAMS = StreamsSettings(
    provider="static",
    static=StaticSettings(
        teacher_url="https://meet.example.cn/t/{lesson}/{revision}",
        classroom_url="https://meet.example.cn/c/{lesson}/{classroom}",
    ),
)


def bundle() -> domain.Bundle:
    """The small county, with an e-mail address for the network teacher 王丽."""
    base = small_bundle()
    teachers = tuple(
        dataclasses.replace(t, email="wangli@example.cn") if t.id == "t-wang" else t
        for t in base.network_teachers
    )
    return dataclasses.replace(base, network_teachers=teachers)


async def seed(store: Store) -> Directory:
    """Import the county; its directory (as `load_bundle` would read it back)."""
    imported = bundle()
    await import_bundle(store, imported, source="test", now=NOW - dt.timedelta(days=7))
    return Directory.of(imported)


async def add_lesson(
    store: Store,
    start: dt.datetime,
    *,
    key: str = "s-music@2026-11-23",
    rooms: Sequence[str] = ("c-east-3", "c-west-3"),
    revision: int = 0,
    status: str = "scheduled",
    changed_at: dt.datetime | None = None,
    day: dt.date | None = None,
) -> models.LessonRow:
    """A dated lesson of 王丽 (music) at `start`, written as lessons.publish_lessons would;
    `day` is its date where the school is (default: the UTC date of `start`)."""
    row = models.LessonRow(
        key=key,
        uid=f"{key}@test",
        session_key=key.split("@")[0],
        date=day or start.date(),
        teacher_id="t-wang",
        subject_id="music",
        start=start,
        end=start + dt.timedelta(minutes=40),
        time_zone="Asia/Shanghai",
        status=status,
        revision=revision,
        fingerprint="f" * 32,
        changed_at=changed_at or start - dt.timedelta(days=3),
    )
    async with store.write() as session:
        session.add(row)
        await session.flush()
        for room in rooms:
            session.add(models.LessonClassroomRow(lesson_key=key, classroom_id=room))
    return row


@dataclass
class Receiver:
    """A loopback HTTP server that records every POST; `fail` answers 500 that many times."""

    requests: list[tuple[str, dict[str, str], dict[str, str], bytes]] = field(default_factory=list)
    fail: dict[str, int] = field(default_factory=dict)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        path = request.path
        self.requests.append((path, dict(request.query), dict(request.headers), body))
        if self.fail.get(path, 0) > 0:
            self.fail[path] -= 1
            return web.Response(status=500, text="busy")
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{name}", self.handle)
        return app

    def to(self, path: str) -> list[tuple[str, dict[str, str], dict[str, str], bytes]]:
        return [r for r in self.requests if r[0] == path]


class Mailbox:
    """An aiosmtpd handler keeping every envelope it accepted."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: ARG002
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def settings(base_url: str, smtp_port: int | None = None, **changes: Any) -> NotificationSettings:
    """E-mail to the loopback SMTP server, robots and a webhook on the loopback receiver."""
    smtp = SmtpSettings(
        host="127.0.0.1" if smtp_port else "",
        port=smtp_port or 25,
        security="none",
        sender="双师课堂 <noreply@example.cn>",
        timeout_s=3,
    )
    values: dict[str, Any] = {
        "smtp": smtp,
        "robots": {
            "east": RobotSettings(
                kind="dingtalk",
                url=f"{base_url}/dingtalk?access_token=east",
                secret=SecretStr(DING_SECRET),
                scope="school",
                target="r-east",
            ),
            "west": RobotSettings(
                kind="wecom", url=f"{base_url}/wecom?key=west", scope="region", target="xiao"
            ),
            "county": RobotSettings(
                kind="dingtalk", url=f"{base_url}/admin", scope="admin", target="xiao"
            ),
        },
        "webhooks": {
            "ops": WebhookSettings(url=f"{base_url}/hook", secret=SecretStr(HOOK_SECRET)),
        },
        "admin_emails": {"r-west": ("jiaoyu@example.cn",)},
        "retry": RetrySettings(first_delay_s=0, max_attempts=3),
        "live_check_providers": ("static",),
        "send_timeout_s": 3,
    }
    values.update(changes)
    return NotificationSettings(**values)


def notifier(base_url: str, smtp_port: int | None = None, **changes: Any) -> Notifier:
    return Notifier(settings(base_url, smtp_port, **changes), STREAMS)
