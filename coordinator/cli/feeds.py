"""`coordinator feeds`: list every calendar feed; rotate or revoke one."""

from __future__ import annotations

import json

import click

from coordinator.cli.support import Context, base_url, fail_on_errors, pass_context, utc_now
from coordinator.services.accounts.secret import secret_key
from coordinator.services.feeds import subscriptions
from coordinator.services.feeds.tokens import FeedOwner
from coordinator.store import Store

OWNER_HELP = "teacher:ID, classroom:ID, assistant:ID, school:ID, alliance:ID or region:ID."


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a listing.")
@click.pass_context
@fail_on_errors
def feeds(click_context: click.Context, as_json: bool) -> None:
    """List every calendar feed: owner, name, https and webcal addresses."""
    if click_context.invoked_subcommand is not None:
        return
    context = click_context.find_object(Context)
    assert context is not None
    settings = context.settings()
    secret, url, now = secret_key(settings), base_url(settings), utc_now()

    async def listed(store: Store) -> list[subscriptions.FeedLink]:
        await subscriptions.ensure_feed_tokens(
            store, secret=secret, language=settings.language, now=now
        )
        return await subscriptions.list_feeds(store, secret=secret, base_url=url)

    links = context.run(listed, settings)
    if as_json:
        click.echo(json.dumps([link.as_json() for link in links], ensure_ascii=False, indent=2))
        return
    for link in links:
        click.echo(f"{link.owner!s:<24} {link.name}\n{'':<24} {link.https}\n{'':<24} {link.webcal}")


@feeds.command()
@click.option("--owner", required=True, metavar="KIND:ID", help=OWNER_HELP)
@pass_context
@fail_on_errors
def rotate(context: Context, owner: str) -> None:
    """Give a feed a new address (a revoked one too); the old one answers 404 at once."""
    settings = context.settings()
    feed_owner, secret, url, now = (
        FeedOwner.parse(owner),
        secret_key(settings),
        base_url(settings),
        utc_now(),
    )
    link = context.run(
        lambda store: subscriptions.rotate_feed(
            store, feed_owner, secret=secret, base_url=url, now=now, language=settings.language
        ),
        settings,
    )
    click.echo(f"{link.https}\n{link.webcal}")


@feeds.command()
@click.option("--owner", required=True, metavar="KIND:ID", help=OWNER_HELP)
@pass_context
@fail_on_errors
def revoke(context: Context, owner: str) -> None:
    """Switch a feed off until `feeds rotate`; its address answers 404 from now on."""
    feed_owner, now = FeedOwner.parse(owner), utc_now()
    context.run(lambda store: subscriptions.revoke_feed(store, feed_owner, now=now))
    click.echo(f"revoked the feed of {owner}")
