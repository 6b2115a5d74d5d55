"""Reliability, guarantee 3: crash safety and write errors, end to end through `vault sync`.

tests/test_write.py already kills ``apply_edits`` itself (between the temp file and the
replace, and at random times over 150 small files). Here the whole ``vault sync`` command
is killed with SIGKILL, repeatedly, on a large real vault, at random points of two kinds:

- *at an operation*: the child counts its file-system calls (``os.open``, ``write``,
  ``fsync``, ``fchmod``, ``close``, ``replace``, ``link``, ``unlink``, ``mkdir``) and kills
  itself right before the n-th one, n drawn at random over the run's total;
- *at a time*: the parent kills it after a random delay (parsing, the cache's SQLite
  writes, planning and writing all get hit).

After every kill each file is exactly its old or its new content, and the only other
files are papervault temp files. The next complete run removes those (and says so), ends
in the same state as one uninterrupted run, and leaves a cache that gives the cold result.

Write errors (a read-only folder as a real non-root user; a full disk and an I/O error at
the OS boundary) leave that file untouched, are reported, and the other files are written.
"""

from __future__ import annotations

import errno
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from papervault.cache import CACHE_DIR, CACHE_FILE
from papervault.cli import main
from papervault.vault import IndexStats, load_vault
from papervault.write import TEMP_MARKER
from tests.conftest import NOBODY, SHARED_VAULTS, invoke_as_nobody, write_vault

REPO = Path(__file__).resolve().parent.parent
TEMP_NAME = re.compile(r"\..*" + re.escape(TEMP_MARKER) + r"\d+-[0-9a-f]+", re.S)

#: the child: `vault sync` that, given PV_KILL_AT=n, SIGKILLs itself right before its
#: n-th file-system call, and given PV_COUNT_OPS=file, writes how many it made
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from papervault.cli import main

    OPS = os.environ.get("PV_KILL_OPS", "open write fsync fchmod close replace link unlink mkdir").split()
    kill_at = int(os.environ.get("PV_KILL_AT", "0"))
    count_to = os.environ.get("PV_COUNT_OPS")
    me = os.getpid()
    calls = 0

    def counting(real):
        def call(*args, **kwargs):
            global calls
            if os.getpid() == me:  # parse workers (forked) never write the vault
                calls += 1
                if calls == kill_at:
                    os.kill(me, signal.SIGKILL)
            return real(*args, **kwargs)
        return call

    for name in OPS:
        setattr(os, name, counting(getattr(os, name)))
    try:
        main(["-C", sys.argv[1], "sync"])
    finally:
        if count_to:
            with open(count_to, "w") as handle:
                handle.write(str(calls))
    """
)


def child_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "src"), **extra}


def snapshot(root: Path) -> dict[str, bytes]:
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != CACHE_DIR]
        for name in files:
            path = Path(folder, name)
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def temp_files(state: dict[str, bytes]) -> list[str]:
    return [p for p in state if TEMP_NAME.fullmatch(p.rsplit("/", 1)[-1])]


def assert_old_or_new(state: dict[str, bytes], old: dict[str, bytes], new: dict[str, bytes]) -> None:
    for path in old.keys() | new.keys():
        if path in state:
            assert state[path] in (old.get(path), new.get(path)), f"{path} is neither old nor new"
        else:
            assert path not in old or path not in new, f"{path} vanished"
    extra = set(state) - old.keys() - new.keys()
    assert extra == set(temp_files(state)), f"unexpected files: {extra - set(temp_files(state))}"


def assert_cache_sound(root: Path) -> None:
    db = sqlite3.connect(root / CACHE_DIR / CACHE_FILE)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
    stats = IndexStats()
    assert load_vault(root, use_cache=True, stats=stats) == load_vault(root, use_cache=False)
    assert not stats.warnings, stats.warnings


def run_sync(root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(root)],
        capture_output=True,
        text=True,
        env=child_env(**env),
        timeout=600,
    )


def kill_repeatedly(root: Path, kills: int, seed: int) -> dict[str, int]:
    """Kill `vault sync` on ``root`` at random points, ``kills`` rounds, and check the files
    after each kill and after the run that follows it. Returns the figures.

    Each round first changes the backlinks heading (``papervault.toml``), so that every
    section must be rewritten: the old state is the previous round's result, the new one
    what an uninterrupted run gives, computed on a copy, which also counts the run's
    file-system calls and its duration (the ranges the kill points are drawn from).
    """
    rng = random.Random(seed)
    figures = {"rounds": 0, "kills": 0, "at_op": 0, "at_time": 0, "finished_first": 0, "temp_left": 0}
    with tempfile.TemporaryDirectory() as folder:
        reference = Path(shutil.copytree(root, Path(folder) / "v"))
        counter = Path(folder) / "ops"
        for round_number in range(kills):
            for vault in (root, reference):
                (vault / "papervault.toml").write_text(
                    f'[backlinks]\nheading = "## Backlinks {round_number}"\n'
                )
            started = time.monotonic()
            done = run_sync(reference, PV_COUNT_OPS=str(counter))
            assert done.returncode == 1, done.stderr
            seconds, ops = time.monotonic() - started, int(counter.read_text())
            old, new = snapshot(root), snapshot(reference)
            if round_number % 2 == 0:
                killed = run_sync(root, PV_KILL_AT=str(rng.randint(1, ops))).returncode == -signal.SIGKILL
                figures["at_op"] += killed
            else:
                child = subprocess.Popen(
                    [sys.executable, "-c", CHILD, str(root)],
                    env=child_env(),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
                time.sleep(rng.uniform(0.05, seconds))
                killed = child.poll() is None
                if killed:
                    os.kill(child.pid, signal.SIGKILL)
                    figures["at_time"] += 1
                child.wait(timeout=60)
                _reap_group(child.pid)
            figures["rounds"] += 1
            figures["kills"] += killed
            figures["finished_first"] += not killed
            state = snapshot(root)
            assert_old_or_new(state, old, new)
            left = temp_files(state)
            figures["temp_left"] += len(left)
            finish = run_sync(root)
            assert finish.returncode in (0, 1), finish.stderr
            assert "internal error" not in finish.stderr and "Traceback" not in finish.stderr, finish.stderr
            for path in left:
                assert f"removed a temp file left by an interrupted run: {path}" in finish.stderr
            assert snapshot(root) == new, f"round {round_number}: not what one uninterrupted run gives"
            assert_cache_sound(root)
    assert run_sync(root).returncode == 0, "and is in sync"
    return figures


def _reap_group(pid: int) -> None:
    """Parse workers of a killed run exit when their parent's pipe closes; make sure."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.killpg(pid, signal.SIGKILL)


def test_sigkill_during_sync_of_a_real_vault(tmp_path: Path) -> None:
    root = Path(shutil.copytree(SHARED_VAULTS / "ai-alignment-graph", tmp_path / "v"))
    figures = kill_repeatedly(root, kills=2, seed=20260601)
    assert figures["at_op"] == 1, figures


def test_a_temp_file_left_by_a_kill_is_removed_by_the_next_sync(tmp_path: Path) -> None:
    """Killed right before its 5th replace: four files are new, one temp file holds the
    fifth one's new text, the rest are old; the next `vault sync` removes the temp file,
    says so, and finishes the job."""
    root = Path(shutil.copytree(SHARED_VAULTS / "dswok", tmp_path / "v"))
    old = snapshot(root)
    killed = run_sync(root, PV_KILL_OPS="replace", PV_KILL_AT="5")
    assert killed.returncode == -signal.SIGKILL
    state = snapshot(root)
    (left,) = temp_files(state)
    changed = [p for p in old if state.get(p) != old[p]]
    assert len(changed) == 4
    finished = run_sync(root)
    assert f"removed a temp file left by an interrupted run: {left}" in finished.stderr
    after = snapshot(root)
    assert temp_files(after) == [] and after[changed[0]] == state[changed[0]]
    # the temp file held the complete new text of a file the kill left old
    assert [p for p in old if state[p] == old[p] and after[p] == state[left]] != []
    assert_cache_sound(root)


@pytest.mark.slow
def test_sigkill_at_random_points_during_sync_of_a_3000_note_vault(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from generate import generate_vault
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    root = tmp_path / "bench"
    generate_vault(3000, root)
    rounds = int(os.environ.get("PAPERVAULT_RELIABILITY_KILLS", "40"))
    figures = kill_repeatedly(root, kills=rounds, seed=20260602)
    print(f"kill figures: {json.dumps(figures)}")
    assert figures["at_op"] == (rounds + 1) // 2 and figures["kills"] >= rounds * 3 // 4, figures


# --------------------------------------------------------------------------- write errors


def notes_linking_to(names: list[str]) -> dict[str, str]:
    return {
        "hub.md": " ".join(f"[[{n}]]" for n in names) + " #topic",
        **{f"{n}.md": f"# {n}\n" for n in names},
    }


def test_a_read_only_folder_as_a_real_user_fails_that_file_only(request: pytest.FixtureRequest) -> None:
    """A folder the user may not write to. Root writes anywhere, so the sync runs in a
    forked child that has dropped to 'nobody' (everything it needs is imported first)."""
    root = Path(tempfile.mkdtemp(prefix="papervault-ro-"))
    request.addfinalizer(lambda: shutil.rmtree(root, ignore_errors=True))
    write_vault(root, notes_linking_to(["a", "locked/b", "c"]))
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as warm:  # import every module the sync needs
        runner.invoke(main, ["-C", str(write_vault(Path(warm), notes_linking_to(["x"]))), "sync"])
    before = snapshot(root)
    if os.geteuid() == 0:
        for folder, dirs, files in os.walk(root):
            for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
                os.chown(name, NOBODY, NOBODY)
    (root / "locked").chmod(0o555)
    ((exit_code, stdout, stderr),) = invoke_as_nobody(runner, ["-C", str(root), "sync"])
    output = stdout + stderr
    (root / "locked").chmod(0o755)
    assert exit_code == 1, output
    assert "locked/b.md:1: PV404 could not update the file: Permission denied" in stderr.splitlines()
    assert "Traceback" not in output and "internal error" not in output
    after = snapshot(root)
    assert after["locked/b.md"] == before["locked/b.md"]
    assert (
        "papervault:backlinks" in after["a.md"].decode() and "papervault:backlinks" in after["c.md"].decode()
    )
    assert "tags/topic.md" in after and temp_files(after) == []


@pytest.mark.parametrize(
    ("call", "code"),
    [("write", errno.ENOSPC), ("fsync", errno.EIO), ("replace", errno.EROFS), ("open", errno.EDQUOT)],
)
def test_a_write_error_on_one_file_fails_that_file_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, code: int
) -> None:
    root = write_vault(tmp_path / "v", notes_linking_to(["a", "b", "c"]))
    before = snapshot(root)
    temp_of_b = re.compile(r"/\.b\.md" + re.escape(TEMP_MARKER))
    real_open, real_close, real_call = os.open, os.close, getattr(os, call)
    temp_fds: set[int] = set()  # open descriptors of b.md's temp file

    def failure() -> OSError:
        return OSError(code, os.strerror(code))

    def tracking_open(path: str, flags: int, mode: int = 0o777, **kwargs: object) -> int:
        if call == "open" and temp_of_b.search(str(path)):
            raise failure()
        fd = real_open(path, flags, mode, **kwargs)
        if temp_of_b.search(str(path)):
            temp_fds.add(fd)
        return fd

    def tracking_close(fd: int) -> None:
        temp_fds.discard(fd)
        real_close(fd)

    def failing(*args: object) -> object:
        if (call == "replace" and str(args[1]).endswith("/b.md")) or args[0] in temp_fds:
            raise failure()
        return real_call(*args)

    monkeypatch.setattr(os, "open", tracking_open)
    monkeypatch.setattr(os, "close", tracking_close)
    if call != "open":
        monkeypatch.setattr(os, call, failing)
    result = CliRunner().invoke(main, ["-C", str(root), "sync"])
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert f"b.md:1: PV404 could not update the file: {os.strerror(code)}" in result.stderr.splitlines()
    after = snapshot(root)
    assert after["b.md"] == before["b.md"]
    for name in ("a.md", "c.md", "hub.md"):
        assert "papervault:" in after[name].decode() or name == "hub.md"
    assert "tags/topic.md" in after and temp_files(after) == []
    again = CliRunner().invoke(main, ["-C", str(root), "sync"])
    assert again.exit_code == 1 and again.stdout == "b.md: backlinks added\n", "the next run finishes the job"


@pytest.fixture
def small_disk(request: pytest.FixtureRequest) -> Path:
    """A real 256 KiB file system (tmpfs), for a real full disk; root only."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    where = Path(tempfile.mkdtemp(prefix="papervault-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(where)], capture_output=True
    )
    if mounted.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")

    def unmount() -> None:
        subprocess.run(["umount", str(where)], check=False)
        where.rmdir()

    request.addfinalizer(unmount)
    return where


def test_a_really_full_disk_fails_the_file_that_does_not_fit(small_disk: Path) -> None:
    root = write_vault(
        small_disk / "v",
        {"hub.md": "[[a]] [[big]] [[c]]", "a.md": "a\n", "big.md": "x\n" * 30_000, "c.md": "c\n"},
    )
    page = os.statvfs(small_disk).f_frsize
    (small_disk / ".papervault-filler").write_bytes(b"\0")  # grown below
    (root / ".papervault").mkdir()
    (root / ".papervault" / "sync.lock").touch()
    free = os.statvfs(small_disk).f_bavail * page
    with open(small_disk / ".papervault-filler", "wb") as filler:
        filler.write(b"\0" * (free - 4 * page))  # room for small files, not for big.md again
    before = snapshot(root)
    result = CliRunner().invoke(main, ["-C", str(root), "--no-cache", "sync", "--no-tags"])
    assert result.exit_code == 1, result.output
    assert "big.md:1: PV404 could not update the file: No space left on device" in result.stderr.splitlines()
    after = snapshot(root)
    assert after["big.md"] == before["big.md"] and temp_files(after) == []
    assert (
        "papervault:backlinks" in after["a.md"].decode() and "papervault:backlinks" in after["c.md"].decode()
    )
    (small_disk / ".papervault-filler").unlink()
    again = CliRunner().invoke(main, ["-C", str(root), "--no-cache", "sync", "--no-tags"])
    assert again.exit_code == 1 and again.stdout == "big.md: backlinks added\n"
