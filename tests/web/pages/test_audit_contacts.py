"""An admin's contact change reads in words in the audit log: which fields, not their values."""

from __future__ import annotations

from coordinator import models
from tests.web.pages.test_audit_text import AT, words


def test_a_contact_change_names_the_fields_not_the_values() -> None:
    row = models.AuditRow(
        at=AT,
        actor="zhang",
        action="user.contact",
        object_kind="user",
        object_id="zhang",
        details={"phone": "13800000009", "quiet_hours": "22:00-07:00"},
    )
    line = words("zh").line(row)
    assert (line.action, line.details) == ("联系方式已修改", "手机号；免打扰时段")
    assert "13800000009" not in line.details
    assert words("en").line(row).details == "Mobile phone; Quiet hours"
