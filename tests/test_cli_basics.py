"""The CLI on bad input: one clear line per problem, an exit code, never a traceback."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from papervault.cli import main
from tests.conftest import invoke_as_nobody, write_vault


def bad_vault(root: Path) -> Path:
    write_vault(
        root,
        {
            "good.md": "[[bad yaml]] and [[latin1]]",
            "bad yaml.md": "---\ntitle: [unclosed\n---\nbody",
            "latin1.md": "caf\xe9".encode("latin-1"),
            "binary.md": b"\x00\x01\x02",
            "x.md/inner.md": "inside a folder named like a note",
        },
    )
    return root


def test_check_reports_bad_files_and_processes_the_rest(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["-C", str(bad_vault(tmp_path)), "check"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stdout.splitlines()
    assert "bad yaml.md:2: PV110 invalid YAML frontmatter: did not find expected ',' or ']'" in lines
    assert any(line.startswith("latin1.md:1: PV102 not valid UTF-8") for line in lines)
    assert any(line.startswith("binary.md:1: PV103 binary data") for line in lines)
    assert "x.md:1: PV104 a folder named like a note; not a note" in lines
    assert "5 notes checked" in result.stderr


def test_missing_vault_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["-C", str(tmp_path / "nowhere"), "check"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "does not exist" in result.stderr


def test_bad_config_is_exit_code_2(tmp_path: Path) -> None:
    (tmp_path / "papervault.toml").write_text("unknown-key = 1\n")
    result = CliRunner().invoke(main, ["-C", str(tmp_path), "check"])
    assert result.exit_code == 2
    assert "unknown setting 'unknown-key'" in result.stderr


def test_unreadable_file_as_a_real_other_user(request: pytest.FixtureRequest) -> None:
    """A file the user may not read. Root reads everything, so as root the check runs in a
    forked child that has dropped to 'nobody' (everything it needs is imported first)."""
    # pytest's tmp_path sits in a folder only root may enter; /tmp itself is open to all
    root = Path(tempfile.mkdtemp(prefix="papervault-perm-"))
    request.addfinalizer(lambda: shutil.rmtree(root, ignore_errors=True))
    write_vault(root, {"open.md": "[[locked]]", "locked.md": "secret"})
    root.chmod(0o755)
    (root / "open.md").chmod(0o644)
    (root / "locked.md").chmod(0o000)
    runner = CliRunner()
    runner.invoke(main, ["-C", str(root), "check"])  # warm every import before dropping rights
    ((exit_code, stdout, stderr),) = invoke_as_nobody(runner, ["-C", str(root), "check"])
    output = stdout + stderr
    (root / "locked.md").chmod(0o644)
    assert exit_code == 1, output
    assert "locked.md:1: PV101 cannot read: Permission denied" in output.splitlines()
    assert "Traceback" not in output
