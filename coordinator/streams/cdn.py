"""What the two CDN providers share: push and play domains, an app name, derived stream names."""

from __future__ import annotations

from pydantic import SecretStr, field_validator

from coordinator.streams.base import ProviderSettings


class CdnSettings(ProviderSettings):
    """Domains as added in the CDN console; keys as set in its authentication (鉴权) page."""

    push_domain: str  # e.g. push.live.example.edu.cn
    play_domain: str  # e.g. play.live.example.edu.cn
    app_name: str = "live"
    push_key: SecretStr  # push authentication main key; also derives the stream names
    play_key: SecretStr | None = None  # playback authentication key; None = playback not signed
    play_scheme: str = "https"  # for the HLS and FLV links

    @field_validator("push_domain", "play_domain", "app_name")
    @classmethod
    def _bare(cls, value: str) -> str:
        if not value or "/" in value:
            raise ValueError(f"give a bare domain or app name without scheme or '/': {value!r}")
        return value
