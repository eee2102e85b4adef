"""`coordinator users`: accounts for admins, network teachers and assistants, and their links."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Awaitable, Callable

import click
import segno

from coordinator.cli.support import Context, base_url, fail_on_errors, pass_context, utc_now
from coordinator.services.accounts import changes as account_changes
from coordinator.services.accounts import contacts, sign_in_links
from coordinator.services.accounts import users as accounts
from coordinator.services.accounts.secret import secret_key
from coordinator.services.accounts.users import User
from coordinator.store import Store

USERNAME = click.argument("username")


@click.group()
def users() -> None:
    """Accounts that sign in to the pages."""


@users.command()
@click.option("--role", type=click.Choice(accounts.ROLES), required=True)
@click.option(
    "--scope",
    required=True,
    metavar="KIND:ID",
    help="admin: region:ID, alliance:ID or group:ID; teacher: teacher:ID; assistant: assistant:ID.",
)
@click.option("--username", required=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when left out (better: it stays out of the shell history).",
)
@pass_context
@fail_on_errors
def add(context: Context, role: str, scope: str, username: str, password: str) -> None:
    """Add a user; the password is kept only as an argon2id hash."""
    now = utc_now()
    user = context.run(
        lambda store: accounts.add_user(
            store,
            username=username,
            password=password,
            role=role,
            scope=scope,
            now=now,
            actor="cli",
        )
    )
    click.echo(f"user {user.username}: {user.role}, scope {user.scope}")


@users.command("list")
@pass_context
@fail_on_errors
def list_users(context: Context) -> None:
    """Every account: user name, role, scope, and whether it is disabled."""
    for account in context.run(account_changes.list_accounts):
        state = "disabled" if account.disabled else "active"
        click.echo(f"{account.username}\t{account.role}\t{account.scope}\t{state}")


@users.command()
@USERNAME
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@pass_context
@fail_on_errors
def password(context: Context, username: str, password: str) -> None:
    """Set a new password; every session and sign-in link of the user ends."""
    now = utc_now()
    context.run(
        lambda store: account_changes.change_password(
            store, username, password, now=now, actor="cli"
        )
    )
    click.echo(f"user {username}: new password set; signed out everywhere")


AccountChange = Callable[..., Awaitable[User]]


def _account_change(name: str, change: AccountChange, done: str, help_text: str) -> None:
    """`users NAME USERNAME`: one change to one account, audited with actor "cli"."""

    @users.command(name, help=help_text)
    @USERNAME
    @pass_context
    @fail_on_errors
    def command(context: Context, username: str) -> None:
        now = utc_now()
        context.run(lambda store: change(store, username, now=now, actor="cli"))
        click.echo(f"user {username}: {done}")


_account_change(
    "sign-out",
    account_changes.end_sessions,
    "signed out everywhere; earlier sign-in links no longer work",
    "End every session and sign-in link of the user (a lost phone).",
)
_account_change(
    "disable",
    account_changes.disable,
    "disabled",
    "The user can no longer sign in (nothing is deleted); sessions and links end.",
)
_account_change(
    "enable",
    account_changes.enable,
    "enabled",
    "Let a disabled user sign in again (with a password or a new link).",
)


@users.command()
@USERNAME
@click.option(
    "--days",
    type=click.FloatRange(min=0, min_open=True, max=sign_in_links.MAX_LIFETIME.days),
    default=None,
    help="How long the link may be used [default: server.sign_in_link_days, 7].",
)
@click.option("--qr", is_flag=True, help="Also print the link as a QR code to scan with a phone.")
@pass_context
@fail_on_errors
def link(context: Context, username: str, days: float | None, qr: bool) -> None:
    """Print a personal sign-in link for a teacher or assistant (never an admin): opened on a
    phone and its button pressed, it signs the user in there, once.

    Send it to that person only. `coordinator users sign-out USERNAME` revokes it (and every
    session); a new link does not revoke older ones.
    """
    settings = context.settings()
    now = utc_now()
    lifetime = dt.timedelta(days=settings.server.sign_in_link_days if days is None else days)

    async def make(store: Store) -> tuple[User, str]:
        user = await account_changes.active_user(store, username)
        token = await sign_in_links.issue_link(
            store, user, secret_key(settings), now=now, lifetime=lifetime
        )
        return user, sign_in_links.link_url(base_url(settings), token)

    user, url = context.run(make, settings)
    expires = (now + lifetime).strftime("%Y-%m-%d %H:%M UTC")
    click.echo(f"sign-in link for {user.username} ({user.role}), once, until {expires}:")
    click.echo(url)
    if qr:
        text = io.StringIO()
        segno.make(url, error="m").terminal(out=text, compact=True)
        click.echo(text.getvalue())


@users.command()
@USERNAME
@click.option("--phone", default=None, help="Mobile number for SMS ('' clears it).")
@click.option("--wecom", "wecom_userid", default=None, help="WeCom 账号 (userid).")
@click.option("--dingtalk", "dingtalk_userid", default=None, help="DingTalk userid.")
@click.option("--prefer", "preferred_channel", default=None, help="wecom, dingtalk or sms.")
@click.option("--quiet", "quiet_hours", default=None, help="Quiet hours, e.g. 22:00-07:00.")
@pass_context
@fail_on_errors
def contact(context: Context, username: str, **fields: str | None) -> None:
    """How an admin is reached one to one: alerts (and, if the settings' `audiences` say so,
    change notices) go to them there, as to teachers and assistants."""
    now = utc_now()
    wanted = contacts.Contact(**fields)
    found = context.run(
        lambda store: contacts.set_contact(store, username, wanted, now=now, actor="cli")
    )
    shown = ", ".join(
        f"{channel} {found.address_on(channel)}"
        for channel in contacts.CHANNELS
        if found.address_on(channel)
    )
    prefer = f"; prefers {found.preferred_channel}" if found.preferred_channel else ""
    quiet = f"; quiet {found.quiet_hours}" if found.quiet_hours else ""
    click.echo(f"user {username}: {shown or 'no contact'}{prefer}{quiet}")
