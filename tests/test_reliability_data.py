"""Reliability, guarantees 1 and 2: no data loss, and a second run changes nothing.

``vault sync`` and ``vault check --fix`` run end to end (the CLI) on copies of every real
vault, the example vault, the benchmark generator's vault and hypothesis-generated nasty
vaults (tests/fuzz/strategies.py). After each run every file is compared with what it was:

- ``sync``: outside managed regions every byte is the same. Checked twice: with
  papervault's own region reader (``strip_regions``), and with an independent one written
  here (region blocks cut by line, the rest compared character for character, and an
  appended region must follow the old bytes unchanged). Files with malformed or
  marker-like text (PV402) are not touched at all. Only tag pages are created or deleted.
- ``check --fix``: every changed line is explained by a fix the command reported, applied
  here independently (PV113 key renamed, PV116 value quoted, PV205/PV206 link replaced at
  its column); nothing else changes.
- a second ``sync`` and a second ``check --fix`` change nothing (and rewrite nothing).

The default run tries ``FAST_EXAMPLES`` generated vaults; the slow run
(``pytest -m slow -k reliability_data``) tries ``SLOW_EXAMPLES``.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from papervault.check import all_diagnostics
from papervault.cli import main
from papervault.config import load_config
from papervault.model import Diagnostic
from papervault.pipeline import Analysis
from papervault.splice import strip_regions
from papervault.vault import load_vault
from tests.conftest import EXAMPLE_VAULT, SHARED_VAULTS, VAULT_NAMES, write_vault
from tests.fuzz.strategies import GeneratedVault, vaults

FAST_EXAMPLES = 40
SLOW_EXAMPLES = int(os.environ.get("PAPERVAULT_RELIABILITY_EXAMPLES", "10000"))
REPO = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------- snapshots


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the vault (the cache folder aside), as bytes."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".papervault"]
        for name in files:
            path = Path(folder, name)
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def mtimes(root: Path, paths: list[str]) -> dict[str, int]:
    return {p: (root / p).stat().st_mtime_ns for p in paths}


# --------------------------------------------------------------------------- an independent region reader

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_START = re.compile(r" {0,3}<!--[ \t]*papervault:([a-z0-9-]+):start\b.*-->[ \t]*")
_END = r" {{0,3}}<!--[ \t]*papervault:{name}:end\b.*-->[ \t]*"
_APPENDED = re.compile(
    r"(?:\r\n|\r|\n){0,2}<!-- papervault:([a-z0-9-]+):start [^\r\n]*-->(?:\r\n|\r|\n).*"
    r"<!-- papervault:\1:end -->(?:\r\n|\r|\n)?",
    re.S,
)


def region_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each region block, marker lines and their endings
    included. Simple on purpose: only used on files papervault found well-formed."""
    blocks, offset, opened = [], 0, None
    for match in _LINES.finditer(text.removeprefix("\ufeff")):
        line = match.group().rstrip("\r\n")
        if opened is None:
            start = _START.fullmatch(line)
            if start:
                opened = (offset, re.compile(_END.format(name=re.escape(start[1]))))
        elif opened[1].fullmatch(line):
            blocks.append((opened[0], offset + len(match.group())))
            opened = None
        offset += len(match.group())
    bom = 1 if text.startswith("\ufeff") else 0
    return [(start + bom, end + bom) for start, end in blocks]


def outside_regions(text: str) -> str:
    kept, position = [], 0
    for start, end in region_blocks(text):
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return "".join(kept)


def ends_with_break(text: str) -> bool:
    return text.endswith(("\n", "\r"))


def assert_only_regions_changed(path: str, old: bytes, new: bytes) -> None:
    old_text, new_text = old.decode("utf-8"), new.decode("utf-8")
    # papervault's own reader: the exact guarantee of issue 6
    assert strip_regions(new_text) == strip_regions(old_text), path
    # an independent reader: every character outside regions but line breaks is the same
    strip = str.maketrans("", "", "\r\n")
    assert outside_regions(new_text).translate(strip) == outside_regions(old_text).translate(strip), path
    assert new_text.startswith("\ufeff") == old_text.startswith("\ufeff"), path
    if not region_blocks(old_text):
        # an appended region: the old bytes come first, unchanged, then only the region
        assert new.startswith(old), path
        assert _APPENDED.fullmatch(new_text[len(old_text) :]), (path, new_text[len(old_text) :])
        if old_text.strip("\ufeff"):
            assert ends_with_break(new_text) == ends_with_break(old_text), path


_TAG_PAGE_HEAD = re.compile(r'---\ntitle: "[^\n]*"\ndescription: "[^\n]*"\n---\n')


def assert_sync_kept_user_bytes(
    before: dict[str, bytes], after: dict[str, bytes], untouched: set[str]
) -> None:
    """What one ``vault sync`` may do: regions only; tag pages created or removed."""
    for path in sorted(before.keys() | after.keys()):
        old, new = before.get(path), after.get(path)
        if old == new:
            continue
        assert path not in untouched, f"{path} has malformed markers and must stay untouched"
        assert path.endswith(".md"), f"{path}: only notes are ever written"
        if old is None:  # a new tag page: papervault's frontmatter and its region only
            assert path.startswith("tags/"), path
            assert _TAG_PAGE_HEAD.fullmatch(strip_regions(new.decode("utf-8"))), path
        elif new is None:  # a removed tag page held nothing but what papervault wrote
            assert path.startswith("tags/"), path
            assert _TAG_PAGE_HEAD.fullmatch(strip_regions(old.decode("utf-8"))), path
        else:
            assert_only_regions_changed(path, old, new)


# --------------------------------------------------------------------------- running the CLI


def vault(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["-C", str(root), *args])
    # an internal error includes the safety check refusing an edit (PV407)
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def malformed(root: Path) -> set[str]:
    """Notes papervault reports PV402 for (malformed or marker-like lines)."""
    loaded = load_vault(root, use_cache=False)
    return {d.path for d in loaded.all_diagnostics() if d.code == "PV402"}


_FIXED = re.compile(r"fixed (.+):(\d+): (PV\d+) (.*)")


def fix_findings(root: Path) -> dict[tuple[str, int, str, str], list[Diagnostic]]:
    """The findings ``check --fix`` works from, by what its ``fixed`` lines show (two
    identical links on one line give two findings that differ only in their column)."""
    config = load_config(vault=root, overrides={"cache": False})
    found: dict[tuple[str, int, str, str], list[Diagnostic]] = {}
    for d in all_diagnostics(Analysis(config, load_vault(config=config)), generated=False):
        found.setdefault((d.path, d.line, d.code, d.message), []).append(d)
    return found


_KEY_RENAMES = {"tag:": "tags:", "alias:": "aliases:"}


def apply_fix(line: str, fix: Diagnostic) -> str:
    """One reported fix applied to one line, without papervault's fix code."""
    if fix.code in ("PV205", "PV206"):
        start = fix.column - 1
        assert line.startswith(("[[", "![["), start), (line, fix)
        end = line.index("]]", start) + 2
        return line[:start] + (fix.fix or "") + line[end:]
    if fix.code == "PV113":
        key = next(k for k in _KEY_RENAMES if line.startswith(k))
        return _KEY_RENAMES[key] + line[len(key) :]
    assert fix.code == "PV116", fix
    key, _, quoted = (fix.fix or "").partition(": ")
    value = quoted.strip('"')
    found = re.match(rf"{re.escape(key)}\s*:\s*", line)
    assert found and line.startswith(value, found.end()), (line, fix)
    return line[: found.end()] + quoted + line[found.end() + len(value) :]


def assert_only_reported_fixes(
    before: dict[str, bytes], after: dict[str, bytes], fixed: list[Diagnostic]
) -> None:
    by_line: dict[tuple[str, int], list[Diagnostic]] = {}
    for fix in fixed:
        by_line.setdefault((fix.path, fix.line), []).append(fix)
    assert before.keys() == after.keys()
    for path, old in before.items():
        if old == after[path]:
            assert not any(p == path for p, _ in by_line), f"{path}: a fix was reported but not made"
            continue
        old_lines = _LINES.findall(old.decode("utf-8"))
        new_lines = _LINES.findall(after[path].decode("utf-8"))
        assert len(old_lines) == len(new_lines), path
        for number, (old_line, new_line) in enumerate(zip(old_lines, new_lines, strict=True), 1):
            expected = old_line
            bom = "\ufeff" if number == 1 and old_line.startswith("\ufeff") else ""
            content = expected.removeprefix(bom)
            for fix in sorted(by_line.get((path, number), []), key=lambda f: -f.column):
                content = apply_fix(content, fix)
            assert new_line == bom + content, (path, number, old_line, new_line)


def sync_and_fix_everything(root: Path, must_stay: set[str] = frozenset()) -> dict[str, int]:
    """Run sync, sync, check --fix, check --fix, sync, sync and check every guarantee.
    Returns counts for the figures in docs/reliability.md."""
    untouched = malformed(root) | set(must_stay)
    before = snapshot(root)

    vault(root, "sync")
    after_sync = snapshot(root)
    assert_sync_kept_user_bytes(before, after_sync, untouched)
    changed = [p for p in after_sync if before.get(p) != after_sync[p]]
    stamps = mtimes(root, list(after_sync))
    _, out, _ = vault(root, "sync")
    assert out == "" and snapshot(root) == after_sync, "a second sync changes nothing"
    assert mtimes(root, list(after_sync)) == stamps, "and rewrites nothing"

    findings = fix_findings(root)
    _, out, _ = vault(root, "check", "--fix")
    reported = [_FIXED.fullmatch(line) for line in out.splitlines() if line.startswith("fixed ")]
    fixed = [findings[(m[1], int(m[2]), m[3], m[4])].pop(0) for m in reported if m]
    assert len(fixed) == len(reported), out
    after_fix = snapshot(root)
    assert_only_reported_fixes(after_sync, after_fix, fixed)
    for path in untouched:
        assert after_fix.get(path) == before.get(path), f"{path}: malformed markers, never written"
    _, out, _ = vault(root, "check", "--fix")
    assert "fixed " not in out and snapshot(root) == after_fix, "a second --fix changes nothing"

    vault(root, "sync")  # fixes can change the names a generated section shows
    after_resync = snapshot(root)
    assert_sync_kept_user_bytes(after_fix, after_resync, untouched)
    _, out, _ = vault(root, "sync")
    assert out == "" and snapshot(root) == after_resync
    return {"files": len(before), "synced": len(changed), "fixes": len(fixed)}


# --------------------------------------------------------------------------- real vaults


@pytest.mark.parametrize("name", VAULT_NAMES)
def test_real_vaults_sync_and_fix_keep_every_user_byte(tmp_path: Path, name: str) -> None:
    root = Path(shutil.copytree(SHARED_VAULTS / name, tmp_path / name))
    counts = sync_and_fix_everything(root)
    assert counts["synced"] > 0


def test_example_vault_sync_and_fix_keep_every_user_byte(tmp_path: Path) -> None:
    root = Path(
        shutil.copytree(EXAMPLE_VAULT, tmp_path / "vault", ignore=shutil.ignore_patterns(".papervault"))
    )
    sync_and_fix_everything(root)


@pytest.mark.slow
def test_benchmark_vault_sync_and_fix_keep_every_user_byte(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from generate import generate_vault
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    root = tmp_path / "bench"
    generate_vault(2000, root)
    counts = sync_and_fix_everything(root)
    assert counts["synced"] > 0 and counts["fixes"] > 0
    print(f"benchmark vault: {counts}")


# --------------------------------------------------------------------------- generated vaults


def check_generated(generated: GeneratedVault) -> None:
    with tempfile.TemporaryDirectory(prefix="pv-rel-") as folder:
        root = write_vault(Path(folder) / "v", generated.files)
        sync_and_fix_everything(root, generated.poisoned)


@settings(max_examples=FAST_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vaults())
def test_generated_vaults_keep_every_user_byte_and_reach_a_fixed_point(generated: GeneratedVault) -> None:
    check_generated(generated)


@pytest.mark.slow
def test_generated_vaults_10000_examples() -> None:
    run = settings(
        max_examples=SLOW_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )(given(vaults())(check_generated))
    run()
    print(f"generated vaults: {SLOW_EXAMPLES} examples, no edit refused by the safety check")
