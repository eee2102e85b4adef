"""How an admin is reached one to one: phone, WeCom and DingTalk ids, preferred channel and
quiet hours on their account (teachers and assistants carry theirs in the data bundle)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlmodel import col, select

from coordinator import models
from coordinator.services.accounts.names import AccountError
from coordinator.services.accounts.users import audit_row
from coordinator.store import Store

CHANNELS = ("wecom", "dingtalk", "sms")
QUIET = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
PHONE = re.compile(r"^\+?\d{5,20}$")


@dataclass(frozen=True, slots=True)
class Contact:
    """What may be set; None leaves a field as it is, "" clears it."""

    phone: str | None = None
    wecom_userid: str | None = None
    dingtalk_userid: str | None = None
    preferred_channel: str | None = None
    quiet_hours: str | None = None

    def check(self) -> None:
        """AccountError naming the field and the value that is wrong."""
        if self.preferred_channel and self.preferred_channel not in CHANNELS:
            raise AccountError(
                f"preferred channel {self.preferred_channel!r}: one of {', '.join(CHANNELS)}"
            )
        if self.quiet_hours and not QUIET.match(self.quiet_hours):
            raise AccountError(f"quiet hours {self.quiet_hours!r}: HH:MM-HH:MM, e.g. 22:00-07:00")
        if self.phone and not PHONE.match(self.phone):
            raise AccountError(f"phone {self.phone!r}: digits, e.g. 13800000000")
        for name in ("wecom_userid", "dingtalk_userid"):
            value = getattr(self, name)
            if value and (len(value) > 64 or not value.isprintable() or " " in value):
                raise AccountError(f"{name} {value!r}: one id without spaces, at most 64 chars")


@dataclass(frozen=True, slots=True)
class AdminContact:
    username: str
    scope_kind: str  # region | alliance | group
    scope_id: str
    phone: str
    wecom_userid: str
    dingtalk_userid: str
    preferred_channel: str
    quiet_hours: str
    language: str

    def address_on(self, channel: str) -> str:
        return {"wecom": self.wecom_userid, "dingtalk": self.dingtalk_userid}.get(
            channel, self.phone if channel == "sms" else ""
        )


async def set_contact(
    store: Store, username: str, contact: Contact, *, now: dt.datetime, actor: str
) -> AdminContact:
    """Change an admin's contact fields, audited; only admins carry them on their account."""
    contact.check()
    changed = {k: v for k, v in _fields(contact).items() if v is not None}
    async with store.write() as session:
        query = select(models.UserRow).where(col(models.UserRow.username) == username)
        row = (await session.exec(query)).first()
        if row is None:
            raise AccountError(f"no user {username!r}")
        if row.role != "admin":
            raise AccountError(
                f"{username}: a {row.role}'s contacts are in the data bundle, not on the account"
            )
        for name, value in changed.items():
            setattr(row, name, value)
        session.add(audit_row(actor, "user.contact", "user", username, changed, now))
        await session.flush()
        return _contact_of(row)


def _fields(contact: Contact) -> dict[str, str | None]:
    return {
        "phone": contact.phone,
        "wecom_userid": contact.wecom_userid,
        "dingtalk_userid": contact.dingtalk_userid,
        "preferred_channel": contact.preferred_channel,
        "quiet_hours": contact.quiet_hours,
    }


def _contact_of(row: models.UserRow) -> AdminContact:
    return AdminContact(
        row.username,
        row.scope_kind,
        row.scope_id,
        row.phone,
        row.wecom_userid,
        row.dingtalk_userid,
        row.preferred_channel,
        row.quiet_hours,
        row.language,
    )


async def admin_contacts(store: Store) -> list[AdminContact]:
    """Every active admin with at least one way to reach them."""
    table = models.UserRow
    query = (
        select(table)
        .where(col(table.role) == "admin", col(table.disabled_at).is_(None))
        .order_by(col(table.username))
    )
    async with store.read() as session:
        rows = (await session.exec(query)).all()
    return [
        _contact_of(row) for row in rows if row.phone or row.wecom_userid or row.dingtalk_userid
    ]


async def contact_of(store: Store, username: str) -> AdminContact:
    """An admin's contact fields as they are."""
    async with store.read() as session:
        query = select(models.UserRow).where(col(models.UserRow.username) == username)
        row = (await session.exec(query)).first()
    if row is None:
        raise AccountError(f"no user {username!r}")
    return _contact_of(row)


def wrong_fields(contact: Contact) -> list[str]:
    """The names of the fields whose values are wrong (each checked on its own)."""
    wrong = []
    for name, value in _fields(contact).items():
        try:
            Contact(**{name: value}).check()
        except AccountError:
            wrong.append(name)
    return wrong
