"""The README's promises: its test command is what CI runs, and every command is documented."""

from __future__ import annotations

import re

from click.testing import CliRunner

from papervault.cli import main
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(python3 -m venv .*)\n```", README)


def test_readme_has_the_two_commands() -> None:
    main_job, tests = readme_commands()[:2]
    assert "pip install ." in main_job and "vault " in main_job
    assert "pytest" in tests and ".[test]" in tests


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


def test_every_command_has_help_and_is_in_the_readme() -> None:
    runner = CliRunner()
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, result.output
        assert command.help, name
        assert f"vault {name}" in README, f"`vault {name}` is not documented in the README"
