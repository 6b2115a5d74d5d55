"""Shared fixtures: the real public vaults, the example vault, and writable copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
