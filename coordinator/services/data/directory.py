"""Who is who: lookups over the current data for feeds and pages (built once per change)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from coordinator import domain
from coordinator.calendar import Room
from coordinator.enums import NetworkProfile
from coordinator.services.feeds.tokens import FeedOwner


@dataclass(slots=True)
class Directory:
    bundle: domain.Bundle
    schools: dict[str, domain.School] = field(default_factory=dict)
    classrooms: dict[str, domain.Classroom] = field(default_factory=dict)
    assistants: dict[str, domain.Assistant] = field(default_factory=dict)
    teachers: dict[str, domain.NetworkTeacher] = field(default_factory=dict)
    subjects: dict[str, domain.Subject] = field(default_factory=dict)
    alliances: dict[str, domain.Alliance] = field(default_factory=dict)
    regions: dict[str, domain.Region] = field(default_factory=dict)
    alliance_schools: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def of(cls, bundle: domain.Bundle) -> Directory:
        directory = cls(
            bundle=bundle,
            schools={s.id: s for s in bundle.schools},
            classrooms={c.id: c for c in bundle.classrooms},
            assistants={a.id: a for a in bundle.assistants},
            teachers={t.id: t for t in bundle.network_teachers},
            subjects={s.id: s for s in bundle.subjects},
            alliances={a.id: a for a in bundle.alliances},
            regions={r.id: r for r in bundle.regions},
        )
        for alliance in bundle.alliances:
            directory.alliance_schools[alliance.id].add(alliance.lead_school_id)
        for member in bundle.alliance_members:
            directory.alliance_schools[member.alliance_id].add(member.school_id)
        return directory

    def exists(self, owner: FeedOwner) -> bool:
        tables: dict[str, dict[str, object]] = {
            "teacher": dict(self.teachers),
            "classroom": dict(self.classrooms),
            "assistant": dict(self.assistants),
            "school": dict(self.schools),
            "alliance": dict(self.alliances),
            "region": dict(self.regions),
        }
        return owner.id in tables.get(owner.kind, {})

    def schools_of(self, owner: FeedOwner) -> set[str]:
        """The schools whose events and lessons concern `owner`."""
        if owner.kind == "teacher":
            return {self.teachers[owner.id].school_id}
        if owner.kind == "classroom":
            return {self.classrooms[owner.id].school_id}
        if owner.kind == "assistant":
            return {self.assistants[owner.id].school_id}
        if owner.kind == "school":
            return {owner.id}
        if owner.kind == "alliance":
            return set(self.alliance_schools[owner.id])
        return {s.id for s in self.bundle.schools if s.region_id == owner.id}

    def classrooms_of(self, owner: FeedOwner) -> set[str]:
        """The classrooms whose lessons `owner` sees."""
        if owner.kind == "teacher":
            return set()
        if owner.kind == "classroom":
            return {owner.id}
        if owner.kind == "assistant":
            return {c.id for c in self.bundle.classrooms if c.assistant_id == owner.id}
        schools = self.schools_of(owner)
        return {c.id for c in self.bundle.classrooms if c.school_id in schools}

    def teachers_of(self, owner: FeedOwner) -> set[str]:
        """The network teachers whose lessons `owner` sees (besides those of its classrooms)."""
        if owner.kind == "teacher":
            return {owner.id}
        if owner.kind in ("classroom", "assistant"):
            return set()
        schools = self.schools_of(owner)
        return {t.id for t in self.bundle.network_teachers if t.school_id in schools}

    def room(self, classroom_id: str) -> Room:
        classroom = self.classrooms[classroom_id]
        assistant = self.assistants.get(classroom.assistant_id)
        return Room(
            school=self.schools[classroom.school_id].name,
            classroom=classroom.name,
            assistant=assistant.name if assistant else "",
            phone=assistant.phone if assistant else "",
            network="" if classroom.network is NetworkProfile.GOOD else classroom.network.value,
        )

    def owner_name_of_classroom(self, classroom_id: str) -> str:
        classroom = self.classrooms.get(classroom_id)
        if classroom is None:
            return classroom_id
        return f"{self.schools[classroom.school_id].name} {classroom.name}"

    def subject_name(self, subject_id: str, language: str) -> str:
        subject = self.subjects.get(subject_id)
        if subject is None:
            return subject_id
        return subject.name_en if language == "en" else subject.name_zh

    def owner_name(self, owner: FeedOwner) -> str:
        if owner.kind == "teacher":
            return self.teachers[owner.id].name
        if owner.kind == "classroom":
            return self.owner_name_of_classroom(owner.id)
        if owner.kind == "assistant":
            return self.assistants[owner.id].name
        if owner.kind == "school":
            return self.schools[owner.id].name
        if owner.kind == "alliance":
            return self.alliances[owner.id].name
        return self.regions[owner.id].name
