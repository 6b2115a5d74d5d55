"""The real pre-commit framework running papervault's hooks on real commits.

The hooks repository is a snapshot of this working tree (so uncommitted changes are
what gets tested); pre-commit installs it into its own virtualenv from PyPI, exactly as
it would for a user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, write_vault

SNAPSHOT = ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src"]


def run(
    args: list[str], cwd: Path, env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    home = tmp_path_factory.mktemp("home")
    return {
        **os.environ,
        "HOME": str(home),
        "PRE_COMMIT_HOME": str(home / "pre-commit-cache"),
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> tuple[Path, str]:
    """This working tree, committed into a throwaway repository: (path, revision)."""
    root = tmp_path_factory.mktemp("papervault-hooks")
    for name in SNAPSHOT:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, root / name)
    run(["git", "init", "-q"], root, env)
    run(["git", "add", "-A"], root, env)
    run(["git", "commit", "-q", "-m", "snapshot"], root, env)
    revision = run(["git", "rev-parse", "HEAD"], root, env).stdout.strip()
    return root, revision


def user_repo(root: Path, hooks: tuple[Path, str], env: dict[str, str]) -> Path:
    repo, revision = hooks
    write_vault(
        root,
        {
            ".pre-commit-config.yaml": (
                f"repos:\n-   repo: {repo}\n    rev: {revision}\n    hooks:\n"
                "    -   id: vault-sync\n    -   id: vault-check\n"
            ),
            "Attention.md": "---\ntags: [paper]\narxiv: '1706.03762'\n---\nThe transformer paper.\n",
            "Notes.md": "I read [[Attention]]: https://arxiv.org/abs/1706.03762v5\n",
        },
    )
    run(["git", "init", "-q"], root, env)
    run([sys.executable, "-m", "pre_commit", "install"], root, env)
    return root


def commit(repo: Path, env: dict[str, str], message: str) -> tuple[int, str]:
    """Stage everything and commit; the exit code and everything the hooks printed."""
    run(["git", "add", "-A"], repo, env)
    done = run(["git", "commit", "-m", message], repo, env, check=False)
    return done.returncode, done.stdout + done.stderr


def test_hooks_stop_stale_backlinks_and_broken_links_then_pass(
    tmp_path: Path, hooks_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    repo = user_repo(tmp_path / "notes", hooks_repo, env)

    # 1. backlinks are missing: vault-sync writes them and stops the commit
    code, output = commit(repo, env, "first notes")
    assert code != 0
    assert "files were modified by this hook" in output
    text = (repo / "Attention.md").read_text()
    assert "<!-- papervault:backlinks:start" in text and "[[Notes]]" in text
    assert (repo / "tags" / "paper.md").exists()

    # 2. with the fixed files staged, the same commit passes both hooks
    code, output = commit(repo, env, "first notes")
    assert code == 0, output
    assert "papervault check" in output and "Passed" in output

    # 3. a broken link is refused, with the finding printed
    (repo / "Notes.md").write_text("I read [[Attention]] and [[Missing Paper]].\n")
    code, output = commit(repo, env, "a broken link")
    assert code != 0
    assert "Notes.md:1:26: PV201 broken link [[Missing Paper]]" in output

    # 4. fixed: the next commit passes
    (repo / "Notes.md").write_text("I read [[Attention]].\n")
    code, output = commit(repo, env, "fixed")
    assert code == 0, output
    assert run(["git", "status", "--porcelain"], repo, env).stdout == ""


def test_manifest_runs_only_on_markdown_and_takes_no_file_names() -> None:
    manifest = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert manifest.count("pass_filenames: false") == 2
    assert manifest.count(r"files: \.md$") == 2
    for hook in ("vault-check", "vault-sync"):
        assert f"id: {hook}" in manifest
