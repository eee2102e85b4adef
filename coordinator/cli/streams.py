"""`coordinator streams nginx-config`: the nginx-rtmp configuration for the current settings."""

from __future__ import annotations

import click

from coordinator.cli.support import Context, base_url, fail_on_errors, pass_context
from coordinator.errors import ConfigurationError
from coordinator.streams.nginx import NginxLayout, http_server_block, rtmp_block


@click.group()
def streams() -> None:
    """Streaming server set-up."""


@streams.command(name="nginx-config")
@click.option("--rtmp-listen", default="1935", show_default=True)
@click.option("--http-listen", default="8088", show_default=True)
@click.option("--hls-path", default="/var/lib/coordinator/hls", show_default=True)
@pass_context
@fail_on_errors
def nginx_config(context: Context, rtmp_listen: str, http_listen: str, hls_path: str) -> None:
    """Print the rtmp {} block and the http server {} block, secrets filled in from settings.

    The callbacks point at this coordinator (server.public_url, or host:port).
    """
    settings = context.settings()
    rtmp = settings.streams.rtmp
    if rtmp is None:
        raise ConfigurationError(
            "[streams.rtmp] is not configured (and COORDINATOR_STREAMS__RTMP__SECRET, "
            "COORDINATOR_STREAMS__RTMP__HLS_SECRET set); see docs/streaming.md"
        )
    layout = NginxLayout(
        rtmp_listen=rtmp_listen,
        http_listen=http_listen,
        hls_path=hls_path,
        callbacks=f"{base_url(settings)}/api/v1/streams",
    )
    click.echo("# nginx main context (load_module modules/ngx_rtmp_module.so; first)")
    click.echo(rtmp_block(rtmp, layout))
    click.echo("# inside http { }")
    click.echo(http_server_block(rtmp, layout))
