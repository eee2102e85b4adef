"""The `[notifications]` settings section: channels, timing of reminders and alerts, retries."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from coordinator.settings.person_channels import (
    AliyunSmsSettings,
    CalendarPushSettings,
    DingTalkAppSettings,
    TencentSmsSettings,
    TokenSettings,
    WeComAppSettings,
)

ChannelKind = Literal["email", "robots", "webhooks", "wecom", "dingtalk", "sms"]
MessageKind = Literal["reminder", "change", "alert"]
Audience = Literal["teacher", "assistant", "admin"]
PersonChannelName = Literal["wecom", "dingtalk", "sms"]
ALL_KINDS: tuple[MessageKind, ...] = ("reminder", "change", "alert")
EVERYWHERE = "*"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SmtpSettings(_Section):
    """`[notifications.smtp]`; the password only from COORDINATOR_NOTIFICATIONS__SMTP__PASSWORD."""

    host: str = ""  # empty: no e-mail
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["none", "starttls", "tls"] = "starttls"
    sender: str = ""  # the From header, e.g. "双师课堂 <noreply@example.cn>"
    username: str = ""
    password: SecretStr = SecretStr("")
    timeout_s: float = Field(default=15.0, gt=0)

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)


class RobotSettings(_Section):
    """A DingTalk or WeCom group robot (`[notifications.robots.NAME]`).

    scope "school" or "region": reminders and change notices of the people of that school or
    region, @-mentioning their phones. scope "admin": no-show alerts of lessons touching that
    school or region (`target`), or every alert with target "*".
    """

    kind: Literal["dingtalk", "wecom"]
    url: str  # carries the robot's token: better set from the environment
    secret: SecretStr = SecretStr("")  # DingTalk "加签" secret (SEC...); empty: not signed
    scope: Literal["school", "region", "admin"]
    target: str = EVERYWHERE

    @model_validator(mode="after")
    def _target_named(self) -> RobotSettings:
        if self.scope != "admin" and self.target == EVERYWHERE:
            raise ValueError(f"a {self.scope} robot needs target = the {self.scope} id")
        return self


class WebhookSettings(_Section):
    """A generic JSON webhook (`[notifications.webhooks.NAME]`) for other systems."""

    url: str
    secret: SecretStr = SecretStr("")  # signs the body: X-Coordinator-Signature: sha256=<hex>
    kinds: tuple[MessageKind, ...] = ALL_KINDS


class RetrySettings(_Section):
    """Backoff of failed sends: first_delay_s, doubling up to max_delay_s, max_attempts in all."""

    max_attempts: int = Field(default=10, ge=1)
    first_delay_s: float = Field(default=30.0, ge=0)
    max_delay_s: float = Field(default=3600.0, ge=0)
    factor: float = Field(default=2.0, ge=1)

    def delay_after(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th failed try."""
        return float(min(self.max_delay_s, self.first_delay_s * self.factor ** (attempts - 1)))


class NotificationSettings(_Section):
    """`[notifications]`: what is sent, when, and through which channels."""

    enabled: bool = True
    channels: tuple[ChannelKind, ...] = (
        "email",
        "robots",
        "webhooks",
        "wecom",
        "dingtalk",
        "sms",
    )
    language: Literal["zh", "en"] = "zh"
    reminder_minutes: int = Field(default=30, ge=0)
    classroom_checkin_alert_minutes: int = Field(default=10, ge=0)
    teacher_live_alert_minutes: int = Field(default=5, ge=0)
    # Teacher-not-live alerts only where the provider reports publishing (nginx-rtmp on_publish).
    live_check_providers: tuple[str, ...] = ("rtmp",)
    change_horizon_hours: float = Field(default=48.0, ge=0)
    report_lookback_hours: float = Field(default=24.0, gt=0)
    misfire_grace_minutes: int = Field(default=5, ge=1)
    schedule_horizon_hours: float = Field(default=26.0, gt=0)
    poll_s: float = Field(default=30.0, gt=0)  # how often the change counter is read
    full_rebuild_minutes: float = Field(default=10.0, gt=0)  # the horizon slides this often
    outbox_poll_s: float = Field(default=5.0, gt=0)
    outbox_batch: int = Field(default=100, ge=1)
    send_timeout_s: float = Field(default=15.0, gt=0)
    leader_retry_s: float = Field(default=3.0, gt=0)
    smtp: SmtpSettings = SmtpSettings()
    robots: dict[str, RobotSettings] = {}
    webhooks: dict[str, WebhookSettings] = {}
    admin_emails: dict[str, tuple[str, ...]] = {}  # school id, region id or "*" -> addresses
    retry: RetrySettings = RetrySettings()
    wecom: WeComAppSettings = WeComAppSettings()
    dingtalk: DingTalkAppSettings = DingTalkAppSettings()
    aliyun_sms: AliyunSmsSettings = AliyunSmsSettings()
    tencent_sms: TencentSmsSettings = TencentSmsSettings()
    tokens: TokenSettings = TokenSettings()
    calendar: CalendarPushSettings = CalendarPushSettings()
    # A provider that reports delivery later (DingTalk, Aliyun SMS) is asked this long after
    # the send, then again at the same pace, until it answers or the window closes.
    receipt_delay_s: float = Field(default=60.0, gt=0)
    receipt_window_hours: float = Field(default=24.0, gt=0)
    # No-show escalation: with N > 0, a classroom not checked in is first told to its
    # assistant; N minutes later, still not checked in, to the school's and region's admins.
    escalate_after_minutes: int = Field(default=0, ge=0)
    # Admins reached on their own channels: school id, region id or "*" -> "wecom:USERID",
    # "dingtalk:USERID" or "sms:PHONE" entries (with robots and admin_emails).
    admin_contacts: dict[str, tuple[str, ...]] = {}
    # The server's public address: messages link to the lesson's page (empty: no page link).
    public_url: str = ""
    # Per kind of message, the one-to-one channels tried in turn (after the person's
    # preferred one); a person reached on none of them gets e-mail and robot mentions.
    person_routing: dict[MessageKind, tuple[PersonChannelName, ...]] = {
        "reminder": ("wecom", "dingtalk"),
        "change": ("wecom", "dingtalk", "sms"),
        "alert": ("wecom", "dingtalk", "sms"),
    }
    # Per kind of message, who gets it: the lesson's network teacher, its classrooms'
    # assistants, and admins with contacts on their account (`coordinator users contact`)
    # whose county or alliance the lesson touches. Group robots and webhooks are unchanged.
    audiences: dict[MessageKind, tuple[Audience, ...]] = {
        "reminder": ("teacher", "assistant"),
        "change": ("teacher", "assistant"),
        "alert": ("assistant", "admin"),
    }

    def audience(self, kind: MessageKind) -> tuple[Audience, ...]:
        return self.audiences.get(kind, ())

    @model_validator(mode="after")
    def _contacts_named(self) -> NotificationSettings:
        for scope, entries in self.admin_contacts.items():
            for entry in entries:
                channel, _, address = entry.partition(":")
                if channel not in ("wecom", "dingtalk", "sms") or not address:
                    raise ValueError(
                        f"admin_contacts[{scope!r}]: {entry!r} is not wecom:ID, dingtalk:ID "
                        "or sms:PHONE"
                    )
        return self

    def uses(self, channel: ChannelKind) -> bool:
        return self.enabled and channel in self.channels

    def reaches(self, channel: str) -> bool:
        """A one-to-one channel that is on and configured."""
        if channel == "wecom":
            return self.uses("wecom") and self.wecom.configured
        if channel == "dingtalk":
            return self.uses("dingtalk") and self.dingtalk.configured
        if channel == "sms":
            sms = self.aliyun_sms.configured or self.tencent_sms.configured
            return self.uses("sms") and sms
        return False
