"""The Data page: upload, validation report with file:line, import on confirm, download."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

from aiohttp import FormData

from coordinator import domain
from coordinator.bundle import write_bundle_csv, write_bundle_xlsx
from coordinator.services.data.imports import load_bundle
from coordinator.services.data.tenancy import region_part
from coordinator.store import Store
from tests.web.pages.data_jobs import confirmed, import_worker
from tests.web.pages.support import Client, county, csrf_of, sign_in, stamp_head

import_worker = import_worker  # PostgreSQL: a queue worker runs the import jobs


def upload_form(token: str, name: str, body: bytes) -> FormData:
    form = FormData()
    form.add_field("_csrf", token)
    form.add_field("bundle", body, filename=name, content_type="application/octet-stream")
    return form


def zipped_folder(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"bundle/{path.name}")
    return buffer.getvalue()


async def test_valid_workbook_is_checked_then_imported_on_confirm(
    client: Client, arranged: Store, tmp_path: Path, import_worker: None
) -> None:
    bundle = region_part(county(), "xiao")  # a region admin's own county
    bundle = dataclasses.replace(
        bundle, subjects=(*bundle.subjects, domain.Subject("science", "科学", "Science"))
    )
    write_bundle_xlsx(bundle, tmp_path / "new.xlsx")
    await stamp_head(arranged)
    await sign_in(client, "admin")
    token = await csrf_of(client, "/data")
    checked = await client.post(
        "/data/upload", data=upload_form(token, "new.xlsx", (tmp_path / "new.xlsx").read_bytes())
    )
    page = await checked.text()
    upload_id = re.findall(r'name="upload" value="([0-9a-f]+)"', page)[0]
    before = {s.id for s in (await load_bundle(arranged)).subjects}
    imported = await confirmed(client, token, upload_id)
    after = {s.id for s in (await load_bundle(arranged)).subjects}
    assert (checked.status, imported.status) == (200, 303)
    assert imported.headers["Location"].startswith("/data?imported=")
    assert (before, after) == ({"art", "music"}, {"art", "music", "science"})


async def test_broken_zip_shows_file_and_line_and_imports_nothing(
    client: Client, arranged: Store, tmp_path: Path
) -> None:
    write_bundle_csv(county(), tmp_path / "csv")
    classrooms = tmp_path / "csv" / "classrooms.csv"
    lines = classrooms.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace(",4,", ",four,", 1)
    classrooms.write_text("\n".join(lines) + "\n", encoding="utf-8")
    await sign_in(client, "admin")
    token = await csrf_of(client, "/data")
    response = await client.post(
        "/data/upload", data=upload_form(token, "bundle.zip", zipped_folder(tmp_path / "csv"))
    )
    page = await response.text()
    assert response.status == 200
    assert "<code>classrooms.csv:3" in page
    assert 'name="upload"' not in page  # no import button


async def test_upload_refuses_other_files_and_forged_imports_and_downloads(
    client: Client,
) -> None:
    await sign_in(client, "admin")
    token = await csrf_of(client, "/data")
    wrong = await client.post("/data/upload", data=upload_form(token, "notes.txt", b"hello"))
    forged = await client.post("/data/import", data={"_csrf": token, "upload": "abc123"})
    no_token = await client.post("/data/upload", data=upload_form("", "a.xlsx", b"PK"))
    response = await client.get("/data/export.xlsx")
    body = await response.read()
    assert (wrong.status, forged.status, no_token.status) == (400, 400, 403)
    assert response.status == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(body)).namelist()


async def test_gbk_zip_is_checked_and_its_encoding_named(
    client: Client, arranged: Store, tmp_path: Path
) -> None:
    write_bundle_csv(region_part(county(), "xiao"), tmp_path / "csv")
    for path in (tmp_path / "csv").glob("*.csv"):
        path.write_bytes(path.read_text(encoding="utf-8-sig").encode("gbk"))
    await sign_in(client, "admin")
    token = await csrf_of(client, "/data")
    response = await client.post(
        "/data/upload", data=upload_form(token, "bundle.zip", zipped_folder(tmp_path / "csv"))
    )
    page = await response.text()
    assert response.status == 200
    assert 'name="upload"' in page  # the import button: no errors
    assert re.search(r"<code>schools.csv</code></td><td>GB18030（GBK）</td>", page)


async def test_hostile_uploads_are_refused_with_a_message_and_nothing_written(
    client: Client, arranged: Store, tmp_path: Path
) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bundle/schools.csv", b"\n" * (64 * 1024 * 1024))
    write_bundle_xlsx(region_part(county(), "xiao"), tmp_path / "broken.xlsx")
    with zipfile.ZipFile(tmp_path / "broken.xlsx") as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row><c r="
    with zipfile.ZipFile(tmp_path / "broken.xlsx", "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    before = await load_bundle(arranged)
    await sign_in(client, "admin")
    token = await csrf_of(client, "/data")

    refused = await client.post("/data/upload", data=upload_form(token, "b.zip", bomb.getvalue()))
    broken = await client.post(
        "/data/upload",
        data=upload_form(token, "broken.xlsx", (tmp_path / "broken.xlsx").read_bytes()),
    )

    page = await broken.text()
    assert (refused.status, broken.status) == (400, 200)
    assert "zip 中的文件过多或过大" in await refused.text()
    assert "<code>bundle.xlsx</code>" in page
    assert 'name="upload"' not in page
    assert await load_bundle(arranged) == before


async def test_the_edit_lists_name_teachers_and_schools_in_pinyin_order(
    client: Client, arranged: Store
) -> None:
    """陈明 before 王丽 and 城关一小 before 东村小学 (code point order has them the other
    way round)."""
    await stamp_head(arranged)
    await sign_in(client, "admin")
    page = await (await client.get("/data")).text()
    teachers = re.search(r'<select name="teacher">(.*?)</select>', page, re.S)
    assert teachers is not None
    names = re.findall(r">([^<]+)</option>", teachers.group(1))
    assert names.index("陈明") < names.index("王丽")
    schools = re.findall(r'value="(r-east|r-west|u-one)">', page)
    assert schools[:3] == ["u-one", "r-east", "r-west"]
