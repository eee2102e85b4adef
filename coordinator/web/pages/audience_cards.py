"""Open courses for a classroom's parents and its school's teachers, as catalogue cards."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from coordinator import domain
from coordinator.enums import AudienceKind
from coordinator.services.catalogue.audiences import AudienceOffer, audience_catalogue
from coordinator.timetable.enrolment import Refusal
from coordinator.web.i18n import LANGUAGE, gettext_of
from coordinator.web.keys import STORE
from coordinator.web.pages.access import Viewer
from coordinator.web.pages.base import N_, school_date
from coordinator.web.pages.config import PAGES

AUDIENCES = {
    AudienceKind.CLASSROOM: N_("For this classroom's parents"),
    AudienceKind.SCHOOL: N_("For this school's teachers"),
}
AUDIENCE_REASONS = {
    Refusal.NOT_OPEN: N_("This course is not for this audience."),
    Refusal.CLOSED: N_("The host closed enrolment."),
    Refusal.ALREADY: N_("They take it already."),
    Refusal.GRADE: N_("It is not for this classroom's grade."),
    Refusal.FULL: N_("No seat left."),
}


@dataclass(frozen=True, slots=True)
class AudienceCard:
    offer: AudienceOffer
    kind: AudienceKind
    audience_id: str
    for_whom: str
    subject: str
    teacher: str
    school: str
    weekday: str
    reasons: tuple[str, ...]

    @property
    def course_id(self) -> str:
        return self.offer.course.id


def may_join_for(viewer: Viewer, kind: AudienceKind, audience_id: str) -> bool:
    """A classroom's parents: its assistant or an admin; a school's teachers: an admin."""
    if kind == AudienceKind.SCHOOL and viewer.user.role != "admin":
        return False
    return viewer.scope.sees(kind.value, audience_id)


def refusal_text(request: web.Request, refusal: Refusal) -> str:
    return gettext_of(request, AUDIENCE_REASONS.get(refusal, AUDIENCE_REASONS[Refusal.NOT_OPEN]))


async def audience_cards(
    request: web.Request, viewer: Viewer, classroom: domain.Classroom, weekdays: tuple[str, ...]
) -> list[AudienceCard]:
    """The parent classes for this classroom, then the trainings for its school's teachers."""
    directory = viewer.directory
    today = school_date(request, request.app[PAGES].clock())
    zh = request[LANGUAGE] == "zh"
    cards = []
    for kind, audience_id in (
        (AudienceKind.CLASSROOM, classroom.id),
        (AudienceKind.SCHOOL, classroom.school_id),
    ):
        if not may_join_for(viewer, kind, audience_id):
            continue
        offers = await audience_catalogue(
            request.app[STORE], directory.bundle, kind, audience_id, today=today
        )
        for offer in offers:
            course = offer.course
            teacher = directory.teachers[course.teacher_id]
            subject = directory.subjects[course.subject_id]
            cards.append(
                AudienceCard(
                    offer,
                    kind,
                    audience_id,
                    gettext_of(request, AUDIENCES[kind]),
                    subject.name_zh if zh else subject.name_en,
                    teacher.name,
                    directory.schools[teacher.school_id].name,
                    gettext_of(request, weekdays[course.weekday - 1]),
                    tuple(refusal_text(request, r) for r in offer.verdict.refusals),
                )
            )
    return cards
