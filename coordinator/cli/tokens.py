"""`coordinator tokens`: issue, list and revoke assistants' personal API tokens."""

from __future__ import annotations

import click

from coordinator.cli.support import Context, fail_on_errors, pass_context, utc_now
from coordinator.services.accounts import api_tokens


@click.group()
def tokens() -> None:
    """Personal API tokens for assistants (phones, outboxes and scripts)."""


@tokens.command()
@click.option("--assistant", "assistant_id", required=True, help="The assistant's id.")
@click.option("--label", default="", help="What the token is for (e.g. 'Li's phone').")
@pass_context
@fail_on_errors
def issue(context: Context, assistant_id: str, label: str) -> None:
    """Print a new token once; only its SHA-256 is kept, so store it now."""
    issued = context.run(
        lambda store: api_tokens.issue_token(
            store, assistant_id=assistant_id, now=utc_now(), label=label
        ),
    )
    click.echo(f"API token {issued.id} for assistant {issued.assistant_id}:", err=True)
    click.echo(issued.token)


@tokens.command()
@click.argument("token_id", type=int, required=False)
@click.option("--assistant", "assistant_id", help="Revoke every token of this assistant.")
@pass_context
@fail_on_errors
def revoke(context: Context, token_id: int | None, assistant_id: str | None) -> None:
    """Revoke one token by id, or all of an assistant's tokens; it stops working at once."""
    if (token_id is None) == (assistant_id is None):
        raise click.UsageError("name a TOKEN_ID or --assistant, not both")
    count = context.run(
        lambda store: api_tokens.revoke_tokens(
            store, now=utc_now(), token_id=token_id, assistant_id=assistant_id
        ),
    )
    click.echo(f"revoked {count} token(s)")


@tokens.command(name="list")
@click.option("--assistant", "assistant_id", help="Only this assistant's tokens.")
@pass_context
@fail_on_errors
def list_(context: Context, assistant_id: str | None) -> None:
    """List tokens (never the tokens themselves): id, assistant, label, issued, revoked."""
    found = context.run(lambda store: api_tokens.list_tokens(store, assistant_id=assistant_id))
    for info in found:
        revoked = info.revoked_at.isoformat() if info.revoked_at else "active"
        click.echo(
            f"{info.id}\t{info.assistant_id}\t{info.label}\t{info.created_at.isoformat()}\t"
            f"{revoked}"
        )
