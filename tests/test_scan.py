"""Scanning: notes, attachments, ignore globs, symlinks and unreadable files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papervault.errors import VaultError
from papervault.scan import compile_ignore, is_ignored, scan_vault
from papervault.vault import load_vault
from tests.conftest import write_vault


def kinds(root: Path, ignore: tuple[str, ...] = ()) -> dict[str, str]:
    return {f.path: f.kind for f in scan_vault(root, ignore).files}


def test_notes_attachments_and_skipped_files(tmp_path: Path) -> None:
    write_vault(
        tmp_path,
        {
            "a.md": "",
            "sub/b.md": "",
            "img/fig.png": b"\x89PNG",
            "upper.MD": "",
            ".obsidian/app.json": "{}",
            ".hidden.md": "",
            "sub/.trash/c.md": "",
        },
    )
    assert kinds(tmp_path) == {
        "a.md": "note",
        "img/fig.png": "attachment",
        "sub/b.md": "note",
        "upper.MD": "attachment",
    }


@pytest.mark.parametrize(
    ("pattern", "path", "is_dir", "ignored"),
    [
        ("private", "private", True, True),
        ("private", "notes/private", True, True),  # any depth, unlike Quartz's root-only match
        ("/private", "notes/private", True, False),
        ("notes/private", "notes/private", True, True),
        ("notes/private", "other/notes/private", True, False),
        ("**/drafts", "a/b/drafts", True, True),
        ("**/drafts", "drafts", True, True),
        ("*.excalidraw.md", "x/y.excalidraw.md", False, True),
        ("build/", "build", False, False),
        ("build/", "build", True, True),
        ("te?t", "test", True, True),
        ("a/**/z.md", "a/b/c/z.md", False, True),
        ("a/**/z.md", "a/z.md", False, True),
        ("templates", "my-templates", True, False),
    ],
)
def test_ignore_patterns(pattern: str, path: str, is_dir: bool, ignored: bool) -> None:
    assert is_ignored(path, is_dir, compile_ignore([pattern])) is ignored


def old_ignore_regex(pattern: str) -> tuple[re.Pattern[str], bool]:
    """The regex an ignore pattern used to become (polynomial with several ``*``): the
    reference the linear matcher must agree with."""
    text = pattern.strip()
    folders_only = text.endswith("/")
    text = text.rstrip("/")
    anchored = "/" in text
    text = text.lstrip("/")
    parts: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif text.startswith("**", i):
            parts.append(".*")
            i += 2
        elif text[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif text[i] == "?":
            parts.append("[^/]")
            i += 1
        else:
            parts.append(re.escape(text[i]))
            i += 1
    body = "".join(parts)
    return re.compile(f"{body if anchored else f'(?:.*/)?{body}'}\\Z"), folders_only


GLOB_PIECES = ["*", "**", "**/", "/", "?", "a", "b", "ab", ".", " ", "\n", "#", "é", "\\", "["]
PATH_PIECES = ["a", "b", "ab", "/", ".", " ", "\n", "é", "*", "?", "\\", "["]


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.sampled_from(GLOB_PIECES), min_size=1, max_size=8).map("".join),
    st.lists(st.sampled_from(PATH_PIECES), max_size=12).map("".join),
    st.booleans(),
)
def test_ignore_matcher_agrees_with_the_regex_it_replaced(pattern: str, path: str, is_dir: bool) -> None:
    rules = compile_ignore([pattern])
    if not rules:  # blank or a comment
        return
    regex, folders_only = old_ignore_regex(pattern)
    expected = bool(regex.match(path)) and (is_dir or not folders_only)
    assert is_ignored(path, is_dir, rules) is expected


def test_ignored_notes_are_listed_as_ignored(tmp_path: Path) -> None:
    write_vault(tmp_path, {"private/secret.md": "", "templates/t.md": "", "n.md": "", "x/private/y.md": ""})
    assert kinds(tmp_path, ("private", "templates")) == {
        "n.md": "note",
        "private/secret.md": "ignored",
        "templates/t.md": "ignored",
        "x/private/y.md": "ignored",
    }


def test_symlink_out_of_the_vault_and_cycles_are_skipped(tmp_path: Path) -> None:
    outside = write_vault(tmp_path / "outside", {"secret.md": "secret"})
    root = write_vault(tmp_path / "vault", {"a.md": "", "inner/b.md": ""})
    os.symlink(outside, root / "escape")
    os.symlink(outside / "secret.md", root / "leak.md")
    os.symlink(root, root / "inner" / "loop")
    os.symlink(root / "inner" / "b.md", root / "alias.md")
    result = scan_vault(root)
    assert sorted(f.path for f in result.files) == ["a.md", "alias.md", "inner/b.md"]
    messages = {d.path: d.message for d in result.diagnostics}
    assert "outside the vault" in messages["escape"]
    assert "outside the vault" in messages["leak.md"]
    assert "cycle" in messages["inner/loop"]


def test_folder_named_like_a_note(tmp_path: Path) -> None:
    write_vault(tmp_path, {"x.md/inside.md": "[[a]]"})
    result = scan_vault(tmp_path)
    assert [f.path for f in result.files] == ["x.md/inside.md"]
    assert [(d.path, d.code) for d in result.diagnostics] == [("x.md", "PV104")]


def test_unreadable_file_is_a_diagnostic_and_still_a_link_target(tmp_path: Path, monkeypatch) -> None:
    write_vault(tmp_path, {"ok.md": "[[locked]]", "locked.md": "secret"})
    import papervault.vault as vault_module

    real_read = vault_module.read_file_with_stat

    def read(root: Path, path: str) -> tuple[bytes, int, int]:
        if path == "locked.md":
            raise PermissionError(13, "Permission denied")
        return real_read(root, path)

    monkeypatch.setattr(vault_module, "read_file_with_stat", read)
    vault = load_vault(tmp_path)
    assert [str(d) for d in vault.all_diagnostics()] == ["locked.md:1: PV101 cannot read: Permission denied"]
    assert not vault.notes["locked.md"].readable
    assert [link.target for link in vault.notes["ok.md"].links] == ["locked"]


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_vault_root_must_be_a_folder(tmp_path: Path, kind: str) -> None:
    root = tmp_path / "root"
    if kind == "file":
        root.write_text("not a folder")
    with pytest.raises(VaultError):
        scan_vault(root)
