"""The optional columns that say how a teacher or an assistant is reached one to one."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordinator.bundle import read_bundle
from coordinator.bundle.cells import CellError
from coordinator.bundle.contact_cells import account, quiet_hours
from tests.bundle.helpers import SMALL, BundleCopy


def with_contact_columns(copy: BundleCopy, name: str) -> None:
    rows = copy.rows(name)
    extra = ["wecom_userid", "dingtalk_userid", "preferred_channel", "quiet_hours"]
    copy.write_rows(name, [rows[0] + extra, *([*row, "", "", "", ""] for row in rows[1:])])


def test_a_bundle_without_the_columns_reads_as_before() -> None:
    bundle = read_bundle(SMALL).bundle
    assert bundle is not None
    li = next(a for a in bundle.assistants if a.id == "a-li")
    assert (li.wecom_userid, li.dingtalk_userid, li.preferred_channel, li.quiet_hours) == (
        "",
        "",
        "",
        "",
    )


def test_contact_columns_are_read(tmp_path: Path) -> None:
    copy = BundleCopy.of(SMALL, tmp_path)
    with_contact_columns(copy, "assistants")
    copy.set_cell("assistants", 2, "wecom_userid", "LiHua")
    copy.set_cell("assistants", 2, "dingtalk_userid", "0123456789")
    copy.set_cell("assistants", 2, "preferred_channel", "DingTalk")
    copy.set_cell("assistants", 2, "quiet_hours", "22:00～7:00")
    read = read_bundle(copy.folder)
    assert list(read.problems) == []
    assert read.bundle is not None
    li = next(a for a in read.bundle.assistants if a.id == "a-li")
    assert (li.wecom_userid, li.dingtalk_userid, li.preferred_channel, li.quiet_hours) == (
        "LiHua",
        "0123456789",
        "dingtalk",
        "22:00-07:00",
    )


@pytest.mark.parametrize(
    ("column", "value", "said"),
    [
        (
            "quiet_hours",
            "晚上",
            "network_teachers.csv:2: quiet_hours: '晚上' is not a time range such as 22:00-07:00",
        ),
        (
            "preferred_channel",
            "wechat",
            "network_teachers.csv:2: preferred_channel: 'wechat' is not one of: "
            "wecom, dingtalk, sms, email",
        ),
        (
            "wecom_userid",
            "李 华",
            "network_teachers.csv:2: wecom_userid: '李 华' is not a WeCom/DingTalk userid "
            "(letters, digits, _ . @ -; at most 64)",
        ),
    ],
)
def test_bad_contact_cells_are_named_by_file_line_and_column(
    tmp_path: Path, column: str, value: str, said: str
) -> None:
    copy = BundleCopy.of(SMALL, tmp_path)
    with_contact_columns(copy, "network_teachers")
    copy.set_cell("network_teachers", 2, column, value)
    assert said in copy.problems()


def test_quiet_hours_refuse_an_empty_range() -> None:
    with pytest.raises(CellError, match="same time"):
        quiet_hours("07:00-07:00")
    assert account("zhang.san@corp") == "zhang.san@corp"
