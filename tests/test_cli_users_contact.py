"""`coordinator users contact`: an admin's own phone, WeCom/DingTalk ids, preferred channel
and quiet hours; a wrong value is named; teachers keep theirs in the data bundle."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlmodel import col, select

from coordinator import models
from coordinator.store import Store
from tests.test_cli_users import prepared, run


def stored(database: Path, username: str) -> models.UserRow:
    async def read() -> models.UserRow:
        store = Store(str(database))
        try:
            async with store.read() as session:
                query = select(models.UserRow).where(col(models.UserRow.username) == username)
                row = (await session.exec(query)).first()
                assert row is not None
                return row
        finally:
            await store.close()

    return asyncio.run(read())


def test_an_admin_gets_contacts_and_a_wrong_value_is_named(tmp_path: Path) -> None:
    database = prepared(tmp_path)
    done = run(
        database,
        "contact",
        "admin",
        "--wecom",
        "zhangsan",
        "--prefer",
        "wecom",
        "--quiet",
        "22:00-07:00",
        "--phone",
        "13800000009",
    )
    assert done.exit_code == 0, done.output
    assert "wecom zhangsan" in done.output
    assert "prefers wecom; quiet 22:00-07:00" in done.output
    row = stored(database, "admin")
    assert (row.wecom_userid, row.phone, row.quiet_hours) == (
        "zhangsan",
        "13800000009",
        "22:00-07:00",
    )
    wrong = run(database, "contact", "admin", "--quiet", "10pm-7am")
    assert wrong.exit_code != 0
    assert "quiet hours '10pm-7am': HH:MM-HH:MM" in wrong.output
    teacher = run(database, "contact", "wang", "--phone", "13800000001")
    assert teacher.exit_code != 0
    assert "data bundle" in teacher.output
    cleared = run(database, "contact", "admin", "--wecom", "")
    assert cleared.exit_code == 0, cleared.output
    assert stored(database, "admin").wecom_userid == ""
