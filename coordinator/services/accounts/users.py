"""Users, passwords (argon2id), roles with their scope, object checks and the audit log."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import secrets
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.enums import AllianceKind
from coordinator.errors import NotFoundError
from coordinator.services.accounts.names import (
    MIN_PASSWORD_LENGTH,
    check_password,
    clean_username,
    username_key,
)
from coordinator.services.accounts.names import AccountError as AccountError
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import load_bundle
from coordinator.store import Store

log = logging.getLogger(__name__)

ROLES = ("admin", "teacher", "assistant")
SCOPE_KINDS = {"admin": ("region", "alliance", "group"), "teacher": ("teacher",)}
SCOPE_KINDS["assistant"] = ("assistant",)
HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    role: str
    scope_kind: str
    scope_id: str
    language: str
    session_epoch: int

    @property
    def scope(self) -> str:
        return f"{self.scope_kind}:{self.scope_id}"

    @classmethod
    def of(cls, row: models.UserRow) -> User:
        assert row.id is not None
        return cls(
            row.id,
            row.username,
            row.role,
            row.scope_kind,
            row.scope_id,
            row.language,
            row.session_epoch,
        )


@dataclass(frozen=True, slots=True)
class Scope:
    """What one user may see: ids of schools, classrooms, network teachers and assistants."""

    schools: frozenset[str] = frozenset()
    classrooms: frozenset[str] = frozenset()
    teachers: frozenset[str] = frozenset()
    assistants: frozenset[str] = frozenset()
    owners: frozenset[str] = field(default_factory=frozenset)  # "kind:id" feed owners

    def sees(self, kind: str, object_id: str) -> bool:
        table = {
            "school": self.schools,
            "classroom": self.classrooms,
            "teacher": self.teachers,
            "assistant": self.assistants,
        }.get(kind)
        if table is not None and object_id in table:
            return True
        return f"{kind}:{object_id}" in self.owners

    def sees_lesson(self, teacher_id: str, classroom_ids: Iterable[str]) -> bool:
        return teacher_id in self.teachers or any(c in self.classrooms for c in classroom_ids)


def parse_scope(text: str) -> tuple[str, str]:
    kind, _, object_id = text.partition(":")
    if not kind or not object_id:
        raise AccountError(f"scope {text!r}: expected KIND:ID, e.g. region:xiao or teacher:t-wang")
    return kind, object_id


def check_scope(directory: Directory, role: str, kind: str, object_id: str) -> None:
    """The scope must suit the role and name something in the current data."""
    if role not in ROLES:
        raise AccountError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    if kind not in SCOPE_KINDS[role]:
        allowed = ", ".join(SCOPE_KINDS[role])
        raise AccountError(f"scope {kind}:{object_id}: the {role} role is scoped to {allowed}")
    known = {
        "region": object_id in directory.regions,
        "alliance": object_id in directory.alliances,
        "group": object_id in directory.alliances
        and directory.alliances[object_id].kind == AllianceKind.GROUP,
        "teacher": object_id in directory.teachers,
        "assistant": object_id in directory.assistants,
    }
    if not known[kind]:
        raise NotFoundError(f"scope {kind}:{object_id}: no such {kind} in the current data")


def scope_of(user: User, directory: Directory) -> Scope:
    """Everything `user` may see in the current data."""
    kind, object_id = user.scope_kind, user.scope_id
    if kind == "teacher":
        return Scope(teachers=frozenset({object_id}), owners=frozenset({f"teacher:{object_id}"}))
    if kind == "assistant":
        assistant = directory.assistants.get(object_id)
        rooms = {c.id for c in directory.bundle.classrooms if c.assistant_id == object_id}
        return Scope(
            schools=frozenset({assistant.school_id} if assistant else set()),
            classrooms=frozenset(rooms),
            assistants=frozenset({object_id}),
            owners=frozenset({f"assistant:{object_id}"} | {f"classroom:{r}" for r in rooms}),
        )
    return _admin_scope(kind, object_id, directory)


def _admin_scope(kind: str, object_id: str, directory: Directory) -> Scope:
    if kind == "region":
        schools = {s.id for s in directory.bundle.schools if s.region_id == object_id}
        owners = {f"region:{object_id}"}
    else:
        schools = set(directory.alliance_schools.get(object_id, set()))
        owners = {f"alliance:{object_id}"}
    bundle = directory.bundle
    classrooms = {c.id for c in bundle.classrooms if c.school_id in schools}
    teachers = {t.id for t in bundle.network_teachers if t.school_id in schools}
    assistants = {a.id for a in bundle.assistants if a.school_id in schools}
    owners |= {f"school:{s}" for s in schools} | {f"classroom:{c}" for c in classrooms}
    owners |= {f"teacher:{t}" for t in teachers} | {f"assistant:{a}" for a in assistants}
    return Scope(
        frozenset(schools),
        frozenset(classrooms),
        frozenset(teachers),
        frozenset(assistants),
        frozenset(owners),
    )


def can_see(scope: Scope, kind: str, object_id: str) -> bool:
    """The object check every page makes: is this school/classroom/teacher/... in scope?"""
    return scope.sees(kind, object_id)


async def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    return await asyncio.to_thread(HASHER.hash, password)


@functools.cache
def _dummy_hash() -> str:
    """A hash no password fits, checked for unknown users so they take as long as known ones."""
    return HASHER.hash(secrets.token_urlsafe(16))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def add_user(
    store: Store,
    *,
    username: str,
    password: str,
    role: str,
    scope: str,
    now: dt.datetime,
    actor: str,
) -> User:
    """Make a user after checking the role, the scope, the name (its rules, and that no user
    has it in any case) and the password's rules."""
    username = clean_username(username)
    kind, object_id = parse_scope(scope)
    check_scope(Directory.of(await load_bundle(store)), role, kind, object_id)
    check_password(password, username)
    password_hash = await hash_password(password)
    async with store.write() as session:
        taken = await _same_name(session, username)
        if taken is not None:
            raise AccountError(f"user {username!r} already exists (as {taken!r})")
        row = models.UserRow(
            username=username,
            role=role,
            scope_kind=kind,
            scope_id=object_id,
            password_hash=password_hash,
            created_at=now,
        )
        session.add(row)
        await session.flush()
        details = {"role": role, "scope": scope}
        session.add(audit_row(actor, "user.add", "user", username, details, now))
    return User.of(row)


async def authenticate(store: Store, username: str, password: str) -> User | None:
    """The user if the password fits; the hash is checked off the event loop either way. The
    name is found as typed, in any case and width (NFKC, case-folded)."""
    async with store.read() as session:
        row = await user_row_named(session, username)
    if row is None or row.disabled_at is not None:
        await asyncio.to_thread(_verify, _dummy_hash(), password)  # as long as a real check
        return None
    if not await asyncio.to_thread(_verify, row.password_hash, password):
        return None
    return User.of(row)


async def _same_name(session: AsyncSession, username: str) -> str | None:
    """The existing user name equal to `username` once NFKC-normalised and case-folded."""
    key = username_key(username)
    names = (await session.exec(select(models.UserRow.username))).all()
    return next((name for name in names if username_key(name) == key), None)


async def user_row_named(session: AsyncSession, username: str) -> models.UserRow | None:
    """The user called `username` exactly, else the only one whose name matches it in any
    case and width."""
    typed = unicodedata.normalize("NFKC", username).strip()
    query = select(models.UserRow).where(models.UserRow.username == typed)
    row = (await session.exec(query)).first()
    if row is not None:
        return row
    query = select(models.UserRow).where(func.lower(models.UserRow.username) == typed.lower())
    rows = [
        row
        for row in (await session.exec(query)).all()
        if username_key(row.username) == username_key(typed)
    ]
    return rows[0] if len(rows) == 1 else None


async def user_by_id(store: Store, user_id: int) -> User | None:
    async with store.read() as session:
        row = await session.get(models.UserRow, user_id)
    if row is None or row.disabled_at is not None:
        return None
    return User.of(row)


def audit_row(
    actor: str,
    action: str,
    object_kind: str,
    object_id: str,
    details: dict[str, Any],
    now: dt.datetime,
) -> models.AuditRow:
    return models.AuditRow(
        at=now,
        actor=actor,
        action=action,
        object_kind=object_kind,
        object_id=object_id,
        details=details,
    )


async def record(
    store: Store,
    *,
    actor: str,
    action: str,
    target: str,
    now: dt.datetime,
    details: dict[str, Any] | None = None,
) -> None:
    """Write one audit entry; `target` is "kind:id"."""
    kind, _, object_id = target.partition(":")
    async with store.write() as session:
        session.add(audit_row(actor, action, kind, object_id, details or {}, now))


@dataclass(slots=True)
class DirectoryCache:
    """The current data's Directory for pages, read again only after a new import."""

    store: Store
    check_every_s: float = 1.0
    _import_run: int | None = -1
    _checked: float = float("-inf")
    _directory: Directory | None = None

    async def directory(self) -> Directory:
        if time.monotonic() - self._checked >= self.check_every_s or self._directory is None:
            async with self.store.read() as session:
                query = select(func.max(models.ImportRunRow.id))
                latest = (await session.exec(query)).one()
            if latest != self._import_run or self._directory is None:
                self._directory = Directory.of(await load_bundle(self.store))
                self._import_run = latest
            self._checked = time.monotonic()
        return self._directory


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 200


def audit_visible(scope: Scope, row: models.AuditRow, is_region_admin: bool) -> bool:
    """Admins see changes to objects in their scope; data imports only their region's admins."""
    if row.object_kind == "user":
        kind, _, object_id = str(row.details.get("scope", "")).partition(":")
        return scope.sees("alliance" if kind == "group" else kind, object_id)
    if row.object_kind == "data":  # an import by a region admin: that region's; the CLI's: all
        region = str(row.details.get("region", ""))
        return is_region_admin and (not region or scope.sees("region", region))
    if row.object_kind == "timetable" and is_region_admin and not _names_people(row):
        return True  # a server-wide publish that lists nobody
    if row.object_kind in ("lesson", "timetable"):
        # A hand edit or a rebalance: seen by whoever sees a teacher or classroom it touched.
        teachers = [str(teacher) for teacher in row.details.get("teachers", [])]
        rooms = [str(room) for room in row.details.get("classrooms", [])]
        return any(t in scope.teachers for t in teachers) or any(
            r in scope.classrooms for r in rooms
        )
    return scope.sees(row.object_kind, row.object_id)


def _names_people(row: models.AuditRow) -> bool:
    return bool(row.details.get("teachers") or row.details.get("classrooms"))


async def audit_entries(
    store: Store, scope: Scope, *, region_admin: bool, wanted: AuditFilter
) -> list[models.AuditRow]:
    """The newest audit entries the admin may see, filtered."""
    query = select(models.AuditRow).order_by(col(models.AuditRow.id).desc()).limit(2000)
    if wanted.actor:
        query = query.where(models.AuditRow.actor == wanted.actor)
    if wanted.action:
        query = query.where(col(models.AuditRow.action).startswith(wanted.action))
    if wanted.since is not None:
        query = query.where(models.AuditRow.at >= wanted.since)
    if wanted.until is not None:
        query = query.where(models.AuditRow.at < wanted.until)
    async with store.read() as session:
        rows = (await session.exec(query)).all()
    visible = [row for row in rows if audit_visible(scope, row, region_admin)]
    return visible[: wanted.limit]
