"""write: atomic, contained, checked writes; failures stay per file; crash safety."""

from __future__ import annotations

import errno
import os
import random
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from papervault import write
from papervault.splice import splice_region, strip_regions
from papervault.write import (
    TEMP_MARKER,
    FileEdit,
    FixSpan,
    WriteOutcome,
    apply_edits,
    remove_stale_temp_files,
    unified_diff,
    verify_edit,
)
from tests.test_splice import user_texts

BODY = "## Backlinks\n\n- [[a]]\n"


def with_region(text: str, body: str = BODY) -> str:
    return splice_region(text, "backlinks", body).text


def make(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def edit_for(root: Path, name: str, body: str = BODY) -> FileEdit:
    old = (root / name).read_bytes()
    return FileEdit(name, old, with_region(old.decode("utf-8"), body))


def temp_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if TEMP_MARKER in p.name)


# --- outcomes ----------------------------------------------------------------------------


def test_changed_file_gets_the_new_bytes_and_nothing_else_is_left(tmp_path: Path) -> None:
    make(tmp_path, {"a.md": b"# A\r\n\r\nText"})
    edit = edit_for(tmp_path, "a.md")
    (outcome,) = apply_edits(tmp_path, [edit])
    assert outcome == WriteOutcome("a.md", "changed", "updated")
    data = (tmp_path / "a.md").read_bytes()
    assert data == edit.new.encode()
    assert strip_regions(data.decode()).encode() == b"# A\r\n\r\nText"
    assert os.listdir(tmp_path) == ["a.md"]


def test_unchanged_file_is_not_written_and_keeps_its_mtime(tmp_path: Path) -> None:
    make(tmp_path, {"a.md": with_region("# A\n").encode()})
    os.utime(tmp_path / "a.md", ns=(1_000_000_000, 1_000_000_000))
    (outcome,) = apply_edits(tmp_path, [edit_for(tmp_path, "a.md")])
    assert outcome.status == "unchanged" and not outcome.changed
    assert (tmp_path / "a.md").stat().st_mtime_ns == 1_000_000_000


def test_bom_and_crlf_bytes_are_kept(tmp_path: Path) -> None:
    original = "\ufeff---\r\ntitle: A\r\n---\r\nBody\r\n".encode()
    make(tmp_path, {"a.md": original})
    apply_edits(tmp_path, [edit_for(tmp_path, "a.md")])
    data = (tmp_path / "a.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf---\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert strip_regions(data.decode()).encode() == original


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755, 0o444])
def test_atomic_write_keeps_the_mode(tmp_path: Path, mode: int) -> None:
    make(tmp_path, {"a.md": b"# A\n"})
    (tmp_path / "a.md").chmod(mode)
    (outcome,) = apply_edits(tmp_path, [edit_for(tmp_path, "a.md")])
    assert outcome.status == "changed"
    assert stat.S_IMODE((tmp_path / "a.md").stat().st_mode) == mode


def test_a_new_file_is_created_with_its_folders_and_the_umask_mode(tmp_path: Path) -> None:
    head = "---\ntitle: 'Tag: rl/self-play'\n---\n"
    page = splice_region(head, "tag-index", "- [[a]]\n").text
    edit = FileEdit("tags/rl/self-play.md", None, page, (FixSpan(0, 0, head),))
    (outcome,) = apply_edits(tmp_path, [edit])
    assert outcome == WriteOutcome("tags/rl/self-play.md", "changed", "created")
    path = tmp_path / "tags/rl/self-play.md"
    assert path.read_text() == page
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_a_new_file_never_clobbers_one_created_meanwhile(tmp_path: Path) -> None:
    make(tmp_path, {"tags/ml.md": b"written by the user\n"})
    edit = FileEdit("tags/ml.md", None, with_region(""))
    (outcome,) = apply_edits(tmp_path, [edit])
    assert (outcome.status, outcome.code) == ("skipped", "PV405")
    assert (tmp_path / "tags/ml.md").read_bytes() == b"written by the user\n"


def test_delete_needs_the_removed_user_text_declared(tmp_path: Path) -> None:
    head = "---\ntitle: x\n---\n"
    page = splice_region(head, "tag-index", "- [[a]]\n").text
    make(tmp_path, {"tags/x.md": page.encode()})
    undeclared = FileEdit("tags/x.md", page.encode(), None)
    (outcome,) = apply_edits(tmp_path, [undeclared])
    assert (outcome.status, outcome.code) == ("failed", "PV407")
    assert (tmp_path / "tags/x.md").exists()

    declared = FileEdit("tags/x.md", page.encode(), None, (FixSpan(0, len(head), ""),))
    (outcome,) = apply_edits(tmp_path, [declared])
    assert outcome == WriteOutcome("tags/x.md", "changed", "deleted")
    assert not (tmp_path / "tags/x.md").exists()


# --- changed during the run ----------------------------------------------------------------


def test_a_file_changed_since_it_was_read_is_skipped(tmp_path: Path) -> None:
    make(tmp_path, {"a.md": b"# A\n", "b.md": b"# B\n"})
    edits = [edit_for(tmp_path, "a.md"), edit_for(tmp_path, "b.md")]
    (tmp_path / "a.md").write_bytes(b"# A edited by the user\n")
    outcomes = apply_edits(tmp_path, edits)
    assert [(o.status, o.code) for o in outcomes] == [("skipped", "PV405"), ("changed", None)]
    assert (tmp_path / "a.md").read_bytes() == b"# A edited by the user\n"


def test_a_file_deleted_since_it_was_read_is_skipped_not_recreated(tmp_path: Path) -> None:
    make(tmp_path, {"a.md": b"# A\n"})
    edit = edit_for(tmp_path, "a.md")
    (tmp_path / "a.md").unlink()
    (outcome,) = apply_edits(tmp_path, [edit])
    assert outcome.status == "skipped" and "deleted" in outcome.message
    assert os.listdir(tmp_path) == []


def test_a_change_while_the_temp_file_is_written_is_detected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path, {"a.md": b"# A\n"})

    def user_saves(temp: Path, target: Path) -> None:
        target.write_bytes(b"# A saved in the editor\n")

    monkeypatch.setattr(write, "before_replace", user_saves)
    (outcome,) = apply_edits(tmp_path, [edit_for(tmp_path, "a.md")])
    assert (outcome.status, outcome.code) == ("skipped", "PV405")
    assert (tmp_path / "a.md").read_bytes() == b"# A saved in the editor\n"
    assert temp_files(tmp_path) == []


# --- the safety check ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "fixes", "ok"),
    [
        ("a\n", with_region("a\n"), (), True),
        (with_region("a\n"), "a\n", (), True),
        (with_region("a\n"), with_region("a\n", "- other\n"), (), True),
        # a change outside the region, undeclared
        ("a\n", with_region("b\n"), (), False),
        ("a\n", with_region("a\n").replace("a\n", "a \n", 1), (), False),
        ("a\n", "a", (), False),
        ("\ufeffa\n", "a\n", (), False),
        ("a\r\n", "a\n", (), False),
        # the same change, declared as a fix
        ("a\n", with_region("b\n"), (FixSpan(0, 1, "b"),), True),
        ("x [[a]] y\n", "x [[A]] y\n", (FixSpan(2, 7, "[[A]]"),), True),
        # a fix that does not match what was written
        ("x [[a]] y\n", "x [[B]] y\n", (FixSpan(2, 7, "[[A]]"),), False),
        # fixes must not overlap or leave the text
        ("abc\n", "abc\n", (FixSpan(0, 2, "ab"), FixSpan(1, 3, "bc")), False),
        ("abc\n", "abc\n", (FixSpan(3, 9, ""),), False),
        # a fix may sit right before the blank line and region, never inside them
        ("a\n", with_region("ab\n"), (FixSpan(1, 1, "b"),), True),
        ("a\n", with_region("a\nb\n"), (FixSpan(2, 2, "b\n"),), True),
        (with_region("a\n"), with_region("a\n"), (FixSpan(2, 3, ""),), False),
        (with_region("a\n"), with_region("a\n"), (FixSpan(5, 5, "x"),), False),
        # a fix after a region maps past it
        (
            with_region("a\n") + "tail\n",
            with_region("a\n") + "Tail\n",
            (FixSpan(len(with_region("a\n")), len(with_region("a\n")) + 1, "T"),),
            True,
        ),
        # broken markers in the result never pass
        ("a\n", "a\n<!-- papervault:backlinks:start -->\n", (), False),
    ],
)
def test_verify_edit(old: str, new: str, fixes: tuple[FixSpan, ...], ok: bool) -> None:
    assert (verify_edit(old, new, fixes) is None) is ok


def test_an_edit_failing_the_safety_check_is_not_written(tmp_path: Path) -> None:
    make(tmp_path, {"a.md": b"keep me\n", "b.md": b"# B\n"})
    bad = FileEdit("a.md", b"keep me\n", with_region("kept\n"))
    outcomes = apply_edits(tmp_path, [bad, edit_for(tmp_path, "b.md")])
    assert [(o.status, o.code) for o in outcomes] == [("failed", "PV407"), ("changed", None)]
    assert "internal error" in outcomes[0].message and "line 1" in outcomes[0].message
    assert (tmp_path / "a.md").read_bytes() == b"keep me\n"


def test_a_file_with_malformed_markers_is_never_written(tmp_path: Path) -> None:
    broken = b"# A\n<!-- papervault:backlinks:start -->\n- [[x]]\n"
    make(tmp_path, {"a.md": broken})
    edit = FileEdit("a.md", broken, broken.decode() + "<!-- papervault:backlinks:end -->\n")
    (outcome,) = apply_edits(tmp_path, [edit])
    assert (outcome.status, outcome.code) == ("failed", "PV407")
    assert "do not parse" in outcome.message
    assert (tmp_path / "a.md").read_bytes() == broken


# --- write failures -----------------------------------------------------------------------


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EIO])
def test_a_failing_replace_leaves_the_file_untouched_and_the_run_continues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    make(tmp_path, {"a.md": b"# A\n", "b.md": b"# B\n", "c.md": b"# C\n"})
    edits = [edit_for(tmp_path, name) for name in ("a.md", "b.md", "c.md")]
    real_replace = os.replace

    def failing_replace(source: os.PathLike[str], target: os.PathLike[str]) -> None:
        if Path(target).name == "b.md":
            raise OSError(code, os.strerror(code))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    outcomes = apply_edits(tmp_path, edits)
    assert [o.status for o in outcomes] == ["changed", "failed", "changed"]
    assert outcomes[1].code == "PV404" and os.strerror(code) in outcomes[1].message
    assert (tmp_path / "b.md").read_bytes() == b"# B\n"
    assert (tmp_path / "c.md").read_bytes() == edits[2].new.encode()
    assert temp_files(tmp_path) == []


def test_a_full_disk_while_writing_the_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, {"a.md": b"# A\n", "b.md": b"# B\n"})
    edits = [edit_for(tmp_path, "a.md"), edit_for(tmp_path, "b.md")]
    real_write = os.write
    calls = []

    def short_then_full(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[:5]))  # a short write first
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", short_then_full)
    outcomes = apply_edits(tmp_path, edits[:1])
    monkeypatch.setattr(os, "write", real_write)
    outcomes += apply_edits(tmp_path, edits[1:])
    assert [(o.status, o.code) for o in outcomes] == [("failed", "PV404"), ("changed", None)]
    assert (tmp_path / "a.md").read_bytes() == b"# A\n"
    assert temp_files(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to read-only folders")
def test_a_read_only_folder_fails_that_file_only(tmp_path: Path) -> None:
    make(tmp_path, {"locked/a.md": b"# A\n", "b.md": b"# B\n"})
    edits = [edit_for(tmp_path, "locked/a.md"), edit_for(tmp_path, "b.md")]
    (tmp_path / "locked").chmod(0o555)
    try:
        outcomes = apply_edits(tmp_path, edits)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert [o.status for o in outcomes] == ["failed", "changed"]
    assert (tmp_path / "locked/a.md").read_bytes() == b"# A\n"


def test_a_folder_that_cannot_take_a_temp_file_fails_that_file_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the same as a read-only folder, for runs as root (which ignores folder modes)
    make(tmp_path, {"locked/a.md": b"# A\n", "b.md": b"# B\n"})
    edits = [edit_for(tmp_path, "locked/a.md"), edit_for(tmp_path, "b.md")]
    real_open = os.open

    def guarded_open(path: os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        if Path(path).parent.name == "locked" and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", guarded_open)
    outcomes = apply_edits(tmp_path, edits)
    assert [o.status for o in outcomes] == ["failed", "changed"]
    assert "Permission denied" in outcomes[0].message
    assert (tmp_path / "locked/a.md").read_bytes() == b"# A\n"


def test_special_files_and_a_missing_root_are_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "folder.md").mkdir()
    edits = [FileEdit(name, b"", with_region("")) for name in ("pipe.md", "folder.md")]
    outcomes = apply_edits(tmp_path, edits)
    assert [(o.status, o.message) for o in outcomes] == [
        ("failed", "refused to write: not a regular file")
    ] * 2
    (outcome,) = apply_edits(tmp_path / "missing", [FileEdit("a.md", None, with_region(""))])
    assert outcome.status == "failed" and "not a folder" in outcome.message
    assert not (tmp_path / "missing").exists()


# --- containment --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../outside.md", "/tmp/abs.md", "a/../../outside.md", "", "."])
def test_paths_leaving_the_vault_are_refused(tmp_path: Path, name: str) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (outcome,) = apply_edits(vault, [FileEdit(name, None, with_region(""))])
    assert (outcome.status, outcome.code) == ("failed", "PV404")
    assert "refused" in outcome.message
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["vault"]


def test_symlinks_leading_out_of_the_vault_are_refused(tmp_path: Path) -> None:
    vault, outside = tmp_path / "vault", tmp_path / "outside"
    make(outside, {"secret.md": b"# outside\n"})
    vault.mkdir()
    (vault / "linked-folder").symlink_to(outside, target_is_directory=True)
    (vault / "linked-note.md").symlink_to(outside / "secret.md")
    edits = [
        FileEdit("linked-folder/secret.md", b"# outside\n", with_region("# outside\n")),
        FileEdit("linked-note.md", b"# outside\n", with_region("# outside\n")),
        FileEdit("linked-folder/new.md", None, with_region("")),
    ]
    outcomes = apply_edits(vault, edits)
    assert [(o.status, o.code) for o in outcomes] == [("failed", "PV404")] * 3
    assert os.listdir(outside) == ["secret.md"]
    assert (outside / "secret.md").read_bytes() == b"# outside\n"


def test_a_symlink_inside_the_vault_is_kept_and_its_target_updated(tmp_path: Path) -> None:
    make(tmp_path, {"real/a.md": b"# A\n"})
    (tmp_path / "alias.md").symlink_to(tmp_path / "real/a.md")
    (outcome,) = apply_edits(tmp_path, [edit_for(tmp_path, "alias.md")])
    assert outcome.status == "changed"
    assert (tmp_path / "alias.md").is_symlink()
    assert (tmp_path / "real/a.md").read_text() == with_region("# A\n")


# --- check and diff -----------------------------------------------------------------------


def test_check_mode_writes_nothing(tmp_path: Path) -> None:
    make(tmp_path, {"a.md": b"# A\n", "b.md": with_region("# B\n").encode()})
    edits = [edit_for(tmp_path, "a.md"), edit_for(tmp_path, "b.md")]
    edits.append(FileEdit("tags/new.md", None, with_region("")))
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.md")}
    outcomes = apply_edits(tmp_path, edits, check=True)
    assert [(o.status, o.message) for o in outcomes] == [
        ("would-change", "would update"),
        ("unchanged", ""),
        ("would-change", "would create"),
    ]
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.md")} == before
    assert not (tmp_path / "tags").exists()


def test_diff_output(tmp_path: Path) -> None:
    make(tmp_path, {"notes/a.md": b"# A\nText"})
    (outcome,) = apply_edits(tmp_path, [edit_for(tmp_path, "notes/a.md")], check=True, diff=True)
    assert outcome.diff.startswith("--- a/notes/a.md\n+++ b/notes/a.md\n@@ -1,2 +1,8 @@\n")
    assert " # A\n-Text\n\\ No newline at end of file\n+Text\n+\n+<!-- papervault" in outcome.diff
    assert outcome.diff.endswith("+<!-- papervault:backlinks:end -->\n\\ No newline at end of file\n")


def test_unified_diff_of_identical_texts_is_empty() -> None:
    assert unified_diff("a.md", "x\n", "x\n") == ""


# --- stale temp files and crash safety ------------------------------------------------------


def dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    return int(child.stdout)


def test_remove_stale_temp_files(tmp_path: Path) -> None:
    dead, alive = dead_pid(), os.getppid()
    stale = [f".a.md{TEMP_MARKER}{dead}-0badf00d", f"sub/.b.md{TEMP_MARKER}{dead}-12345678"]
    old = f".c.md{TEMP_MARKER}{alive}-abcdef01"
    live = f".d.md{TEMP_MARKER}{alive}-abcdef02"
    others = [
        "a.md",
        f"a{TEMP_MARKER}{dead}-00.md",
        f".e.md{TEMP_MARKER}x-00",
        ".git/.f.md.papervault-tmp-1-00",
    ]
    make(tmp_path, {name: b"partial" for name in [*stale, old, live, *others]})
    an_hour_ago = time.time() - write.STALE_AFTER_SECONDS - 1
    os.utime(tmp_path / old, (an_hour_ago, an_hour_ago))
    assert remove_stale_temp_files(tmp_path) == sorted([*stale, old])
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == sorted([live, *others])


CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from papervault import write
    from papervault.splice import splice_region

    root, kill_at, body = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    replaces = 0

    def hook(temp, target):
        global replaces
        replaces += 1
        if replaces == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    if kill_at:
        write.before_replace = hook
    edits = []
    for path in sorted(root.glob("*.md")):
        old = path.read_bytes()
        new = splice_region(old.decode("utf-8"), "backlinks", body).text
        edits.append(write.FileEdit(path.name, old, new))
    for outcome in write.apply_edits(root, edits):
        assert outcome.status in ("changed", "unchanged"), outcome
    """
)


def run_child(root: Path, kill_at: int, body: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", CHILD, str(root), str(kill_at), body], capture_output=True)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.glob("*.md"))}


NOTES = {f"n{i}.md": f"# Note {i}\n\ntext {i}".encode() for i in range(6)}


def expected_after(body: str, files: dict[str, bytes]) -> dict[str, bytes]:
    return {
        name: splice_region(data.decode(), "backlinks", body).text.encode() for name, data in files.items()
    }


@pytest.mark.parametrize("kill_at", [1, 4])
def test_killed_between_temp_file_and_replace(tmp_path: Path, kill_at: int) -> None:
    make(tmp_path, NOTES)
    child = run_child(tmp_path, kill_at, "- [[x]]\n")
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    new = expected_after("- [[x]]\n", NOTES)
    state = snapshot(tmp_path)
    names = sorted(NOTES)
    assert [name for name in names if state[name] == new[name]] == names[: kill_at - 1]
    assert [name for name in names if state[name] == NOTES[name]] == names[kill_at - 1 :]
    (leftover,) = temp_files(tmp_path)
    assert leftover.name.startswith(f".{names[kill_at - 1]}{TEMP_MARKER}")
    assert leftover.read_bytes() == new[names[kill_at - 1]]

    assert remove_stale_temp_files(tmp_path) == [leftover.name]
    assert temp_files(tmp_path) == []
    assert run_child(tmp_path, 0, "- [[x]]\n").returncode == 0
    assert snapshot(tmp_path) == new


@pytest.mark.slow
def test_killed_at_random_points_every_file_is_old_or_new(tmp_path: Path) -> None:
    files = {f"n{i:03}.md": f"# Note {i}\r\n\r\n".encode() * (i % 7 + 1) for i in range(150)}
    make(tmp_path, files)
    bodies = ["- [[a]]\n", "- [[b]]\n- [[c]]\n"]
    states = [files] + [expected_after(body, files) for body in bodies]
    rng = random.Random(20260527)
    # kill within the time one uninterrupted run takes on this machine (a fixed delay let a
    # faster machine finish most runs first, and the test lost its power)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", CHILD, str(tmp_path), "0", bodies[1]], check=True)
    duration = time.perf_counter() - started
    kills = 0
    for round_number in range(40):
        body = bodies[round_number % 2]
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path), "0", body])
        time.sleep(rng.uniform(0.3, 1.0) * duration)
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait()
        state = snapshot(tmp_path)
        for name in files:
            assert any(state[name] == s[name] for s in states), name
        remove_stale_temp_files(tmp_path)
        assert temp_files(tmp_path) == []
    assert kills > 10
    print(f"random-point kills survived: {kills} of 40 runs over {len(files)} files")


# --- property: whatever the text, a write round-trips through strip ---------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(user_texts())
def test_written_bytes_strip_back_to_the_original(text: str) -> None:
    try:
        new = splice_region(text, "backlinks", BODY).text
    except Exception:
        return
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        original = text.encode()
        (root / "a.md").write_bytes(original)
        (outcome,) = apply_edits(root, [FileEdit("a.md", original, new)])
        assert outcome.status in ("changed", "unchanged")
        data = (root / "a.md").read_bytes()
        assert data == new.encode()
        assert strip_regions(data.decode("utf-8")).encode() == strip_regions(text).encode()
