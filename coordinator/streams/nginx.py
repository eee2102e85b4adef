"""The nginx configuration that matches `RtmpSettings`: an `rtmp {}` block and an HLS server.

Generated, not hand-copied, so the secret, the application, the HLS prefix and the md5
expression cannot drift from what coordinator signs. docs/streaming.md shows the output; the
integration test runs it in a real nginx.
"""

from __future__ import annotations

from dataclasses import dataclass

from coordinator.streams.rtmp import HLS_PATH_PATTERN, RtmpSettings
from coordinator.streams.signing import render_nginx_expression

DEFAULT_CALLBACKS = "http://127.0.0.1:8080/api/v1/streams"


@dataclass(frozen=True, slots=True)
class NginxLayout:
    """Where nginx listens and keeps its files; the public URLs live in `RtmpSettings`."""

    rtmp_listen: str = "1935"
    http_listen: str = "8088"
    server_name: str = "_"
    hls_path: str = "/var/lib/coordinator/hls"
    callbacks: str = DEFAULT_CALLBACKS  # on_publish, on_play and their *_done below this
    hls_fragment: str = "3s"
    hls_playlist_length: str = "18s"


def md5_directive_value(settings: RtmpSettings) -> str:
    """The `secure_link_md5` argument: the expression with the secret written literally."""
    variables = {name: f"${name}" for name in ("secure_link_expires", "sl_stream")}
    variables["secret"] = settings.hls_secret.get_secret_value()
    return render_nginx_expression(settings.hls_md5_expression, variables)


def rtmp_block(settings: RtmpSettings, layout: NginxLayout) -> str:
    """`rtmp {}` for nginx's main context (not inside `http {}`)."""
    return f"""rtmp {{
    server {{
        listen {layout.rtmp_listen};
        chunk_size 4096;

        application {settings.application} {{
            live on;
            record off;
            drop_idle_publisher 15s;

            # coordinator answers 2xx to let a push or play through, 403 otherwise
            on_publish {layout.callbacks}/on_publish;
            on_play {layout.callbacks}/on_play;
            on_publish_done {layout.callbacks}/on_publish_done;
            on_play_done {layout.callbacks}/on_play_done;

            hls on;
            hls_path {layout.hls_path};
            hls_nested on;
            hls_fragment {layout.hls_fragment};
            hls_playlist_length {layout.hls_playlist_length};
            hls_cleanup on;
        }}
    }}
}}
"""


def hls_location(settings: RtmpSettings, layout: NginxLayout) -> str:
    """The `location` for an `http {} server {}`: secure_link with the token in the path."""
    pattern = f"^{settings.hls_location}{HLS_PATH_PATTERN}$"
    return f"""location ~ "{pattern}" {{
    secure_link $sl_md5,$sl_expires;
    secure_link_md5 "{md5_directive_value(settings)}";
    if ($secure_link = "") {{ return 403; }}
    if ($secure_link = "0") {{ return 410; }}

    types {{
        application/vnd.apple.mpegurl m3u8;
        video/mp2t ts;
    }}
    alias {layout.hls_path}/$sl_stream/$sl_file;
    add_header Cache-Control no-cache;
    add_header Access-Control-Allow-Origin *;
}}
"""


def http_server_block(settings: RtmpSettings, layout: NginxLayout) -> str:
    """A whole `server {}` serving only the signed HLS; goes inside `http {}`."""
    location = "\n".join(
        f"    {line}" if line else "" for line in hls_location(settings, layout).splitlines()
    )
    return f"""server {{
    listen {layout.http_listen};
    server_name {layout.server_name};

{location}

    location / {{ return 404; }}
}}
"""
