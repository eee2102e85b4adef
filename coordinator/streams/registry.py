"""The providers by name, the `[streams]` settings section, and one call to get a lesson's links.

`[streams] provider` names the default provider, `[streams.schools]` maps a school id to another
one; each provider reads its own sub-section (`[streams.rtmp]`, `[streams.bbb]`, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final, cast

from pydantic import BaseModel, ConfigDict, model_validator

from coordinator.errors import ConfigurationError
from coordinator.streams.aliyun import AliyunProvider, AliyunSettings
from coordinator.streams.base import LessonLinks, LinkProvider, LinkRequest, ProviderSettings
from coordinator.streams.bbb import BbbProvider, BbbSettings
from coordinator.streams.classin import ClassinPlatform, ClassinSettings
from coordinator.streams.dingtalk_meeting import DingtalkMeetingPlatform, DingtalkMeetingSettings
from coordinator.streams.jitsi import JitsiProvider, JitsiSettings
from coordinator.streams.platform import MeetingPlatform
from coordinator.streams.rtmp import RtmpProvider, RtmpSettings
from coordinator.streams.static import StaticProvider, StaticSettings
from coordinator.streams.tencent import TencentProvider, TencentSettings
from coordinator.streams.wecom_living import WecomLivingPlatform, WecomLivingSettings
from coordinator.streams.wemeet import WemeetPlatform, WemeetSettings


class StreamsSettings(BaseModel):
    """`[streams]`; secrets inside the sections come from COORDINATOR_STREAMS__... variables."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: str | None = None  # None: lessons get no links unless their school names one
    schools: dict[str, str] = {}  # school id -> provider name, overriding `provider`
    rtmp: RtmpSettings | None = None
    bbb: BbbSettings | None = None
    jitsi: JitsiSettings | None = None
    tencent: TencentSettings | None = None
    aliyun: AliyunSettings | None = None
    static: StaticSettings | None = None
    wemeet: WemeetSettings | None = None
    wecom_living: WecomLivingSettings | None = None
    dingtalk_meeting: DingtalkMeetingSettings | None = None
    classin: ClassinSettings | None = None

    @model_validator(mode="after")
    def _providers_configured(self) -> StreamsSettings:
        wanted = {(f"schools.{school}", name) for school, name in self.schools.items()}
        if self.provider is not None:
            wanted.add(("provider", self.provider))
        for where, name in sorted(wanted):
            if name not in PROVIDERS:
                raise ValueError(f"[streams] {where} = {name!r} is not one of {sorted(PROVIDERS)}")
            if getattr(self, name) is None:
                raise ValueError(f"[streams] {where} = {name!r} but [streams.{name}] is missing")
        return self

    def provider_name(self, school_id: str | None = None) -> str | None:
        """The provider a school's lessons use: its override, else the default (or None)."""
        if school_id is None:
            return self.provider
        return self.schools.get(school_id, self.provider)

    def section(self, name: str) -> ProviderSettings:
        section = getattr(self, name, None) if name in PROVIDERS else None
        if not isinstance(section, ProviderSettings):
            raise ConfigurationError(f"[streams.{name}] is missing or {name!r} is no provider")
        return section


def _factory(
    kind: type[ProviderSettings], build: Callable[..., LinkProvider]
) -> Callable[[ProviderSettings], LinkProvider]:
    def make(section: ProviderSettings) -> LinkProvider:
        if not isinstance(section, kind):
            raise ConfigurationError(f"{kind.__name__} expected, got {type(section).__name__}")
        return build(section)

    return make


PROVIDERS: Final[Mapping[str, Callable[[ProviderSettings], LinkProvider]]] = MappingProxyType(
    {
        RtmpProvider.name: _factory(RtmpSettings, RtmpProvider),
        BbbProvider.name: _factory(BbbSettings, BbbProvider),
        JitsiProvider.name: _factory(JitsiSettings, JitsiProvider),
        TencentProvider.name: _factory(TencentSettings, TencentProvider),
        AliyunProvider.name: _factory(AliyunSettings, AliyunProvider),
        StaticProvider.name: _factory(StaticSettings, StaticProvider),
        WemeetPlatform.name: _factory(WemeetSettings, WemeetPlatform),
        WecomLivingPlatform.name: _factory(WecomLivingSettings, WecomLivingPlatform),
        DingtalkMeetingPlatform.name: _factory(DingtalkMeetingSettings, DingtalkMeetingPlatform),
        ClassinPlatform.name: _factory(ClassinSettings, ClassinPlatform),
    }
)


def build_provider(settings: StreamsSettings, name: str) -> LinkProvider:
    if name not in PROVIDERS:
        raise ConfigurationError(f"unknown stream provider {name!r}; known: {sorted(PROVIDERS)}")
    return PROVIDERS[name](settings.section(name))


def lesson_links(
    settings: StreamsSettings, request: LinkRequest, *, school_id: str | None = None
) -> LessonLinks | None:
    """The links of one lesson from the provider its (teacher's) school uses; None if none."""
    name = settings.provider_name(school_id)
    return None if name is None else build_provider(settings, name).links(request)


MEETING_PLATFORMS: Final[frozenset[str]] = frozenset(
    {
        WemeetPlatform.name,
        WecomLivingPlatform.name,
        DingtalkMeetingPlatform.name,
        ClassinPlatform.name,
    }
)


def meeting_platform(settings: StreamsSettings, name: str | None) -> MeetingPlatform | None:
    """The platform named, when it is one whose meetings coordinator makes; else None."""
    if name not in MEETING_PLATFORMS:
        return None
    return cast(MeetingPlatform, build_provider(settings, name))
