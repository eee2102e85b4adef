"""Settings of the one-to-one channels: WeCom and DingTalk apps, Aliyun and Tencent Cloud SMS.

Every provider's API base URL is a setting (private deployments exist; tests point it at a
loopback server). Secrets come only from the environment, e.g.
COORDINATOR_NOTIFICATIONS__WECOM__SECRET.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WeComAppSettings(_Section):
    """`[notifications.wecom]`: a self-built WeCom app (自建应用) sending 应用消息."""

    base_url: str = "https://qyapi.weixin.qq.com"
    corpid: str = ""  # 我的企业 → 企业ID
    agentid: int = 0  # 应用管理 → the app → AgentId
    secret: SecretStr = SecretStr("")  # the app's Secret
    # A calendar the app made (oa/calendar/add): lessons are put in it, and a push whose
    # answer was lost is found again there (get_by_calendar lists only the app's calendars).
    calendar_id: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.corpid and self.agentid and self.secret.get_secret_value())


class DingTalkAppSettings(_Section):
    """`[notifications.dingtalk]`: a DingTalk internal app (企业内部应用) sending 工作通知."""

    base_url: str = "https://oapi.dingtalk.com"
    api_base_url: str = "https://api.dingtalk.com"  # the v1.0 APIs (calendar events)
    appkey: str = ""
    agent_id: int = 0
    appsecret: SecretStr = SecretStr("")

    @property
    def configured(self) -> bool:
        return bool(self.appkey and self.agent_id and self.appsecret.get_secret_value())


class AliyunSmsSettings(_Section):
    """`[notifications.aliyun_sms]`: Aliyun SMS (dysmsapi 2017-05-25), RPC signature v1."""

    base_url: str = "https://dysmsapi.aliyuncs.com"
    region_id: str = "cn-hangzhou"
    access_key_id: str = ""
    access_key_secret: SecretStr = SecretStr("")
    sign_name: str = ""  # the approved 签名, e.g. 双师课堂
    template_code: str = ""  # approved template with ${subject} and ${text}

    @property
    def configured(self) -> bool:
        secret = self.access_key_secret.get_secret_value()
        return bool(self.access_key_id and secret and self.sign_name and self.template_code)


class TencentSmsSettings(_Section):
    """`[notifications.tencent_sms]`: Tencent Cloud SMS (SendSms 2021-01-11), TC3-HMAC-SHA256."""

    base_url: str = "https://sms.tencentcloudapi.com"
    region: str = "ap-guangzhou"
    secret_id: str = ""
    secret_key: SecretStr = SecretStr("")
    sdk_app_id: str = ""  # SmsSdkAppId, e.g. 1400006666
    sign_name: str = ""
    template_id: str = ""  # approved template with {1} (subject) and {2} (text)

    @property
    def configured(self) -> bool:
        secret = self.secret_key.get_secret_value()
        return bool(
            self.secret_id and secret and self.sdk_app_id and self.sign_name and self.template_id
        )


class TokenSettings(_Section):
    """`[notifications.tokens]`: access tokens kept in the database, shared by every process."""

    refresh_before_s: float = Field(default=300.0, ge=0)  # refreshed this long before expiry
    lease_s: float = Field(default=20.0, gt=0)  # one process refreshes; others wait this long
    wait_step_s: float = Field(default=0.2, gt=0)


class CalendarPushSettings(_Section):
    """`[notifications.calendar]`: dated lessons pushed into people's WeCom schedules and
    DingTalk calendars (for those with an id there, through the app configured above)."""

    enabled: bool = True
    days_ahead: int = Field(default=14, ge=1, le=366)  # lessons from now to this many days on
    remind_before_minutes: int = Field(default=15, ge=0, le=1440)  # the calendar's own alarm
