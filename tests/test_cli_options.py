"""The options every command shares: ``PAPERVAULT_VAULT`` names the vault, and
``--resolution`` overrides ``links.resolution`` from the config file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from papervault.cli import main
from tests.conftest import write_vault


def case_only_vault(root: Path, config: str | None = None) -> Path:
    """``[[paper]]`` for ``Paper.md``: a warning in Obsidian (PV206), broken in Quartz (PV201)."""
    files = {"a.md": "See [[paper]].\n", "Paper.md": "text\n"}
    if config is not None:
        files["papervault.toml"] = config
    return write_vault(root, files)


def check(*args: str, env: dict[str, str] | None = None) -> tuple[int, set[str]]:
    # PV401 (backlinks not yet written) is beside the point here
    result = CliRunner().invoke(main, [*args, "--no-cache", "check", "--ignore", "PV401"], env=env)
    assert "Traceback" not in result.output
    codes = {line.split()[1] for line in result.stdout.splitlines() if line.startswith("a.md:")}
    return result.exit_code, codes


@pytest.mark.parametrize(
    ("config", "option", "expected"),
    [
        (None, [], (0, {"PV206"})),
        (None, ["--resolution", "obsidian"], (0, {"PV206"})),
        (None, ["--resolution", "quartz-shortest"], (1, {"PV201"})),
        ('[links]\nresolution = "quartz-shortest"\n', [], (1, {"PV201"})),
        ('[links]\nresolution = "quartz-shortest"\n', ["--resolution", "obsidian"], (0, {"PV206"})),
    ],
    ids=["default", "option", "option-quartz", "config-quartz", "option-beats-config"],
)
def test_resolution_option_overrides_the_config(
    tmp_path: Path, config: str | None, option: list[str], expected: tuple[int, set[str]]
) -> None:
    root = case_only_vault(tmp_path / "v", config)
    assert check("-C", str(root), *option) == expected


def test_unknown_resolution_is_a_usage_error(tmp_path: Path) -> None:
    root = case_only_vault(tmp_path / "v")
    result = CliRunner().invoke(main, ["-C", str(root), "--resolution", "quartz", "check"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_papervault_vault_names_the_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = case_only_vault(tmp_path / "v")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no config and no notes here: only the variable finds the vault
    assert check(env={"PAPERVAULT_VAULT": str(root)}) == (0, {"PV206"})


def test_the_vault_option_wins_over_papervault_vault(tmp_path: Path) -> None:
    root = case_only_vault(tmp_path / "v")
    other = write_vault(tmp_path / "other", {"b.md": "[[gone]]\n"})
    assert check("-C", str(root), env={"PAPERVAULT_VAULT": str(other)}) == (0, {"PV206"})


@pytest.mark.parametrize("command", ["check", "sync --check", "graph", "papers", "index"])
@pytest.mark.parametrize("where", ["before", "after"])
def test_no_cache_before_or_after_the_command_leaves_no_cache(
    tmp_path: Path, command: str, where: str
) -> None:
    root = case_only_vault(tmp_path / "v")
    name, *rest = command.split()
    args = ["--no-cache", name, *rest] if where == "before" else [name, *rest, "--no-cache"]
    result = CliRunner().invoke(main, ["-C", str(root), *args])
    assert result.exit_code in (0, 1), result.output
    assert not (root / ".papervault").exists()
    with_cache = CliRunner().invoke(main, ["-C", str(root), name, *rest])
    assert with_cache.exit_code in (0, 1) and (root / ".papervault").is_dir()


def test_the_vault_command_tunes_the_collector_for_its_run_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc
    import importlib

    from papervault.collector import BATCH_THRESHOLDS, tune_for_batch

    main_module = importlib.import_module("papervault.cli.main")  # the module, not the group

    during: list[tuple[int, ...]] = []

    def tune_and_record() -> Callable[[], None]:
        restore = tune_for_batch()
        during.append(gc.get_threshold())
        return restore

    monkeypatch.setattr(main_module, "tune_for_batch", tune_and_record)
    before = gc.get_threshold()
    result = CliRunner().invoke(main, ["-C", str(case_only_vault(tmp_path / "v")), "--no-cache", "check"])
    assert result.exit_code == 1, result.output  # PV401: backlinks not yet written
    assert during == [BATCH_THRESHOLDS] and gc.get_threshold() == before
