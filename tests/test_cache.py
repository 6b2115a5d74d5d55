"""The index cache: a warm run gives exactly what a cold run gives, after every change."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from papervault.cache import CACHE_DIR, CACHE_FILE, IndexCache, decode_note, encode_note
from papervault.config import load_config
from papervault.parse import parse_text
from papervault.vault import IndexStats, load_vault
from tests.conftest import EXAMPLE_VAULT, shared_vault, write_vault


def cold_and_warm(root: Path, **config: object) -> tuple[object, object, IndexStats]:
    settings = load_config(vault=root, overrides=config or None)
    cold = load_vault(config=settings, use_cache=False)
    stats = IndexStats()
    warm = load_vault(config=settings, use_cache=True, stats=stats)
    return cold, warm, stats


def age(root: Path, seconds: float = 10) -> None:
    """Backdate every file, so that the cache trusts their stat (see RACY_WINDOW_NS)."""
    past = time.time() - seconds
    for path in root.rglob("*"):
        if ".papervault" not in path.parts:
            os.utime(path, (past, past))


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = Path(
        shutil.copytree(EXAMPLE_VAULT, tmp_path / "vault", ignore=shutil.ignore_patterns(".papervault"))
    )
    write_vault(root, {"img/fig.png": b"\x89PNG", "extra.md": "see ![[fig.png]] and [[index]] #x"})
    age(root)
    load_vault(root, use_cache=True)  # fill the cache
    return root


def edit(root: Path) -> None:
    path = root / "extra.md"
    path.write_text("changed: [[Absolute Zero]] #y\n")


def add(root: Path) -> None:
    write_vault(root, {"new/added.md": "---\ntags: [n]\n---\n[[extra]]"})


def delete(root: Path) -> None:
    (root / "extra.md").unlink()


def rename(root: Path) -> None:
    (root / "extra.md").rename(root / "renamed.md")


def change_attachment(root: Path) -> None:
    (root / "img" / "fig.png").rename(root / "img" / "figure.png")


CHANGES: list[Callable[[Path], None]] = [edit, add, delete, rename, change_attachment]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__)
def test_warm_equals_cold_after_each_change(vault: Path, change: Callable[[Path], None]) -> None:
    change(vault)
    cold, warm, stats = cold_and_warm(vault)
    assert warm == cold
    assert stats.cache_used and stats.parsed <= 1


def test_racy_edit_within_the_clock_tick_of_indexing_is_caught(tmp_path: Path) -> None:
    """On a file system with coarse timestamps an edit right after indexing can keep both
    size and mtime; a recent mtime is therefore never trusted without the hash."""
    root = write_vault(tmp_path / "v", {"a.md": "[[b]] #x"})
    path = root / "a.md"
    stat = path.stat()
    load_vault(root, use_cache=True)
    path.write_text("[[c]] #x")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    cold, warm, stats = cold_and_warm(root)
    assert warm == cold
    assert [link.target for link in warm.notes["a.md"].links] == ["c"]
    assert stats.parsed == 1


def test_unchanged_vault_parses_nothing(vault: Path) -> None:
    cold, warm, stats = cold_and_warm(vault)
    assert warm == cold
    assert (stats.parsed, stats.reused) == (0, len(cold.notes))


def test_config_change_gives_the_cold_result(vault: Path) -> None:
    cold, warm, _ = cold_and_warm(vault, ignore=["drafts"])
    assert warm == cold
    assert "drafts/Self-play reading plan.md" not in warm.notes


def test_touched_but_identical_file_is_not_reparsed(vault: Path) -> None:
    (vault / "index.md").touch()
    _, _, stats = cold_and_warm(vault)
    assert stats.parsed == 0


@pytest.mark.parametrize(
    ("damage", "reported"),
    [
        (lambda p: p.write_bytes(b"not a database at all" * 100), True),
        (lambda p: p.write_bytes(p.read_bytes()[:1000]), True),
        (lambda p: p.write_bytes(b""), False),  # SQLite reads an empty file as a new database
        (lambda p: _foreign_database(p), True),
        (lambda p: _bad_row(p), True),
    ],
    ids=["garbage", "truncated", "empty", "foreign", "bad-row"],
)
def test_corrupt_cache_is_reported_and_rebuilt(
    vault: Path, damage: Callable[[Path], None], reported: bool
) -> None:
    cache_file = vault / CACHE_DIR / CACHE_FILE
    damage(cache_file)
    cold, warm, stats = cold_and_warm(vault)
    assert warm == cold
    assert bool(stats.warnings) is reported
    again = IndexStats()
    assert load_vault(vault, use_cache=True, stats=again) == cold
    assert again.parsed == 0, "the rebuilt cache is used on the next run"


def _foreign_database(path: Path) -> None:
    path.unlink()
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (x)")
    db.commit()
    db.close()


def _bad_row(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("UPDATE notes SET summary = X'00FF' WHERE path = 'index.md'")
    db.commit()
    db.close()


def test_rebuild_parses_everything(vault: Path) -> None:
    stats = IndexStats()
    load_vault(vault, use_cache=True, rebuild=True, stats=stats)
    assert stats.parsed == stats.notes


def test_parser_version_change_rebuilds(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import papervault.cache

    monkeypatch.setattr(papervault.cache, "PARSER_VERSION", papervault.cache.PARSER_VERSION + 1)
    fingerprint = papervault.cache.parser_fingerprint  # computed once per process
    fingerprint.cache_clear()
    try:
        _, _, stats = cold_and_warm(vault)
    finally:
        monkeypatch.undo()
        fingerprint.cache_clear()
    assert stats.parsed == stats.notes


def test_read_only_vault_runs_without_a_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b]]"})
    monkeypatch.setattr(IndexCache, "open", lambda self, rebuild=False: False)
    stats = IndexStats()
    vault = load_vault(root, use_cache=True, stats=stats)
    assert list(vault.notes) == ["a.md"] and not stats.cache_used


def test_note_round_trips_through_the_cache_encoding() -> None:
    text = (
        "---\ntitle: T\naliases: [a]\ntags: [x]\narxiv: '2504.19162'\n---\n# H\n"
        "[[L#A|d]] ![[e.png]] [m](m.md) #t ^b https://arxiv.org/abs/1706.03762v5\n"
        "<!-- papervault:backlinks:start -->\n- [[z]]\n<!-- papervault:backlinks:end -->\n"
    )
    note = parse_text(text, "dir/n.md")
    assert decode_note(encode_note(note)) == note


def test_parallel_cold_index_equals_serial(tmp_path: Path) -> None:
    source = shared_vault("ai-alignment-graph")
    root = Path(shutil.copytree(source, tmp_path / "v"))
    serial = load_vault(root, use_cache=False)
    import papervault.vault as vault_module

    stats = IndexStats()
    original = vault_module.PARALLEL_MIN_NOTES
    vault_module.PARALLEL_MIN_NOTES = 50
    try:
        parallel = load_vault(root, use_cache=True, stats=stats)
    finally:
        vault_module.PARALLEL_MIN_NOTES = original
    assert stats.workers == min(os.cpu_count() or 1, 2) or (os.cpu_count() or 1) == 1
    assert parallel == serial


def test_two_processes_indexing_at_once_do_not_corrupt_the_cache(tmp_path: Path) -> None:
    root = Path(shutil.copytree(shared_vault("dswok"), tmp_path / "v"))
    command = [sys.executable, "-m", "papervault", "-C", str(root), "index"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    cold = load_vault(root, use_cache=False)
    stats = IndexStats()
    assert load_vault(root, use_cache=True, stats=stats) == cold
    assert stats.parsed == 0


# --------------------------------------------------------------------------- the warm analysis


def findings(root: Path, *, warm: bool) -> tuple[list[object], dict[str, str], dict[str, list[object]]]:
    """Every finding, the sync plan and the backlinks, computed cold (no cache, every note in
    full) or warm (cached summaries, per-note resolution results, the result memo)."""
    from papervault.check import all_diagnostics
    from papervault.pipeline import Analysis
    from papervault.sync import plan_sync

    settings = load_config(vault=root)
    vault = load_vault(config=settings, use_cache=warm, links=not warm)
    analysis = Analysis(settings, vault)
    diagnostics = all_diagnostics(analysis)
    plan = plan_sync(Analysis(settings, vault), edits=False)
    return diagnostics, plan.reasons, analysis.backlinks


def heading_renamed(root: Path) -> None:
    path = root / "papers" / "Procedural Knowledge in Pretraining.md"
    path.write_text(path.read_text().replace("## Code matters", "## Code really matters"))


def alias_added(root: Path) -> None:
    write_vault(root, {"alias owner.md": "---\naliases: [Absolute Zero]\n---\n"})


WARM_CHANGES = [*CHANGES, heading_renamed, alias_added]


@pytest.mark.parametrize("change", WARM_CHANGES, ids=lambda f: f.__name__)
def test_warm_findings_plan_and_backlinks_equal_cold_after_each_change(
    vault: Path, change: Callable[[Path], None]
) -> None:
    findings(vault, warm=True)  # fill the per-note results and the memo
    change(vault)
    assert findings(vault, warm=True) == findings(vault, warm=False)
    assert findings(vault, warm=True) == findings(vault, warm=False), "and again, from the memo"


def test_warm_check_resolves_only_the_changed_note(vault: Path) -> None:
    from papervault.incremental import link_facts

    settings = load_config(vault=vault)
    link_facts(load_vault(config=settings, links=False), settings)
    edit(vault)
    facts = link_facts(load_vault(config=settings, links=False), settings)
    assert facts.resolved == 1
    heading_renamed(vault)  # another note's headings: every note may resolve differently
    facts = link_facts(load_vault(config=settings, links=False), settings)
    assert facts.resolved == len(list(vault.rglob("*.md")))


def test_nothing_changed_reads_the_result_back(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from papervault import check as check_module

    findings(vault, warm=True)
    monkeypatch.setattr(check_module, "consistency_findings", lambda vault: pytest.fail("recomputed"))
    findings(vault, warm=True)
