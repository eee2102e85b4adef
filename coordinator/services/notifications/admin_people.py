"""Admins as people: those with contacts on their account, with the schools and regions they
look after, for the notification services (`Notifier.admins`)."""

from __future__ import annotations

import dataclasses

from coordinator.services.accounts.contacts import AdminContact, admin_contacts
from coordinator.services.data.directory import Directory
from coordinator.services.notifications.audience_choices import region_choices
from coordinator.services.notifications.outbox import Person
from coordinator.services.notifications.reminders import AdminPerson, Notifier
from coordinator.store import Store


def looked_after(directory: Directory, contact: AdminContact) -> frozenset[str]:
    """A county admin: the region and its schools; an alliance's: its schools and regions."""
    if contact.scope_kind == "region":
        schools = {s.id for s in directory.schools.values() if s.region_id == contact.scope_id}
        return frozenset(schools | {contact.scope_id})
    schools = set(directory.alliance_schools.get(contact.scope_id, set()))
    regions = {directory.schools[s].region_id for s in schools if s in directory.schools}
    return frozenset(schools | regions)


def admin_person(directory: Directory, contact: AdminContact, default_zone: str) -> AdminPerson:
    scopes = looked_after(directory, contact)
    zones = sorted(directory.schools[s].time_zone for s in scopes if s in directory.schools)
    person = Person(
        "admin",
        contact.username,
        contact.username,
        contact.phone,
        "",
        "",
        "",
        contact.wecom_userid,
        contact.dingtalk_userid,
        contact.preferred_channel,
        contact.quiet_hours,
        time_zone=zones[0] if zones else default_zone,
        language=contact.language,
    )
    return AdminPerson(person, scopes)


async def with_admins(
    store: Store, notifier: Notifier, directory: Directory, default_zone: str = "Asia/Shanghai"
) -> Notifier:
    """The notifier with today's admins who can be reached one to one, and the region
    admins' choices of who gets what."""
    people = tuple(
        admin_person(directory, contact, default_zone) for contact in await admin_contacts(store)
    )
    return dataclasses.replace(notifier, admins=people, choices=await region_choices(store))
