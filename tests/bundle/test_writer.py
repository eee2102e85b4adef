"""Tests of writing bundles: canonical CSV, workbooks, round trips and convert."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from coordinator import domain
from coordinator.bundle import convert, read_bundle, write_bundle_csv, write_bundle_xlsx

from .expected import SMALL_BUNDLE
from .helpers import SMALL, BundleCopy


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_write_bundle_csv_reads_back_equal(tmp_path: Path) -> None:
    write_bundle_csv(SMALL_BUNDLE, tmp_path / "out")

    report = read_bundle(tmp_path / "out")

    assert report.problems == []
    assert report.bundle == SMALL_BUNDLE


def test_write_bundle_csv_is_deterministic(tmp_path: Path) -> None:
    write_bundle_csv(SMALL_BUNDLE, tmp_path / "first")
    write_bundle_csv(SMALL_BUNDLE, tmp_path / "second")

    assert folder_bytes(tmp_path / "first") == folder_bytes(tmp_path / "second")


def test_write_bundle_csv_groups_weekdays_and_spells_out_defaults(tmp_path: Path) -> None:
    write_bundle_csv(SMALL_BUNDLE, tmp_path)

    assert (tmp_path / "bell_periods.csv").read_bytes().decode("utf-8") == (
        "\ufeffbell_schedule_id,weekdays,period,start,end,live\n"
        "urban-primary,1-5,1,08:00,08:40,yes\n"
        "urban-primary,1-5,2,08:50,09:30,yes\n"
        "urban-primary,1-5,3,10:00,10:40,yes\n"
        "rural-primary,1-5,1,08:20,09:00,no\n"
        "rural-primary,1-5,2,09:10,09:50,yes\n"
        "rural-primary,1;3;5,3,10:10,10:50,yes\n"
    )
    assert (tmp_path / "meta.csv").read_text(encoding="utf-8-sig") == (
        "key,value\nname,Small test county\nanchor_date,2026-11-16\n"
    )


def test_write_bundle_csv_without_bom(tmp_path: Path) -> None:
    write_bundle_csv(SMALL_BUNDLE, tmp_path, bom=False)

    assert (tmp_path / "regions.csv").read_bytes() == "id,name\nqingshan,青山县\n".encode()


def test_write_bundle_csv_keeps_weekday_order_that_cannot_be_grouped(tmp_path: Path) -> None:
    first, second = (domain.BusyBlock("t-wang", day, dt.time(8), dt.time(9)) for day in (3, 1))
    bundle = dataclasses.replace(SMALL_BUNDLE, busy_blocks=(first, second))

    write_bundle_csv(bundle, tmp_path)

    assert read_bundle(tmp_path).bundle == bundle


def test_write_bundle_xlsx_reads_back_equal(tmp_path: Path) -> None:
    write_bundle_xlsx(SMALL_BUNDLE, tmp_path / "small.xlsx")

    report = read_bundle(tmp_path / "small.xlsx")

    assert report.problems == []
    assert report.bundle == SMALL_BUNDLE


def test_write_bundle_xlsx_text_starting_with_equals_is_not_a_formula(tmp_path: Path) -> None:
    region = domain.Region("qingshan", "=SUM(1,2)")
    bundle = dataclasses.replace(SMALL_BUNDLE, regions=(region,))

    write_bundle_xlsx(bundle, tmp_path / "b.xlsx")

    assert read_bundle(tmp_path / "b.xlsx").bundle == bundle


def test_convert_csv_to_xlsx_and_back_gives_equal_bundle_and_bytes(tmp_path: Path) -> None:
    to_xlsx = convert(SMALL, tmp_path / "small.xlsx")
    back = convert(tmp_path / "small.xlsx", tmp_path / "back")
    write_bundle_csv(SMALL_BUNDLE, tmp_path / "direct")

    assert to_xlsx.ok
    assert back.ok
    assert read_bundle(tmp_path / "back").bundle == SMALL_BUNDLE
    assert folder_bytes(tmp_path / "back") == folder_bytes(tmp_path / "direct")


def test_convert_bundle_with_errors_writes_nothing(small: BundleCopy, tmp_path: Path) -> None:
    small.set_cell("classrooms", 2, "grade", "99")

    report = convert(small.folder, tmp_path / "out.xlsx")

    assert [str(problem) for problem in report.problems] == [
        "classrooms.csv:2: grade: grade 99 is outside 1–12"
    ]
    assert not (tmp_path / "out.xlsx").exists()


def test_convert_into_an_existing_file_is_a_problem(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me", encoding="utf-8")

    report = convert(SMALL, target)

    assert [str(problem) for problem in report.problems] == [
        f"{target}: is a file; give a folder for CSV files or a path ending in .xlsx"
    ]
    assert report.bundle is None
    assert target.read_text(encoding="utf-8") == "keep me"
