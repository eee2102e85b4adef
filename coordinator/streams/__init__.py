"""Stream and meeting links for live lessons: one provider per module, signing, verification.

Pure: no clock, no I/O, no database. The services give a `LinkRequest` and get `LessonLinks`;
the web layer answers nginx-rtmp's callbacks with `RtmpProvider.verify_publish/verify_play`.
"""

from coordinator.streams.aliyun import AliyunProvider, AliyunSettings
from coordinator.streams.base import (
    ClassroomLinks,
    LessonLinks,
    Link,
    LinkKind,
    LinkProvider,
    LinkRequest,
    Participant,
    ProviderSettings,
    StreamLinkError,
    Window,
)
from coordinator.streams.bbb import BbbProvider, BbbSettings
from coordinator.streams.jitsi import JitsiProvider, JitsiSettings
from coordinator.streams.registry import (
    PROVIDERS,
    StreamsSettings,
    build_provider,
    lesson_links,
)
from coordinator.streams.rtmp import RtmpProvider, RtmpSettings
from coordinator.streams.static import StaticProvider, StaticSettings
from coordinator.streams.tencent import TencentProvider, TencentSettings
from coordinator.streams.verify import Reason, SecureLinkStatus, Verdict, verify_secure_link

__all__ = [
    "PROVIDERS",
    "AliyunProvider",
    "AliyunSettings",
    "BbbProvider",
    "BbbSettings",
    "ClassroomLinks",
    "JitsiProvider",
    "JitsiSettings",
    "LessonLinks",
    "Link",
    "LinkKind",
    "LinkProvider",
    "LinkRequest",
    "Participant",
    "ProviderSettings",
    "Reason",
    "RtmpProvider",
    "RtmpSettings",
    "SecureLinkStatus",
    "StaticProvider",
    "StaticSettings",
    "StreamLinkError",
    "StreamsSettings",
    "TencentProvider",
    "TencentSettings",
    "Verdict",
    "Window",
    "build_provider",
    "lesson_links",
    "verify_secure_link",
]
