"""Closed vocabularies of the domain, as the data bundle spells them."""

from enum import StrEnum


class SchoolKind(StrEnum):
    URBAN = "urban"
    RURAL = "rural"


class AllianceKind(StrEnum):
    PAIRING = "pairing"  # 结对帮扶: one urban school and one or more rural schools
    GROUP = "group"  # 集团化办学: a core school and member schools
    TRUSTEESHIP = "trusteeship"  # 县中托管帮扶: a university partner and a county high school


class NetworkProfile(StrEnum):
    GOOD = "good"
    WEAK = "weak"
    AUDIO_ONLY = "audio_only"


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # no school (国庆, 春节, ...)
    CLOSURE = "closure"  # one school or region closed (weather, works, ...)
    MAKEUP = "makeup"  # 调休: a weekend day that follows another weekday's timetable
    EXAM = "exam"  # school is open but takes no live lessons


class EventKind(StrEnum):
    TRAINING = "training"  # teacher training
    RESEARCH = "research"  # 教研 teaching research
    PARENT_CLASS = "parent_class"  # 家长课堂


class CourseAudience(StrEnum):
    """Who takes an open course (the `audience` column of pinned_sessions)."""

    CLASSES = "classes"  # rural classrooms: a live lesson (the default)
    TEACHERS = "teachers"  # a school's teachers join: teacher training
    PARENTS = "parents"  # a classroom's parents join: a parent class (家长课堂)


class AudienceKind(StrEnum):
    SCHOOL = "school"  # the teachers of a school
    ALLIANCE = "alliance"  # the teachers of an alliance's schools
    REGION = "region"  # the teachers of a region's schools
    CLASSROOM = "classroom"  # the parents of a classroom


class PersonChannel(StrEnum):
    """Where one person is reached first (the `preferred_channel` column)."""

    WECOM = "wecom"  # 企业微信 application message to the wecom_userid
    DINGTALK = "dingtalk"  # 钉钉 work notice to the dingtalk_userid
    SMS = "sms"  # a text message to the phone
    EMAIL = "email"


class Language(StrEnum):
    """The language a person reads messages in (the `language` column)."""

    ZH = "zh"
    EN = "en"
