"""Two counties on one server: neither county's admin reads or changes the other's data.

小县 (region xiao: 城关一小, 东村, 西村; 李老师 13900000001, 王丽) is `admin`'s; 大县 (region
da: 远山小学, classroom c-far, 孙老师 13900000009, teacher 周老师) is `da-admin`'s. Every
way in is tried both ways: pages, their JSON, the exports, uploads and the API.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from aiohttp import FormData

from coordinator import domain
from coordinator.bundle import read_bundle, write_bundle_xlsx
from coordinator.enums import SchoolKind
from coordinator.services.accounts.api_tokens import issue_token
from coordinator.services.data.imports import import_bundle, load_bundle
from coordinator.services.data.tenancy import region_part
from coordinator.store import Store
from tests.web.pages.data_jobs import confirmed, import_worker
from tests.web.pages.support import NOW, Client, county, csrf_of, sign_in, stamp_head

XIAO_LESSON = "/lessons/wang-music-mon@2026-11-30"
FAR = "周老师"
XIAO_SECRETS = ("李老师", "13900000001", "王丽", "城关一小")
DA_SECRETS = ("孙老师", "13900000009", "远山小学", FAR)


def two_counties() -> domain.Bundle:
    bundle = county()
    return dataclasses.replace(
        bundle,
        network_teachers=(
            *bundle.network_teachers,
            domain.NetworkTeacher("t-far", "r-far", FAR, ("art",), (5,), 2, 6, "13700000009"),
        ),
    )


import_worker = import_worker  # PostgreSQL: a queue worker runs the import jobs


@pytest.fixture
async def counties(arranged: Store) -> Store:
    await import_bundle(arranged, two_counties(), source="test", now=NOW)
    await stamp_head(arranged)
    return arranged


def shown(text: str, secrets: tuple[str, ...]) -> list[str]:
    return [secret for secret in secrets if secret in text]


async def exported(client: Client, tmp_path: Path) -> domain.Bundle:
    response = await client.get("/data/export.xlsx")
    assert response.status == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(await response.read())
    report = read_bundle(path)
    assert report.bundle is not None, report.problems
    return report.bundle


@pytest.mark.parametrize(
    ("who", "own", "other"),
    [("admin", {"u-one", "r-east", "r-west"}, {"r-far"}), ("da-region", {"r-far"}, {"u-one"})],
)
async def test_export_holds_only_the_admins_own_county(
    client: Client, counties: Store, tmp_path: Path, who: str, own: set[str], other: set[str]
) -> None:
    await sign_in(client, who)
    bundle = await exported(client, tmp_path)
    schools = {school.id for school in bundle.schools}
    phones = {a.phone for a in bundle.assistants} | {t.phone for t in bundle.network_teachers}
    assert schools == own
    assert not schools & other
    far, xiao = "13900000009" in phones, "13900000001" in phones
    assert (far, xiao) == (who == "da-region", who == "admin")


def upload_form(token: str, path: Path) -> FormData:
    form = FormData()
    form.add_field("_csrf", token)
    form.add_field("bundle", path.read_bytes(), filename=path.name)
    return form


async def upload(client: Client, bundle: domain.Bundle, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "upload.xlsx"
    write_bundle_xlsx(bundle, path)
    token = await csrf_of(client, "/data")
    response = await client.post("/data/upload", data=upload_form(token, path))
    return response.status, await response.text()


async def test_upload_renaming_the_other_countys_school_is_refused_and_writes_nothing(
    client: Client, counties: Store, tmp_path: Path
) -> None:
    before = await load_bundle(counties)
    mine = region_part(before, "da")
    renamed = domain.School("u-one", "改名小学", SchoolKind.URBAN, "xiao", "urban")
    await sign_in(client, "da-region")
    forged = dataclasses.replace(  # other rows it needs are repeated unchanged
        mine,
        regions=before.regions,
        schools=(*mine.schools, renamed),
        bell_schedules=before.bell_schedules,
        bell_periods=before.bell_periods,
    )
    status, page = await upload(client, forged, tmp_path)
    assert status == 400
    assert "schools:u-one" in page
    assert 'name="upload"' not in page  # no import button
    assert await load_bundle(counties) == before


async def test_upload_of_the_admins_own_county_leaves_the_other_county_as_it_was(
    client: Client, counties: Store, tmp_path: Path, import_worker: None
) -> None:
    before = await load_bundle(counties)
    mine = region_part(before, "da")
    phone = domain.Assistant("a-far", "r-far", "孙老师", "13900000010")
    await sign_in(client, "da-region")
    status, page = await upload(client, dataclasses.replace(mine, assistants=(phone,)), tmp_path)
    upload_id = re.findall(r'name="upload" value="([0-9a-f]+)"', page)[0]
    token = await csrf_of(client, "/data")
    imported = await confirmed(client, token, upload_id)
    after = await load_bundle(counties)
    assert (status, imported.status) == (200, 303)
    assert region_part(after, "xiao") == region_part(before, "xiao")
    assert [a for a in after.assistants if a.id == "a-far"] == [phone]


# (method, path, form owner) -> the status an admin of the *other* county gets: never 200
# with the other county's data, never a change.
OTHER_COUNTY: dict[str, list[tuple[str, str, str, int]]] = {
    "da-region": [
        ("GET", "/timetables/school/u-one", "", 404),
        ("GET", "/timetables/classroom/c-east-3", "", 404),
        ("GET", "/timetables/teacher/t-wang", "", 404),
        ("GET", "/timetables/assistant/a-li", "", 404),
        ("GET", "/teachers/t-wang", "", 404),
        ("GET", XIAO_LESSON, "", 404),
        ("POST", f"{XIAO_LESSON}/cancel", "note", 404),
        ("POST", f"{XIAO_LESSON}/move", "note", 404),
        ("POST", f"{XIAO_LESSON}/reassign", "t-far", 404),
        ("POST", "/calendars/rotate", "teacher:t-wang", 404),
        ("POST", "/calendars/rotate", "region:xiao", 404),
        ("POST", "/calendars/revoke", "classroom:c-east-3", 404),
        ("GET", "/rebalance?teacher=t-wang", "", 404),
        ("GET", "/rebalance?classroom=c-east-3", "", 404),
        ("GET", "/reports?scope=region:xiao", "", 403),
        ("GET", "/reports?scope=school:u-one", "", 403),
        ("GET", "/reports/export.csv?scope=region:xiao", "", 403),
        ("GET", "/reports/export.xlsx?scope=school:r-east&table=kaiqi", "", 403),
    ],
    "admin": [
        ("GET", "/timetables/school/r-far", "", 404),
        ("GET", "/timetables/classroom/c-far", "", 404),
        ("GET", "/timetables/teacher/t-far", "", 404),
        ("GET", "/timetables/assistant/a-far", "", 404),
        ("GET", "/teachers/t-far", "", 404),
        ("POST", "/calendars/rotate", "classroom:c-far", 404),
        ("POST", "/calendars/rotate", "region:da", 404),
        ("POST", "/calendars/revoke", "assistant:a-far", 404),
        ("GET", "/rebalance?teacher=t-far", "", 404),
        ("GET", "/reports?scope=region:da", "", 403),
        ("GET", "/reports/export.csv?scope=school:r-far", "", 403),
    ],
}


@pytest.mark.parametrize("who", ["da-region", "admin"])
async def test_no_route_reads_or_changes_the_other_countys_objects(
    client: Client, counties: Store, who: str
) -> None:
    await sign_in(client, who)
    token = await csrf_of(client, "/calendars")
    found, wanted = [], []
    for method, path, owner, status in OTHER_COUNTY[who]:
        if method == "GET":
            response = await client.get(path, allow_redirects=False)
        else:
            form = {"_csrf": token, "owner": owner, "note": owner, "teacher": owner}
            response = await client.post(path, data=form, allow_redirects=False)
        found.append((method, path, owner, response.status))
        wanted.append((method, path, owner, status))
    assert found == wanted


@pytest.mark.parametrize(("who", "other"), [("da-region", XIAO_SECRETS), ("admin", DA_SECRETS)])
async def test_lists_and_exports_show_nothing_of_the_other_county(
    client: Client, counties: Store, who: str, other: tuple[str, ...]
) -> None:
    await sign_in(client, who)
    paths = [
        "/today?date=2026-11-30",
        "/today.json?date=2026-11-30",
        "/timetables",
        "/calendars",
        "/audit",
        "/rebalance",
        "/reports?from=2026-11-01&to=2026-11-30",
        "/reports/export.csv?from=2026-11-01&to=2026-11-30",
        "/data",
    ]
    leaks = {}
    for path in paths:
        response = await client.get(path)
        assert response.status == 200, path
        text = (await response.read()).decode("utf-8-sig", errors="replace")
        if found := shown(text, other):
            leaks[path] = found
    assert leaks == {}


async def test_api_token_of_the_other_countys_assistant_sees_none_of_its_lessons(
    client: Client, counties: Store
) -> None:
    issued = await issue_token(counties, assistant_id="a-far", now=NOW)
    response = await client.get(
        "/api/v1/lessons?from=2026-11-23&to=2026-12-06",
        headers={"Authorization": f"Bearer {issued.token}"},
    )
    body = await response.json()
    assert response.status == 200
    assert body["lessons"] == []
    assert dt.date.fromisoformat(body["from"]) == dt.date(2026, 11, 23)
