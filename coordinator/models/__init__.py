"""Database tables (sqlmodel). Imported rows are never deleted, only retired.

Every table that mirrors a bundle file carries `retired_at`: a re-import that no longer lists a
row retires it, so past lessons and attendance keep pointing at something real. Timestamps are
stored as UTC and come back UTC-aware on SQLite and PostgreSQL alike.

One module per table family; every table is importable from here.
"""

from coordinator.models.accounts import (
    AuditRow,
    SignInFailureRow,
    SignInLinkRow,
    SignInSessionRow,
    UserRow,
)
from coordinator.models.attendance import (
    ApiTokenRow,
    AttendanceCorrectionRow,
    AttendanceRow,
    IdempotencyRecordRow,
    ProblemReportRow,
    StreamEventRow,
    WatchHeartbeatRow,
)
from coordinator.models.columns import (
    UTCDateTime,
    enum_column,
    json_list,
    table_of,
    utc_column,
)
from coordinator.models.enrolments import AudienceEnrolmentRow, EnrolmentRow, OpenCourseRow
from coordinator.models.imported import (
    AllianceMemberRow,
    AllianceRow,
    AssistantRow,
    BellPeriodRow,
    BellScheduleRow,
    BusyBlockRow,
    CalendarDayRow,
    ClassroomRow,
    EventRow,
    Imported,
    NeedRow,
    NetworkTeacherRow,
    PinnedSessionRow,
    RegionRow,
    SchoolRow,
    SubjectRow,
    TeacherSubjectRow,
    TermRow,
)
from coordinator.models.jobs import JobRow
from coordinator.models.lessons import (
    ChangeCounterRow,
    FeedStateRow,
    FeedTokenRow,
    LessonClassroomRow,
    LessonDepartureRow,
    LessonEditRow,
    LessonRow,
    StreamProviderRow,
)
from coordinator.models.meetings import PlatformEvidenceRow, PlatformMeetingRow
from coordinator.models.notifications import (
    AccessTokenRow,
    CalendarEventRow,
    JobRunRow,
    LessonAnnouncedRow,
    NotificationAudienceRow,
    NotificationRow,
)
from coordinator.models.planning import (
    ImportRunRow,
    PlannedSessionClassroomRow,
    PlannedSessionRow,
    TimetableVersionRow,
    UnmetNeedRow,
)
from coordinator.models.proposals import RebalanceProposalRow
from coordinator.models.staging import StagedUploadRow

__all__ = [
    "AccessTokenRow",
    "AllianceMemberRow",
    "AllianceRow",
    "ApiTokenRow",
    "AssistantRow",
    "AttendanceCorrectionRow",
    "AttendanceRow",
    "AudienceEnrolmentRow",
    "AuditRow",
    "BellPeriodRow",
    "BellScheduleRow",
    "BusyBlockRow",
    "CalendarDayRow",
    "CalendarEventRow",
    "ChangeCounterRow",
    "ClassroomRow",
    "EnrolmentRow",
    "EventRow",
    "FeedStateRow",
    "FeedTokenRow",
    "IdempotencyRecordRow",
    "ImportRunRow",
    "Imported",
    "JobRow",
    "JobRunRow",
    "LessonAnnouncedRow",
    "LessonClassroomRow",
    "LessonDepartureRow",
    "LessonEditRow",
    "LessonRow",
    "NeedRow",
    "NetworkTeacherRow",
    "NotificationAudienceRow",
    "NotificationRow",
    "OpenCourseRow",
    "PinnedSessionRow",
    "PlannedSessionClassroomRow",
    "PlannedSessionRow",
    "PlatformEvidenceRow",
    "PlatformMeetingRow",
    "ProblemReportRow",
    "RebalanceProposalRow",
    "RegionRow",
    "SchoolRow",
    "SignInFailureRow",
    "SignInLinkRow",
    "SignInSessionRow",
    "StagedUploadRow",
    "StreamEventRow",
    "StreamProviderRow",
    "SubjectRow",
    "TeacherSubjectRow",
    "TermRow",
    "TimetableVersionRow",
    "UTCDateTime",
    "UnmetNeedRow",
    "UserRow",
    "WatchHeartbeatRow",
    "enum_column",
    "json_list",
    "table_of",
    "utc_column",
]
