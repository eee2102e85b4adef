"""ClassIn's data subscription (消息订阅): what ClassIn posts to coordinator, read and checked.

ClassIn posts JSON to the URL the school registered with its account manager. Every message
carries `SID`, `Cmd`, `TimeStamp` and `SafeKey = md5(SECRET + TimeStamp)`, which is how a
message is known to come from ClassIn. Registering the URL sends `Cmd: "Test"`; 20 minutes
after a class closes, `Cmd: "End"` carries its summary, in which `Data.inoutEnd` gives each
user who entered (by uid) their total seconds in the classroom (`Total`) and their identity.
Users who never entered are not in it. ClassIn posts again until it is answered with
`{"error_info": {"errno": 1}}`, so reading a message twice must change nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from coordinator.errors import CoordinatorError
from coordinator.streams.classin import ClassinSettings
from coordinator.streams.platform import Seen

RECEIVED = {"error_info": {"errno": 1, "error": "程序正常执行"}}


class PushRefused(CoordinatorError):
    """The message is not ClassIn's (wrong SID or SafeKey) or cannot be read; says why."""


def safe_key(secret: str, timestamp: int | str) -> str:
    """The data subscription's (and API v1's) SafeKey: md5 of SECRET followed by TimeStamp."""
    return hashlib.md5(f"{secret}{timestamp}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ClassEnded:
    """A class's summary: which class, when it started, and who was in it how long."""

    course_id: int
    class_id: int
    start: int  # Unix seconds, the class's start as scheduled
    present: tuple[Seen, ...]


def _checked(body: bytes, settings: ClassinSettings) -> dict[str, Any]:
    try:
        message = json.loads(body)
    except ValueError:
        raise PushRefused("ClassIn message: not JSON") from None
    if not isinstance(message, dict):
        raise PushRefused("ClassIn message: not a JSON object")
    if str(message.get("SID", "")) != settings.sid:
        raise PushRefused(f"ClassIn message: SID {message.get('SID')!r} is not this school's")
    expected = safe_key(settings.secret.get_secret_value(), message.get("TimeStamp", ""))
    if not hmac.compare_digest(str(message.get("SafeKey", "")), expected):
        raise PushRefused("ClassIn message: SafeKey does not match md5(SECRET + TimeStamp)")
    return message


def read_push(body: bytes, settings: ClassinSettings) -> ClassEnded | None:
    """A class's attendance from an `End` message; None for any other (checked) message."""
    message = _checked(body, settings)
    if message.get("Cmd") != "End":
        return None
    try:
        inout = (message.get("Data") or {}).get("inoutEnd") or {}
        present = tuple(
            Seen(str(user), seconds=max(0, int(entry.get("Total", 0))))
            for user, entry in inout.items()
        )
        return ClassEnded(
            int(message["CourseID"]), int(message["ClassID"]), int(message["StartTime"]), present
        )
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise PushRefused(f"ClassIn End message: {type(error).__name__}: {error}") from error
