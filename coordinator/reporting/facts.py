"""The plain rows reports are computed from: lessons, reports, needs and who is who."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from coordinator.errors import CoordinatorError

DEFAULT_TIME_ZONE = "Asia/Shanghai"


class ReportError(CoordinatorError):
    """A report was asked for something that does not exist or makes no sense."""


@dataclass(frozen=True, slots=True)
class Label:
    """A name in Chinese and in English (data names are often Chinese in both)."""

    zh: str
    en: str

    def text(self, language: str) -> str:
        return self.en if language == "en" else self.zh


@dataclass(slots=True)  # not frozen: built by the hundred thousand (frozen is slower)
class LessonFact:
    """One dated lesson and the classrooms that receive it."""

    key: str
    teacher_id: str
    subject_id: str
    start: dt.datetime  # UTC
    status: str  # scheduled | moved | cancelled | done
    cancelled_at: dt.datetime | None
    classroom_ids: tuple[str, ...]


@dataclass(slots=True)  # not frozen: built by the hundred thousand (frozen is slower)
class AttendanceFact:
    """A classroom's check-in or end report for one lesson."""

    lesson_key: str
    classroom_id: str
    kind: str  # check_in | end_report
    students_present: int
    stream_quality: str | None  # good | poor | failed (end reports)
    late: bool


@dataclass(slots=True)  # not frozen: built by the hundred thousand (frozen is slower)
class ProblemFact:
    """A problem an assistant reported for one lesson in one classroom."""

    lesson_key: str
    classroom_id: str
    problem: str  # no_signal | no_teacher | no_power | other
    late: bool


@dataclass(frozen=True, slots=True)
class PlatformFact:
    """What a meeting platform saw of one lesson: the classrooms whose account it saw join,
    those whose account it never saw, and whether anyone but the host came at all."""

    lesson_key: str
    provider: str
    present: frozenset[str]
    absent: frozenset[str]
    anyone: bool  # a viewer count above zero, or two participants or more

    def saw(self, classroom_id: str) -> bool | None:
        """Did the classroom join, as far as the platform tells? None: it cannot tell."""
        if classroom_id in self.present:
            return True
        if classroom_id in self.absent or not self.anyone:
            return False
        return None


@dataclass(frozen=True, slots=True)
class NeedFact:
    """Periods per week a classroom needs of a subject; `retired_at` once no longer needed."""

    classroom_id: str
    subject_id: str
    periods_per_week: int
    retired_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class RegionFact:
    id: str
    name: str
    retired: bool = False


@dataclass(frozen=True, slots=True)
class SchoolFact:
    id: str
    name: str
    region_id: str
    time_zone: str = DEFAULT_TIME_ZONE
    retired: bool = False


@dataclass(frozen=True, slots=True)
class ClassroomFact:
    id: str
    name: str
    school_id: str
    retired: bool = False
    grade: int | None = None  # 1-12; None when not known


@dataclass(frozen=True, slots=True)
class TeacherFact:
    id: str
    name: str
    school_id: str
    retired: bool = False


@dataclass(frozen=True, slots=True)
class SubjectFact:
    id: str
    name_zh: str
    name_en: str
    retired: bool = False


@dataclass(frozen=True, slots=True)
class AllianceFact:
    """An alliance and all its schools, the lead school included."""

    id: str
    name: str
    school_ids: frozenset[str]
    retired: bool = False


@dataclass(frozen=True, slots=True)
class Catalog:
    """Who is who, retired rows included so that history keeps its names."""

    regions: Mapping[str, RegionFact] = field(default_factory=dict)
    schools: Mapping[str, SchoolFact] = field(default_factory=dict)
    classrooms: Mapping[str, ClassroomFact] = field(default_factory=dict)
    teachers: Mapping[str, TeacherFact] = field(default_factory=dict)
    subjects: Mapping[str, SubjectFact] = field(default_factory=dict)
    alliances: Mapping[str, AllianceFact] = field(default_factory=dict)

    def school_of(self, classroom_id: str) -> SchoolFact | None:
        classroom = self.classrooms.get(classroom_id)
        return self.schools.get(classroom.school_id) if classroom else None

    def time_zone_of(self, classroom_id: str) -> str:
        school = self.school_of(classroom_id)
        return school.time_zone if school else DEFAULT_TIME_ZONE


@dataclass(frozen=True, slots=True)
class Period:
    """Local dates `first` to `last`, both included; `as_of` decides which lessons are due."""

    first: dt.date
    last: dt.date
    as_of: dt.datetime  # UTC

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ReportError(f"period: --to {self.last} is before --from {self.first}")
        if self.as_of.tzinfo is None:
            raise ReportError("period: as_of must be a UTC-aware datetime")

    def __contains__(self, date: object) -> bool:
        return isinstance(date, dt.date) and self.first <= date <= self.last


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything one report over one period needs, read once from the store."""

    period: Period
    catalog: Catalog
    lessons: tuple[LessonFact, ...] = ()
    attendance: tuple[AttendanceFact, ...] = ()
    problems: tuple[ProblemFact, ...] = ()
    needs: tuple[NeedFact, ...] = ()
    # Lessons whose network teacher went live (an accepted publish); None when the streaming
    # provider sends no callbacks, so "teacher live" is unknown rather than zero.
    live_lessons: frozenset[str] | None = None
    # Per school, the dates of the period on which live lessons could run (term days, not
    # holidays, closures or exams; 调休 days included). A school missing here has Mon-Fri.
    school_days: Mapping[str, frozenset[dt.date]] = field(default_factory=dict)
    # Per lesson held on a meeting platform (Tencent Meeting, WeCom, DingTalk): what it saw.
    platform: Mapping[str, PlatformFact] = field(default_factory=dict)


class Scope(StrEnum):
    """What a report may be narrowed to."""

    REGION = "region"
    ALLIANCE = "alliance"
    SCHOOL = "school"
    CLASSROOM = "classroom"


@dataclass(frozen=True, slots=True)
class ScopeFilter:
    kind: Scope
    id: str

    @classmethod
    def parse(cls, text: str) -> ScopeFilter:
        """`region:ID`, `alliance:ID`, `school:ID` or `classroom:ID`."""
        kind, _, ident = text.partition(":")
        if kind not in {s.value for s in Scope} or not ident:
            allowed = ", ".join(f"{s.value}:ID" for s in Scope)
            raise ReportError(f"scope {text!r}: expected one of {allowed}")
        return cls(Scope(kind), ident)

    def classrooms(self, catalog: Catalog) -> frozenset[str]:
        """The classrooms (retired ones too) whose lessons the scope covers."""
        if self.kind is Scope.CLASSROOM:
            return frozenset({self.id}) if self.id in catalog.classrooms else self._unknown()
        schools = self._schools(catalog)
        return frozenset(c.id for c in catalog.classrooms.values() if c.school_id in schools)

    def schools(self, catalog: Catalog) -> frozenset[str]:
        """The schools (retired ones too) the scope covers; a classroom's is its school."""
        if self.kind is Scope.CLASSROOM:
            classroom = catalog.classrooms.get(self.id)
            return frozenset({classroom.school_id}) if classroom else self._unknown()
        return self._schools(catalog)

    def _schools(self, catalog: Catalog) -> frozenset[str]:
        if self.kind is Scope.SCHOOL:
            known = self.id in catalog.schools
            return frozenset({self.id}) if known else self._unknown()
        if self.kind is Scope.ALLIANCE:
            alliance = catalog.alliances.get(self.id)
            return alliance.school_ids if alliance else self._unknown()
        if self.id not in catalog.regions:
            return self._unknown()
        return frozenset(s.id for s in catalog.schools.values() if s.region_id == self.id)

    def _unknown(self) -> frozenset[str]:
        raise ReportError(f"scope {self.kind.value}:{self.id}: no such {self.kind.value}")
