"""ClassIn 在线双师: the network teacher's main class, one sub-class per receiving classroom.

LMS calls (`/lms/...`) are JSON, signed in headers as ClassIn's 验签规则 describes: X-EEO-UID
(the school's SID), X-EEO-TS (Unix seconds) and X-EEO-SIGN = md5 of the body's scalar fields
(no lists or objects, no string over 1,024 characters) plus `sid` and `timeStamp`, sorted by
name as `k=v` joined by `&`, then `&key=SECRET`. A lesson is a main class (`activity/
createClass` in the configured course and unit), then `onlineDoubleTeacher/addClass` adds a
sub-class per classroom with its assistant; moves and cancellations go to the main class.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field, SecretStr

from coordinator.streams.base import LinkRequest
from coordinator.streams.platform import (
    ApiAnswer,
    ApiCall,
    CredentialRejected,
    PlatformBase,
    PlatformError,
    PlatformMeeting,
    PlatformSettings,
    Signing,
    json_body,
)

OK = 1
# LMS (v2): 签名异常 / 验签时间戳过期 (5 minutes) / 时间戳不存在; v1: 安全验证失败 / 过期 / SID
SIGN_ERRORS = frozenset({101002005, 101002006, 101002008, 104, 105, 106})
LONGEST_SIGNED = 1024
LONGEST_NAME = 50  # a class's name, in characters
EXISTS = 398  # 数据已存在: a class with this uniqueIdentity was made before; its id comes back


def identity(*parts: str) -> str:
    """A class's `uniqueIdentity` (32 characters): ClassIn makes no second class with it, so a
    call repeated after its answer was lost (a worker killed) finds the first class."""
    return hashlib.md5("/".join(parts).encode()).hexdigest()


def uid(value: str, where: str) -> int:
    """ClassIn's user ids are integers; a setting that is none says which it is."""
    try:
        return int(value)
    except ValueError:
        raise PlatformError(f"[streams.classin] {where} = {value!r} is not a ClassIn uid") from None


def classin_sign(payload: Mapping[str, Any], *, sid: str, timestamp: int, secret: str) -> str:
    """X-EEO-SIGN: md5 of the sorted scalar fields with sid and timeStamp, then `&key=`."""
    fields = {
        key: value
        for key, value in payload.items()
        if not isinstance(value, list | dict) and len(str(value)) <= LONGEST_SIGNED
    }
    fields |= {"sid": sid, "timeStamp": timestamp}
    text = "&".join(f"{key}={value}" for key, value in sorted(fields.items()))
    return hashlib.md5(f"{text}&key={secret}".encode()).hexdigest()


class ClassinSettings(PlatformSettings):
    """`[streams.classin]`: the school's SID and SECRET (机构后台 → 设置 → API), the course and
    unit main classes go in, `hosts` (teacher id → ClassIn uid) and `assistants` (classroom id
    → the uid of its assistant), `sub_courses` (classroom id → its ClassIn course id)."""

    api_url: str = "https://api.eeo.cn"
    sid: str
    secret: SecretStr
    course_id: int
    unit_id: int
    assistants: dict[str, str] = Field(default_factory=dict)
    sub_courses: dict[str, int] = Field(default_factory=dict)


class ClassinPlatform(PlatformBase):
    name: ClassVar[str] = "classin"
    label: ClassVar[str] = "ClassIn"
    create_is_idempotent: ClassVar[bool] = True  # uniqueIdentity: code 398 and the first id

    settings: ClassinSettings

    def __init__(self, settings: ClassinSettings) -> None:
        self.settings = settings

    def _call(self, path: str, payload: dict[str, Any], signing: Signing) -> ApiCall:
        settings = self.settings
        sign = classin_sign(
            payload,
            sid=settings.sid,
            timestamp=signing.timestamp,
            secret=settings.secret.get_secret_value(),
        )
        headers = (
            ("Content-Type", "application/json"),
            ("X-EEO-SIGN", sign),
            ("X-EEO-UID", settings.sid),
            ("X-EEO-TS", str(signing.timestamp)),
        )
        return ApiCall("POST", settings.api_url + path, headers, json_body(payload))

    def create(self, request: LinkRequest, signing: Signing) -> ApiCall:
        payload = {
            "courseId": self.settings.course_id,
            "unitId": self.settings.unit_id,
            "name": (request.title or request.lesson_key)[:LONGEST_NAME],
            "teacherUid": uid(
                self.settings.host_of(request.teacher.id, self.name), f"hosts.{request.teacher.id}"
            ),
            "startTime": int(request.start.timestamp()),
            "endTime": int(request.end.timestamp()),
            "uniqueIdentity": identity(request.lesson_key),
        }
        return self._call("/lms/activity/createClass", payload, signing)

    def read_created(self, answer: ApiAnswer) -> PlatformMeeting:
        data = self.check(answer, "activity/createClass").get("data") or {}
        if not data.get("classId"):
            raise PlatformError(f"ClassIn activity/createClass: no classId in {data!r}")
        return PlatformMeeting(f"{self.settings.course_id}:{data['classId']}", "", "")

    def follow_up(self, meeting_id: str, request: LinkRequest, signing: Signing) -> ApiCall | None:
        """`onlineDoubleTeacher/addClass`: one sub-class per classroom, its assistant a 联席教师
        (`assistantUids`); the teacher and the times are the main class's."""
        course, main_class = meeting_id.split(":", 1)
        subs = []
        for room in request.classrooms:
            assistant = self.settings.assistants.get(room.id)
            course_id = self.settings.sub_courses.get(room.id)
            if assistant is None or course_id is None:
                raise PlatformError(
                    f"[streams.classin] needs assistants.{room.id} and sub_courses.{room.id} "
                    f"for classroom {room.name!r}"
                )
            subs.append(
                {
                    "courseId": course_id,
                    "className": room.name[:LONGEST_NAME],
                    "assistantUids": [uid(assistant, f"assistants.{room.id}")],
                    "uniqueIdentity": identity(request.lesson_key, room.id),
                }
            )
        payload = {
            "mainCourseId": int(course),
            "mainClassId": int(main_class),
            "subClassJson": subs,
        }
        return self._call("/lms/onlineDoubleTeacher/addClass", payload, signing)

    def update(self, meeting_id: str, request: LinkRequest, signing: Signing) -> ApiCall:
        course, main_class = meeting_id.split(":", 1)
        payload = {
            "courseId": int(course),
            "classId": int(main_class),
            "className": (request.title or request.lesson_key)[:LONGEST_NAME],
            "startTime": int(request.start.timestamp()),
            "endTime": int(request.end.timestamp()),
        }
        return self._call("/lms/onlineDoubleTeacher/editClass", payload, signing)

    def cancel(
        self,
        meeting_id: str,
        request: LinkRequest,  # noqa: ARG002
        signing: Signing,
    ) -> ApiCall:
        course, main_class = meeting_id.split(":", 1)
        payload = {"courseId": int(course), "classId": int(main_class)}
        return self._call("/lms/onlineDoubleTeacher/deleteClass", payload, signing)

    def check(self, answer: ApiAnswer, what: str) -> dict[str, Any]:
        data = answer.data("ClassIn", what)
        code = data.get("code")
        if 200 <= answer.status < 300 and code == OK:
            return data
        if code == EXISTS and (data.get("data") or {}).get("classId"):
            return data  # made by the same call before, whose answer was lost
        text = f"ClassIn {what}: HTTP {answer.status}, code {code}: {data.get('msg', '')}"
        if code in SIGN_ERRORS:
            raise CredentialRejected(f"{text} (check [streams.classin] sid/secret)")
        raise PlatformError(text)
