"""The demo bundle as Chinese Office saves it imports to exactly what its UTF-8 CSV form gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from coordinator import domain
from coordinator.bundle import DEFAULT_LIMITS, read_bundle
from coordinator.services.data.imports import import_bundle, read_limits, table_contents
from coordinator.settings import DataSettings
from coordinator.store import Store
from tests.bundle.office import (
    DEMO,
    save_csv,
    save_merged_xlsx,
    save_unicode_text,
    save_xls,
)

NOW = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=1)
FORMS: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    # form: (writer, a file it holds, how the import names that file's encoding or format)
    "gbk-csv": (lambda p: save_csv(p / "gbk", encoding="gbk"), "schools.csv", "GB18030 (GBK)"),
    "utf16-text": (lambda p: save_unicode_text(p / "u16"), "schools.txt", "UTF-16 LE with BOM"),
    "utf16-no-bom": (
        lambda p: save_csv(p / "u16n", encoding="utf-16-le"),
        "schools.csv",
        "UTF-16 LE",
    ),
    "xls": (lambda p: save_xls(p / "demo.xls"), "demo.xls", "Excel 97–2003 workbook (.xls)"),
    "merged-xlsx": (
        lambda p: save_merged_xlsx(p / "demo.xlsx"),
        "demo.xlsx",
        "Excel workbook (.xlsx)",
    ),
}


def content(bundle: domain.Bundle | None) -> domain.Bundle:
    assert bundle is not None
    return dataclasses.replace(bundle, source="")


@pytest.mark.parametrize("form", list(FORMS))
def test_office_form_reads_as_the_utf8_csv_bundle(form: str, tmp_path: Path) -> None:
    write, file, named = FORMS[form]
    expected = read_bundle(DEMO)

    report = read_bundle(write(tmp_path))

    assert [str(problem) for problem in report.errors] == []
    assert content(report.bundle) == content(expected.bundle)
    assert report.read_as[file] == named


@pytest.mark.parametrize("form", list(FORMS))
async def test_office_form_imports_the_same_rows_as_utf8_csv(
    form: str, store: Store, tmp_path: Path
) -> None:
    utf8 = read_bundle(DEMO).bundle
    assert utf8 is not None
    await import_bundle(store, utf8, source="utf8", now=NOW)
    before = await table_contents(store)
    report = read_bundle(FORMS[form][0](tmp_path))
    assert report.bundle is not None

    summary = await import_bundle(store, report.bundle, source=form, now=LATER)

    assert not summary.touched
    assert await table_contents(store) == before


def test_default_data_settings_are_the_readers_default_limits() -> None:
    assert read_limits(DataSettings()) == DEFAULT_LIMITS
