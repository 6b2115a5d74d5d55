"""Shared fixtures: the real public vaults, the example vault, and writable copies."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_VAULT = REPO / "vault"
#: three real public vaults, copied unchanged with their licences (see their SOURCE.md)
SHARED_VAULTS = REPO / "tests" / "fixtures" / "vaults"
#: what Quartz v4.5.2 computed for them (contentIndex.json), the oracle for quartz modes
QUARTZ_ORACLES = REPO / "tests" / "fixtures" / "oracles" / "quartz"
VAULT_NAMES = ("quartz-docs", "dswok", "ai-alignment-graph")


def shared_vault(name: str) -> Path:
    return SHARED_VAULTS / name


@pytest.fixture(params=VAULT_NAMES)
def real_vault(request: pytest.FixtureRequest) -> Path:
    """Each real public vault (read-only)."""
    return shared_vault(request.param)


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A writable copy of the example vault."""
    return Path(
        shutil.copytree(EXAMPLE_VAULT, tmp_path / "vault", ignore=shutil.ignore_patterns(".papervault"))
    )


def write_vault(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create a small vault from ``{path: content}``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


#: the uid and gid of 'nobody', whom root drops to where a test needs real permissions
NOBODY = 65534


def invoke_as_nobody(runner: CliRunner, *commands: list[str]) -> list[tuple[int, str, str]]:
    """Each of ``commands`` (``vault`` arguments), in turn, in a forked child that, as root
    (who may read and write anything), first drops to 'nobody': their (exit code, stdout,
    stderr). Invoke the commands once before, so that the child imports nothing after
    giving up its rights."""
    from papervault.cli import main

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        try:
            if os.geteuid() == 0:
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            results = [runner.invoke(main, args) for args in commands]
            found = [[r.exit_code, r.stdout, r.stderr] for r in results]
            os.write(write_end, json.dumps(found).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        found = json.loads(pipe.read())
    os.waitpid(pid, 0)
    return [(code, stdout, stderr) for code, stdout, stderr in found]
