"""The words for the kinds of message and the kinds of recipient a region admin chooses
between (the Who-gets-what page and the audit log)."""

from __future__ import annotations


def N_(message: str) -> str:  # marks a message for extraction
    return message


KIND_LABELS = {
    "reminder": N_("Reminders before a lesson"),
    "change": N_("Change notices"),
    "alert": N_("No-show alerts"),
}
AUDIENCE_LABELS = {
    "teacher": N_("Network teacher"),
    "assistant": N_("Classroom assistants"),
    "admin": N_("Admins"),
}
