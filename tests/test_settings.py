"""Settings: the file, then the environment, then the command line; secrets never in the file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from coordinator.errors import ConfigurationError
from coordinator.services.planning.solve import solver_options
from coordinator.settings import Settings, load_settings
from coordinator.timetable.options import Weights

SHIPPED = Path(__file__).parents[1] / "config" / "coordinator.toml"


def test_shipped_settings_file_equals_the_defaults() -> None:
    assert load_settings(SHIPPED) == Settings()


def test_environment_overrides_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[server]\nport = 9000\n", encoding="utf-8")
    monkeypatch.setenv("COORDINATOR_SERVER__PORT", "9100")
    assert load_settings(path).server.port == 9100


def test_command_line_overrides_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COORDINATOR_DATABASE_URL", "postgresql://env/db")
    assert load_settings(SHIPPED, database_url="cli.db").database_url == "cli.db"


def test_unknown_key_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[server]\nprot = 9000\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"c\.toml: server\.prot: Extra inputs"):
        load_settings(path)


def test_secret_in_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('secret_key = "hunter2"\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="COORDINATOR_SECRET_KEY"):
        load_settings(path)


def test_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COORDINATOR_SECRET_KEY", "s3cret")
    assert load_settings(SHIPPED).secret_key.get_secret_value() == "s3cret"


def test_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="settings file not found"):
        load_settings(tmp_path / "nope.toml")


def test_bad_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("port = \n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"c\.toml: not valid TOML"):
        load_settings(path)


def test_nested_secret_in_the_file_is_refused_with_its_variable(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[notifications.smtp]\npassword = "hunter2"\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="COORDINATOR_NOTIFICATIONS__SMTP__PASSWORD"):
        load_settings(path)


def test_the_solver_section_reaches_every_solver_option(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        "[solver]\nmax_classrooms_per_audio_only_session = 2\nchange_penalty = 900\n"
        "rebalance_time_limit_s = 3.0\n[solver.weights]\ncontinuity = 75\nsame_day = 0\n",
        encoding="utf-8",
    )
    options = solver_options(load_settings(path).solver)
    assert (options.audio_only_max, options.change_penalty, options.rebalance_time_limit_s) == (
        2,
        900,
        3.0,
    )
    assert options.weights == dataclasses.replace(Weights(), continuity=75, same_day=0)


def test_solver_weights_settings_name_every_weight_with_its_default() -> None:
    defaults = Settings().solver.weights.model_dump()
    assert defaults == dataclasses.asdict(Weights())
