"""Calendar pushes as outbox channels: "calendar:wecom" and "calendar:dingtalk".

An outbox row asks for one lesson in one person's calendar to be as its data says (`put`)
or gone (`remove`). Sending looks up the event already made for that lesson and person
(`calendar_event`) and adds, updates or removes it, then writes down the event id and the
content pushed; a row sent again (a retry, a worker restarted after the push) finds the
content there already and pushes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import aiohttp

from coordinator import models
from coordinator.notify import Channel, Delivery, DeliveryError
from coordinator.notify.base import Receipt
from coordinator.notify.calendars import CalendarEntry, CalendarProvider, marked, marker_of
from coordinator.notify.dingtalk_calendar import DingTalkCalendar
from coordinator.notify.tokens import TokenCache
from coordinator.notify.wecom_schedule import WeComSchedule
from coordinator.settings.notifications import NotificationSettings
from coordinator.store import Store

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
PROVIDERS = ("wecom", "dingtalk")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def calendar_providers(settings: NotificationSettings) -> tuple[str, ...]:
    """The providers lessons are pushed to: those whose app is configured and in use."""
    if not settings.calendar.enabled:
        return ()
    return tuple(name for name in PROVIDERS if settings.reaches(name))


class CalendarChannel:
    """One provider's calendar pushes, keeping `calendar_event` in step."""

    def __init__(self, store: Store, provider: CalendarProvider, clock: Clock = _utcnow) -> None:
        self.store, self.provider, self.clock = store, provider, clock

    async def send(self, delivery: Delivery) -> Receipt | None:
        data = delivery.data
        key = (str(data["lesson_key"]), str(data["recipient"]), self.provider.name)
        async with self.store.read() as session:
            known = await session.get(models.CalendarEventRow, key)
        active = known if known is not None and known.state == "active" else None
        if data.get("action") == "remove":
            if active is None and known is not None and known.state == "adding":
                found = await self._lost_for_removal(known)
                if found:
                    await self.provider.remove(known.calendar_user, found)
                await self._write(key, known, {"state": "removed"})
                return Receipt(found)
            if active is not None and active.event_id:
                await self.provider.remove(active.calendar_user, active.event_id)
                await self._write(key, active, {"state": "removed"})
            return Receipt(active.event_id if active else "")
        fingerprint = str(data["fingerprint"])
        if active is not None and active.fingerprint == fingerprint:
            return Receipt(active.event_id)  # pushed already (a retry, or a restart after it)
        entry = marked(CalendarEntry.of_data(data), key[0])
        event_id, user = await self._lost(known, delivery.address, entry, key[0])
        if not event_id:
            event_id, user = await self._put(key, known, delivery.address, entry)
        values = {"address": delivery.address, "calendar_user": user, "event_id": event_id}
        await self._write(key, known, {**values, "fingerprint": fingerprint, "state": "active"})
        return Receipt(event_id)

    async def _lost(
        self, known: models.CalendarEventRow | None, address: str, entry: CalendarEntry, lesson: str
    ) -> tuple[str, str]:
        """After an add that was never answered (the row still says `adding`): the entry the
        provider made anyway, found by its marker and brought up to date; ("", "") if none."""
        if known is None or known.state != "adding" or known.address != address:
            return "", ""
        user = known.calendar_user
        found = await self.provider.find(user, entry, marker_of(lesson)) if user else ""
        if found:
            log.warning(
                "calendar %s: adopted %s for %s (its add went unanswered)",
                self.provider.name,
                found,
                lesson,
            )
            await self.provider.update(user, found, entry)
        return found, user

    async def _lost_for_removal(self, known: models.CalendarEventRow) -> str:
        """The entry of an unanswered add, looked up at the lesson's time ("" if none)."""
        async with self.store.read() as session:
            lesson = await session.get(models.LessonRow, known.lesson_key)
        if lesson is None or not known.calendar_user:
            return ""
        entry = CalendarEntry("", "", "", lesson.start, lesson.end, lesson.time_zone, 0)
        return await self.provider.find(known.calendar_user, entry, marker_of(lesson.key))

    async def _put(
        self,
        key: tuple[str, str, str],
        known: models.CalendarEventRow | None,
        address: str,
        entry: CalendarEntry,
    ) -> tuple[str, str]:
        """Update the person's event, or add one (moving it when their id changed); before an
        add, the row says `adding`, so a retry after a lost answer looks for it first."""
        if not address:
            raise DeliveryError(f"no {self.provider.name} id to push to", permanent=True)
        active = known if known is not None and known.state == "active" else None
        if active is not None and active.address == address and active.event_id:
            await self.provider.update(active.calendar_user, active.event_id, entry)
            return active.event_id, active.calendar_user
        if active is not None and active.event_id:
            await self.provider.remove(active.calendar_user, active.event_id)
        user = await self.provider.calendar_user(address)
        await self._adding(key, address, user)
        return await self.provider.add(user, entry), user

    async def _adding(self, key: tuple[str, str, str], address: str, user: str) -> None:
        """Note an add about to be tried (the push count unchanged: the outbox id stays)."""
        lesson_key, recipient, provider = key
        async with self.store.write() as session:
            row = await session.get(models.CalendarEventRow, key)
            if row is None:
                row = models.CalendarEventRow(
                    lesson_key=lesson_key,
                    recipient=recipient,
                    provider=provider,
                    pushed_at=self.clock(),
                )
            row.address, row.calendar_user, row.event_id = address, user, ""
            row.fingerprint, row.state = "", "adding"
            session.add(row)

    async def _write(
        self,
        key: tuple[str, str, str],
        known: models.CalendarEventRow | None,
        values: dict[str, Any],
    ) -> None:
        lesson_key, recipient, provider = key
        async with self.store.write() as session:
            row = await session.get(models.CalendarEventRow, key)
            if row is None:
                row = models.CalendarEventRow(
                    lesson_key=lesson_key,
                    recipient=recipient,
                    provider=provider,
                    pushed_at=self.clock(),
                )
            for name, value in values.items():
                setattr(row, name, value)
            row.version = (known.version if known else 0) + 1
            row.pushed_at = self.clock()
            session.add(row)
        log.info("calendar %s: %s %s -> %s", provider, lesson_key, recipient, values.get("state"))


def calendar_channels(
    store: Store, settings: NotificationSettings, http: aiohttp.ClientSession, tokens: TokenCache
) -> dict[str, Channel]:
    """The calendar channels the settings configure, by outbox channel name."""
    made: dict[str, CalendarProvider] = {}
    for name in calendar_providers(settings):
        if name == "wecom":
            made[name] = WeComSchedule(settings.wecom, http, tokens)
        else:
            made[name] = DingTalkCalendar(settings.dingtalk, http, tokens)
    return {f"calendar:{name}": CalendarChannel(store, provider) for name, provider in made.items()}
