"""Reliability, guarantee 4: `vault sync` processes started at once on one vault end
exactly as one run would, and corrupt neither a file nor the cache.

With the per-vault lock (``.papervault/sync.lock``) the second process waits and then
finds nothing to do. Without it (a platform without ``fcntl``, simulated here) the write
layer's re-read before each replace makes the loser skip the file (PV405) and the result
is still that of one run. tests/test_cache.py covers three concurrent ``vault index``.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from papervault.config import load_config
from papervault.sync import sync_vault
from tests.conftest import SHARED_VAULTS
from tests.test_reliability_crash import assert_cache_sound, snapshot, temp_files

REPO = Path(__file__).resolve().parent.parent
#: `vault sync` in a child; with "nolock" as second argument fcntl is made unimportable
CHILD = (
    "import sys\n"
    "if sys.argv[2] == 'nolock':\n"
    "    sys.modules['fcntl'] = None\n"
    "from papervault.cli import main\n"
    "main(['-C', sys.argv[1], 'sync'])\n"
)


def reference(root: Path) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(shutil.copytree(root, Path(folder) / "v", ignore=shutil.ignore_patterns(".papervault")))
        sync_vault(load_config(vault=copy, overrides={"cache": False}))
        return snapshot(copy)


def start_together(root: Path, count: int, lock: bool = True) -> list[tuple[int, str, str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    mode = "lock" if lock else "nolock"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(root), mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(count)
    ]
    results = []
    for child in children:
        out, err = child.communicate(timeout=600)
        assert "Traceback" not in err and "internal error" not in err, err
        results.append((child.returncode, out, err))
    return results


def test_two_syncs_started_at_once_end_as_one_run(tmp_path: Path) -> None:
    root = Path(shutil.copytree(SHARED_VAULTS / "dswok", tmp_path / "v"))
    expected = reference(root)
    results = start_together(root, 2)
    assert sorted(code for code, _, _ in results) == [0, 1], results
    (idle,) = [out for code, out, _ in results if code == 0]
    assert idle == "", "the second run waited for the first and found nothing left to do"
    state = snapshot(root)
    assert state == expected and temp_files(state) == []
    assert_cache_sound(root)


def test_two_syncs_without_the_lock_still_end_as_one_run(tmp_path: Path) -> None:
    root = Path(shutil.copytree(SHARED_VAULTS / "dswok", tmp_path / "v"))
    expected = reference(root)
    results = start_together(root, 2, lock=False)
    for code, _, err in results:
        assert code in (0, 1)
        for line in err.splitlines():
            assert ": PV" not in line or " PV405 " in line, line  # a loser skips, nothing fails
    state = snapshot(root)
    assert state == expected and temp_files(state) == []
    assert_cache_sound(root)


@pytest.mark.slow
def test_concurrent_syncs_round_after_round(tmp_path: Path) -> None:
    """Rounds of 2-4 syncs at once, with and without the lock, each after a user edit."""
    root = Path(shutil.copytree(SHARED_VAULTS / "ai-alignment-graph", tmp_path / "v"))
    notes = sorted(p for p in root.glob("*.md"))
    rng = random.Random(20260603)
    rounds = int(os.environ.get("PAPERVAULT_RELIABILITY_ROUNDS", "12"))
    for round_number in range(rounds):
        source, target = rng.sample(notes, 2)
        with open(source, "a", encoding="utf-8") as handle:
            handle.write(f"\nSee also [[{target.stem}]] #round-{round_number}\n")
        expected = reference(root)
        start_together(root, rng.randint(2, 4), lock=round_number % 3 != 2)
        state = snapshot(root)
        assert state == expected, f"round {round_number}"
        assert temp_files(state) == []
        assert_cache_sound(root)
    print(f"concurrent rounds survived: {rounds}")
