"""Settings from pyproject.toml / papervault.toml, overrides, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from papervault.config import Config, load_config, setting_names
from papervault.errors import ConfigError
from tests.conftest import REPO


def test_defaults_without_a_config_file(tmp_path: Path) -> None:
    config = load_config(cwd=tmp_path)
    assert config.vault == tmp_path
    assert config.links.resolution == "obsidian"
    assert config.ignore == ("private", "templates", ".obsidian")
    assert config.source is None


def test_repository_pyproject_points_at_the_example_vault() -> None:
    config = load_config(cwd=REPO / "src")
    assert config.source == REPO / "pyproject.toml"
    assert config.vault == REPO / "vault"


def test_papervault_toml_is_found_walking_up(tmp_path: Path) -> None:
    (tmp_path / "papervault.toml").write_text(
        'vault = "notes"\nignore = ["**/private"]\n[links]\nresolution = "quartz-shortest"\n'
        "[backlinks]\ninclude-unpublished = true\n"
    )
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    config = load_config(cwd=deep)
    assert config.vault == tmp_path / "notes"
    assert config.ignore == ("**/private",)
    assert config.links.resolution == "quartz-shortest"
    assert config.backlinks.include_unpublished is True


def test_pyproject_without_a_papervault_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.papervault]\nvault = "v"\n')
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_config(cwd=inner).vault == tmp_path / "v"


def test_explicit_vault_wins_and_finds_its_own_config(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "papervault.toml").write_text('[links]\nresolution = "quartz-relative"\n')
    config = load_config(vault=notes, cwd=tmp_path)
    assert config.vault == notes
    assert config.links.resolution == "quartz-relative"


def test_command_line_overrides(tmp_path: Path) -> None:
    config = load_config(cwd=tmp_path, overrides={"links.resolution": "quartz-absolute"})
    assert config.links.resolution == "quartz-absolute"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("colour = 1\n", "unknown setting 'colour'"),
        ("[links]\nresolve = 'x'\n", "unknown setting 'links.resolve'"),
        ("[links]\nresolution = 'magic'\n", "'links.resolution' must be one of"),
        ("ignore = 'private'\n", "'ignore' must be a list of strings"),
        ("cache = 'yes'\n", "'cache' must be true or false"),
        ("links = 3\n", "'links' must be a table"),
        ("[check]\nseverity = {PV201 = 'fatal'}\n", "'check.severity.PV201' must be one of"),
        ("this is = not toml\n", "invalid TOML"),
    ],
)
def test_bad_settings_name_the_key_and_the_file(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "papervault.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as error:
        load_config(cwd=tmp_path)
    assert message in str(error.value)
    assert str(path) in str(error.value)
    assert error.value.exit_code == 2


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [name for name in setting_names() if f"`{name}`" not in readme]
    assert missing == []


def test_replace_changes_one_section_field() -> None:
    config = Config().replace(**{"backlinks.style": "text"})
    assert config.backlinks.style == "text"
    assert config.backlinks.heading == "## Backlinks"
