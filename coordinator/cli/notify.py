"""`coordinator notify`: send a test message to one person; list messages and their state."""

from __future__ import annotations

import json

import aiohttp
import click

from coordinator.cli.support import Context, fail_on_errors, pass_context, utc_now
from coordinator.services.notifications import trial
from coordinator.store import Store

STATES = ("pending", "sent", "delivered", "failed")


@click.group()
def notify() -> None:
    """Messages to people: try a channel, see what was sent."""


@notify.command("test")
@click.option(
    "--to", "to", required=True, metavar="PERSON", help="teacher:ID, assistant:ID or an id."
)
@click.option(
    "--channel", required=True, metavar="NAME", help="wecom, dingtalk, sms, email, robot:NAME."
)
@pass_context
@fail_on_errors
def test_message(context: Context, to: str, channel: str) -> None:
    """Send a test message now and print the provider's answer."""
    settings = context.settings()
    notifications = settings.notifications

    async def send(store: Store) -> trial.TrialResult:
        timeout = aiohttp.ClientTimeout(total=notifications.send_timeout_s)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            return await trial.send_trial(
                store, notifications, http, to=to, channel=channel, now=utc_now()
            )

    result = context.run(send, settings)
    answer = result.receipt.provider_id if result.receipt else "accepted"
    click.echo(f"sent to {result.person} on {result.channel} ({result.address}): {answer}")


@notify.command("list")
@click.option("--status", type=click.Choice(STATES), help="Only messages in this state.")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array.")
@pass_context
@fail_on_errors
def list_messages(context: Context, status: str | None, limit: int, as_json: bool) -> None:
    """The newest messages: state, channel, recipient, subject, the provider's error."""
    rows = context.run(lambda store: trial.list_messages(store, status=status, limit=limit))
    if as_json:
        fields = (
            "id",
            "kind",
            "channel",
            "recipient",
            "address",
            "subject",
            "status",
            "attempts",
            "provider_id",
            "last_error",
        )
        listed = [
            {
                **{f: getattr(row, f) for f in fields},
                "created_at": row.created_at.isoformat(),
                "sent_at": row.sent_at.isoformat() if row.sent_at else None,
                "delivered_at": row.delivered_at.isoformat() if row.delivered_at else None,
            }
            for row in rows
        ]
        click.echo(json.dumps(listed, ensure_ascii=False, indent=2))
        return
    for row in rows:
        error = f"  {row.last_error}" if row.last_error else ""
        click.echo(f"{row.status:<9} {row.channel:<12} {row.recipient:<20} {row.subject}{error}")
