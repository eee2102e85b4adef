"""The audit log in words: each entry's action as a phrase, its details as a sentence, its time
in the county's zone, people and classrooms by name (the ids stay in the object column)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from coordinator import models
from coordinator.services.data.directory import Directory
from coordinator.services.feeds.tokens import FeedOwner
from coordinator.web.pages.audience_labels import AUDIENCE_LABELS, KIND_LABELS

Gettext = Callable[[str], str]


def N_(message: str) -> str:  # marks a message for extraction
    return message


ACTIONS = {
    "user.add": N_("Account created"),
    "user.password": N_("Password changed"),
    "user.disable": N_("Account disabled"),
    "user.enable": N_("Account enabled"),
    "user.sign_out": N_("Signed out everywhere"),
    "user.contact": N_("Contacts changed"),
    "notifications.audiences": N_("Who gets what changed"),
    "feed.rotate": N_("Calendar address renewed"),
    "feed.revoke": N_("Calendar address revoked"),
    "data.import": N_("Data imported"),
    "data.busy_blocks": N_("Busy blocks edited"),
    "data.edit.limits": N_("Lesson limits edited"),
    "data.edit.pins": N_("Pinned sessions edited"),
    "data.edit.calendar": N_("Closures, holidays and make-up days edited"),
    "data.edit.needs": N_("Needs edited"),
    "data.edit.assistant": N_("Assistant changed"),
    "data.edit.teacher": N_("Network teacher added"),
    "data.edit.classroom": N_("Classroom added"),
    "timetable.solve": N_("Timetable solved and published"),
    "timetable.rebalance": N_("Timetable rebalanced"),
    "lesson.move": N_("Lesson moved"),
    "lesson.cancel": N_("Lesson cancelled"),
    "lesson.reassign": N_("Lesson given to another teacher"),
    "lesson.restore": N_("Lesson back to the timetable"),
}
ROLES = {"admin": N_("admin"), "teacher": N_("teacher"), "assistant": N_("assistant")}
CONTACT_FIELDS = {
    "phone": N_("Mobile phone"),
    "wecom_userid": N_("WeCom account"),
    "dingtalk_userid": N_("DingTalk userid"),
    "preferred_channel": N_("Preferred channel"),
    "quiet_hours": N_("Quiet hours"),
}
CHANGES = {
    "TeacherUnavailable": N_("%(teacher)s cannot teach"),
    "BusyBlocksChanged": N_("%(teacher)s's own timetable changed"),
    "ClassroomAdded": N_("a classroom joins: %(classroom)s"),
    "ClassroomRemoved": N_("a classroom leaves: %(classroom)s"),
    "NeedAdded": N_("a new need of %(classroom)s"),
    "NeedRemoved": N_("a need of %(classroom)s ends"),
}


@dataclass(frozen=True, slots=True)
class AuditLine:
    when: str  # in the county's zone
    who: str
    action: str
    object: str
    details: str


@dataclass(frozen=True, slots=True)
class AuditWords:
    """What an entry's words need: the translation, the directory, the zone."""

    gettext: Gettext
    directory: Directory | None
    zone: ZoneInfo
    lang: str

    def name(self, kind: str, ident: str) -> str:
        if self.directory is None or not ident:
            return ident
        try:
            return self.directory.owner_name(FeedOwner(kind, ident))
        except KeyError:
            return ident

    def clock(self, moment: dt.datetime | str) -> str:
        """A time in the county's zone; an ISO text from the details is read first."""
        if isinstance(moment, str):
            try:
                when = dt.datetime.fromisoformat(moment)
            except ValueError:
                return moment
        else:
            when = moment
        return when.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    def join(self, parts: list[str]) -> str:
        return ("；" if self.lang == "zh" else "; ").join(part for part in parts if part)

    def line(self, row: models.AuditRow) -> AuditLine:
        _ = self.gettext
        action = ACTIONS.get(row.action)
        return AuditLine(
            when=self.clock(row.at),
            who=row.actor,
            action=_(action) if action else row.action,
            object=self.object_of(row),
            details=self.details_of(row),
        )

    def object_of(self, row: models.AuditRow) -> str:
        _ = self.gettext
        if row.object_kind == "user":
            kind, _sep, ident = str(row.details.get("scope", "")).partition(":")
            named = self.name("alliance" if kind == "group" else kind, ident)
            return f"{row.object_id}（{named}）" if named and named != ident else row.object_id
        if row.object_kind == "timetable":
            return _("timetable version %(id)s") % {"id": row.object_id}
        if row.object_kind == "data":
            return _("the county's data")
        if row.object_kind == "lesson":
            teacher = self.name("teacher", str(row.details.get("teacher", {}).get("to", "")))
            day = row.object_id.rpartition("@")[2]
            return _("%(teacher)s's lesson on %(date)s") % {"teacher": teacher, "date": day}
        if row.object_kind in ("teacher", "classroom", "assistant", "school", "region"):
            return self.name(row.object_kind, row.object_id)
        return f"{row.object_kind}:{row.object_id}"

    def details_of(self, row: models.AuditRow) -> str:
        details = row.details
        if row.action.startswith("user."):
            return self._user(row.action, details)
        if row.action == "notifications.audiences":
            return self._audiences(details)
        if row.action == "data.import":
            return str(details.get("bundle", ""))
        if row.action.startswith("data."):  # an edit in place: what its table gained and lost
            counts = {k: int(details.get(k, 0)) for k in ("added", "changed", "retired")}
            return (
                self.gettext("%(added)d added, %(changed)d changed, %(retired)d removed") % counts
            )
        if row.action in ("timetable.rebalance", "timetable.solve"):
            return self._rebalance(details)
        if row.action.startswith("lesson."):
            return self._lesson(details)
        if row.action.startswith("feed."):
            return ""
        return self.join([f"{key}: {value}" for key, value in details.items()])

    def _user(self, action: str, details: dict[str, Any]) -> str:
        _ = self.gettext
        if action == "user.add":
            role = ROLES.get(str(details.get("role", "")))
            return _(role) if role else ""
        if action == "user.contact":  # which fields, not their values
            return self.join([_(label) for key, label in CONTACT_FIELDS.items() if key in details])
        revoked = details.get("api_tokens_revoked")
        if revoked:
            return _("%(count)s phone tokens revoked") % {"count": revoked}
        return _("every session ended")

    def _audiences(self, details: dict[str, Any]) -> str:
        """Per kind changed: who got it before → who gets it now."""
        _ = self.gettext
        sep = "、" if self.lang == "zh" else ", "

        def who(names: list[str]) -> str:
            said = [_(AUDIENCE_LABELS[n]) for n in names if n in AUDIENCE_LABELS]
            return sep.join(said) or _("nobody")

        parts = []
        for kind, label in KIND_LABELS.items():
            change = details.get(kind)
            if isinstance(change, dict):
                before, after = who(change.get("from", [])), who(change.get("to", []))
                parts.append(
                    f"{_(label)}：{before} → {after}"
                    if self.lang == "zh"
                    else f"{_(label)}: {before} → {after}"
                )
        return self.join(parts)

    def _rebalance(self, details: dict[str, Any]) -> str:
        _ = self.gettext
        change = details.get("change", {})
        template = CHANGES.get(str(change.get("kind", "")))
        parts = []
        if template:
            teacher = self.name("teacher", str(change.get("teacher_id", "")))
            room = self.name("classroom", str(change.get("classroom_id", "")))
            parts.append(_(template) % {"teacher": teacher, "classroom": room})
        dates = details.get("dates")
        if dates:
            parts.append(_("from %(first)s to %(last)s") % {"first": dates[0], "last": dates[1]})
        else:
            parts.append(_("from now on"))
        weekly = details.get("weekly", {})
        parts.append(
            _("a week: %(moved)s moved, %(reassigned)s to another teacher, %(cancelled)s cancelled")
            % {key: weekly.get(key, 0) for key in ("moved", "reassigned", "cancelled")}
        )
        if details.get("note"):
            parts.append(str(details["note"]))
        return self.join(parts)

    def _lesson(self, details: dict[str, Any]) -> str:
        _ = self.gettext
        parts = []
        before, after = details.get("from", {}), details.get("to", {})
        if before.get("start") and before.get("start") != after.get("start"):
            times = {"from": self.clock(before["start"]), "to": self.clock(after.get("start", ""))}
            parts.append(_("from %(from)s to %(to)s") % times)
        teacher = details.get("teacher", {})
        if teacher.get("from") and teacher.get("from") != teacher.get("to"):
            names = {
                "from": self.name("teacher", teacher["from"]),
                "to": self.name("teacher", teacher.get("to", "")),
            }
            parts.append(_("teacher %(from)s → %(to)s") % names)
        if details.get("note"):
            parts.append(str(details["note"]))
        return self.join(parts)
