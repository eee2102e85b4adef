"""The command line, run in-process with click's runner on real files and databases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from coordinator.cli import main
from coordinator.services.rebalancing import proposals
from tests.conftest import fresh_postgres_database

ROOT = Path(__file__).parents[1]
DEMO = ROOT / "config" / "demo"


def invoke(*args: str, cwd: Path | None = None) -> Result:
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args), catch_exceptions=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        return runner.invoke(main, list(args), catch_exceptions=False)


def corrupted_demo(tmp_path: Path, file: str, old: str, new: str) -> Path:
    bundle = tmp_path / "bundle"
    shutil.copytree(DEMO, bundle)
    path = bundle / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return bundle


def test_validate_demo_passes() -> None:
    result = invoke("validate", str(DEMO))
    assert result.exit_code == 0, result.output
    assert result.output.endswith("valid\n")


def test_validate_bad_clock_time_fails_with_file_line_and_column(tmp_path: Path) -> None:
    bundle = corrupted_demo(tmp_path, "bell_periods.csv", "08:20", "8h20")
    result = invoke("validate", str(bundle))
    assert result.exit_code == 1
    assert "bell_periods.csv:" in result.stderr
    assert ": start:" in result.stderr
    assert "8h20" in result.stderr


def test_import_is_idempotent_and_reports_changes(tmp_path: Path) -> None:
    db = str(tmp_path / "county.db")
    first = invoke("--db", db, "import", str(DEMO))
    second = invoke("--db", db, "import", str(DEMO))
    assert first.exit_code == second.exit_code == 0
    assert "classrooms        31 added" in first.output
    assert "nothing changed" in second.output


def test_import_of_a_broken_bundle_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "county.db"
    bundle = corrupted_demo(tmp_path, "classrooms.csv", ",a-", ",no-such-assistant-")
    result = invoke("--db", str(db), "import", str(bundle))
    assert result.exit_code == 1
    assert "classrooms.csv:" in result.stderr
    assert "nothing imported" in result.stderr
    assert not db.exists()


def test_csv_and_xlsx_forms_import_to_the_same_database_content(tmp_path: Path) -> None:
    workbook = tmp_path / "demo.xlsx"
    assert invoke("convert", str(DEMO), str(workbook)).exit_code == 0
    from_csv = tmp_path / "csv.db"
    from_xlsx = tmp_path / "xlsx.db"
    assert invoke("--db", str(from_csv), "import", str(DEMO)).exit_code == 0
    assert invoke("--db", str(from_xlsx), "import", str(workbook)).exit_code == 0
    exported_csv, exported_xlsx = tmp_path / "out-csv", tmp_path / "out-xlsx"
    assert invoke("--db", str(from_csv), "export", str(exported_csv)).exit_code == 0
    assert invoke("--db", str(from_xlsx), "export", str(exported_xlsx)).exit_code == 0
    for path in sorted(exported_csv.iterdir()):
        assert path.read_bytes() == (exported_xlsx / path.name).read_bytes(), path.name


def test_generate_writes_a_bundle_that_validates(tmp_path: Path) -> None:
    out = tmp_path / "district"
    result = invoke("generate", str(out), "--classrooms", "120", "--teachers", "40", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "120 classrooms, 40 network teachers" in result.output
    assert invoke("validate", str(out)).exit_code == 0


def test_db_upgrade_and_current(tmp_path: Path) -> None:
    db = str(tmp_path / "new.db")
    assert "schema at revision" in invoke("--db", db, "db", "upgrade").output
    state = json.loads(invoke("--db", db, "db", "current").output)
    assert state["current"] == state["head"]


def test_unknown_database_kind_is_a_clear_error() -> None:
    result = CliRunner().invoke(main, ["--db", "mysql://x/y", "db", "upgrade"])
    assert result.exit_code == 1
    assert "only sqlite and postgresql are supported" in result.output


@pytest.mark.postgres
def test_import_on_postgresql(tmp_path: Path) -> None:
    with fresh_postgres_database() as url:
        result = invoke("--db", url, "import", str(DEMO))
        assert result.exit_code == 0, result.output
        assert "nothing changed" in invoke("--db", url, "import", str(DEMO)).output


def test_nginx_config_is_generated_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COORDINATOR_STREAMS__PROVIDER", "rtmp")
    monkeypatch.setenv("COORDINATOR_STREAMS__RTMP__SECRET", "s" * 32)
    monkeypatch.setenv("COORDINATOR_STREAMS__RTMP__HLS_SECRET", "nginx-shared-secret-xyz")
    result = invoke("streams", "nginx-config")
    assert result.exit_code == 0, result.output
    assert "on_publish http://127.0.0.1:8080/api/v1/streams/on_publish;" in result.output
    assert "on_play_done http://127.0.0.1:8080/api/v1/streams/on_play_done;" in result.output
    assert "nginx-shared-secret-xyz" in result.output


def test_nginx_config_without_rtmp_settings_says_what_is_missing() -> None:
    result = CliRunner().invoke(main, ["streams", "nginx-config"])
    assert result.exit_code == 1
    assert "[streams.rtmp] is not configured" in result.output


def test_rebalance_previews_then_applies(tmp_path: Path) -> None:
    db = str(tmp_path / "county.db")
    assert invoke("--db", db, "import", str(DEMO)).exit_code == 0
    assert invoke("--db", db, "solve", "--time-limit", "3").exit_code == 0
    args = (
        "--db",
        db,
        "rebalance",
        "--teacher-unavailable",
        "t-wangli",
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-29",
    )
    preview = invoke(*args)
    assert preview.exit_code == 0, preview.output
    assert "preview only" in preview.output
    assert "lessons of unaffected teachers and classrooms changed: 0" in preview.output
    applied = json.loads(invoke(*args, "--apply", "--json").output)
    assert applied["applied_version_id"] == 2
    assert applied["unaffected_changed"] == 0
    assert all(c["before"]["teacher_id"] == "t-wangli" for c in applied["reassigned"])


def test_rebalance_apply_id_stores_the_preview_without_solving_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "county.db")
    assert invoke("--db", db, "import", str(DEMO)).exit_code == 0
    assert invoke("--db", db, "solve", "--time-limit", "3").exit_code == 0
    preview = json.loads(
        invoke("--db", db, "rebalance", "--teacher-unavailable", "t-wangli", "--json").output
    )

    def no_second_solve(*_: object) -> None:
        raise AssertionError("--apply ID re-ran the rebalance instead of storing the preview")

    monkeypatch.setattr(proposals, "rebalance", no_second_solve)
    applied = invoke("--db", db, "rebalance", "--apply", str(preview["proposal_id"]), "--json")
    assert applied.exit_code == 0, applied.output
    weekly = json.loads(applied.output)["weekly"]
    assert weekly["reassigned"] == len(preview["reassigned"])
    assert weekly["cancelled"] == len(preview["cancelled"])
    assert weekly["unaffected_changed"] == preview["unaffected_changed"]


def test_rebalance_names_exactly_one_change(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "x.db"), "rebalance"])
    assert result.exit_code == 1
    assert "name exactly one change" in result.output


def test_commands_on_an_empty_database_say_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "empty.db"), "solve"])
    assert result.exit_code == 1
    assert "holds no coordinator data yet: run `coordinator import BUNDLE`" in result.output


def test_feeds_revoke_sticks_until_rotate(tmp_path: Path) -> None:
    db = str(tmp_path / "county.db")
    assert invoke("--db", db, "import", str(DEMO)).exit_code == 0
    assert invoke("--db", db, "solve", "--time-limit", "3").exit_code == 0
    owner = "teacher:t-wangli"

    def addresses() -> dict[str, str]:
        listed = json.loads(invoke("--db", db, "feeds", "--json").output)
        return {f"{item['owner_kind']}:{item['owner_id']}": item["url"] for item in listed}

    before = addresses()[owner]
    assert invoke("--db", db, "feeds", "revoke", "--owner", owner).exit_code == 0
    assert owner not in addresses()
    assert invoke("--db", db, "solve", "--time-limit", "3").exit_code == 0
    assert owner not in addresses()
    rotated = invoke("--db", db, "feeds", "rotate", "--owner", owner)
    assert rotated.exit_code == 0, rotated.output
    assert addresses()[owner] == rotated.output.splitlines()[0] != before


def test_feeds_json_labels_an_http_address_as_http(tmp_path: Path) -> None:
    db = str(tmp_path / "county.db")
    assert invoke("--db", db, "import", str(DEMO)).exit_code == 0
    listed = json.loads(invoke("--db", db, "feeds", "--json").output)
    assert listed
    assert all(item["url"].startswith("http://") for item in listed)
    assert all(item["http"] == item["url"] and "https" not in item for item in listed)
