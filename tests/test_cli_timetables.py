"""`coordinator busy-import`: preview first, store on --store; GBK bundles name their encoding."""

from __future__ import annotations

from pathlib import Path

from tests.bundle.office import save_csv
from tests.test_cli import DEMO, ROOT, invoke

EXAMPLES = ROOT / "config" / "examples"


def test_busy_import_previews_then_stores(tmp_path: Path) -> None:
    db = str(tmp_path / "county.db")
    assert invoke("--db", db, "import", str(DEMO)).exit_code == 0
    fet = str(EXAMPLES / "fet-timetable.fet")

    preview = invoke("--db", db, "busy-import", fet)
    stored = invoke("--db", db, "busy-import", fet, "--store")
    again = invoke("--db", db, "busy-import", fet, "--store")

    assert preview.exit_code == stored.exit_code == again.exit_code == 0
    assert preview.output.splitlines()[:4] == [
        "fet-timetable.fet (FET): 3 busy blocks",
        "  t-xuli         weekday 5 10:50-11:30  心理健康",
        "  t-zhouyan      weekday 2 08:50-09:30  书法",
        "  t-zhouyan      weekday 2 10:00-10:40  书法",
    ]
    assert "preview only" in preview.output
    assert "stored as import run 2" in stored.output
    assert "stored as import run 3" in again.output


def test_busy_import_of_unknown_teachers_stores_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "county.db")
    assert invoke("--db", db, "import", str(DEMO)).exit_code == 0
    fet = tmp_path / "other.fet"
    fet.write_text((EXAMPLES / "fet-timetable.fet").read_text().replace("周燕", "钱多多"))

    result = invoke("--db", db, "busy-import", str(fet), "--store")

    assert result.exit_code == 1
    assert "other.fet: teacher: '钱多多' is no network teacher's id or name" in result.stderr
    assert "nothing stored" in result.stderr


def test_validate_names_the_encoding_of_a_gbk_bundle(tmp_path: Path) -> None:
    folder = save_csv(tmp_path / "gbk", encoding="gbk")

    result = invoke("validate", str(folder))

    assert result.exit_code == 0, result.output
    gbk = [line for line in result.output.splitlines() if line.startswith("read as GB18030")]
    assert len(gbk) == 1
    assert "schools.csv" in gbk[0]  # files of ASCII only read as UTF-8, which they also are
