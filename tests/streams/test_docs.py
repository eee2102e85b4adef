"""docs/streaming.md stays true: its TOML loads, its nginx blocks are what the code generates."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from coordinator.streams.nginx import NginxLayout, http_server_block, rtmp_block
from coordinator.streams.registry import StreamsSettings

DOC = Path(__file__).parents[2] / "docs" / "streaming.md"
SECRETS = {
    "rtmp": {"secret": "from-env-0123456789", "hls_secret": "REPLACE_WITH_HLS_SECRET"},
    "bbb": {"secret": "from-env"},
    "jitsi": {"room_secret": "from-env", "app_secret": "from-env"},
    "tencent": {"push_key": "from-env", "play_key": "from-env"},
    "aliyun": {"push_key": "from-env", "play_key": "from-env"},
    "wemeet": {"secret_key": "from-env"},
    "wecom_living": {"secret": "from-env"},
    "dingtalk_meeting": {"app_secret": "from-env"},
    "classin": {"secret": "from-env"},
}


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


def _documented_settings() -> StreamsSettings:
    (toml,) = _blocks("toml")
    streams = tomllib.loads(toml)["streams"]
    for name, secrets in SECRETS.items():
        streams[name] = {**streams[name], **secrets}
    return StreamsSettings.model_validate(streams)


def test_documented_streams_section_loads_with_secrets_from_the_environment() -> None:
    settings = _documented_settings()
    assert settings.provider_name("school-county-no1") == "bbb"
    assert settings.rtmp is not None
    assert settings.rtmp.rtmp_url == "rtmp://live.example.edu.cn/live"
    assert settings.classin is not None
    assert settings.classin.assistants == {"c-east-3": "2000001"}


def test_documented_nginx_blocks_are_the_generated_ones() -> None:
    rtmp = _documented_settings().rtmp
    assert rtmp is not None
    layout = NginxLayout(http_listen="80", server_name="live.example.edu.cn")
    assert _blocks("nginx") == [rtmp_block(rtmp, layout), http_server_block(rtmp, layout)]
