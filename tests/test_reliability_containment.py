"""Reliability, guarantee 6: papervault reads and writes inside the vault only, and never
touches the network.

Every command runs in a child process under a Python audit hook (PEP 578) that records
each file opened, folder listed or created, file renamed, removed, linked or chmod-ed,
each SQLite database opened, each socket, DNS lookup, HTTP request and subprocess. The
vault is built to lure papervault out: links and embeds to ``../``, absolute and
``file://`` paths, tags like ``../../escape`` and ``/abs``, symlinked folders and notes
leading out, a ``tags`` folder and a cache folder that are symlinks to the outside, and
notes full of URLs of every kind. The sockets are also made to raise, so a network call
could not go unnoticed even without its audit event.

Allowed outside the vault: the config files papervault looks for in the folders above
it (``papervault.toml``/``pyproject.toml``), the file a user names with ``-o``, and
Python's own files. tests/test_write.py and tests/test_sync.py cover the write layer's
and the tag pages' containment at the library level.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from papervault.cli import main
from tests.conftest import write_vault

REPO = Path(__file__).resolve().parent.parent

URLS = "\n".join(
    [
        "https://arxiv.org/abs/1706.03762v5 and arXiv:2504.19162 and doi:10.48550/arXiv.2101.00001",
        "<https://openreview.net/forum?id=SkT5Yg-RZ> [pdf](https://arxiv.org/pdf/2103.03386.pdf)",
        "![remote image](https://example.com/figure.png) ![[https://example.com/embed.png]]",
        '<img src="http://127.0.0.1:9/x.png"> <a href="http://localhost:1/page">local</a>',
        "[ftp](ftp://example.com/file) [mail](mailto:me@example.com) [file](file:///etc/passwd)",
        "http://export.arxiv.org/api/query?id_list=1706.03762 https://huggingface.co/papers/2504.19162",
        "[[https://arxiv.org/abs/1706.03762]] [doi](https://doi.org/10.48550/arXiv.1706.03762)",
    ]
)

LURES = "\n".join(
    [
        "[[../outside/secret]] [[../../etc/passwd]] [[/etc/passwd]] [[linked/secret]] [[leak]]",
        "[up](../outside/secret.md) [abs](/etc/passwd) ![[/etc/hosts]] ![[../outside/img.png]]",
        '<a href="../outside/secret.md">html</a> [enc](..%2Foutside%2Fsecret.md) [[C:\\Windows\\win.ini]]',
        "[[~/.ssh/id_rsa]] [[\\\\server\\share\\x]] #ok/../../escape",
    ]
)

VAULT_FILES = {
    "a.md": '---\ntags: ["../../escape", "/abs", "..", "a/../../b", "~/.ssh", "ok"]\n'
    "url: https://arxiv.org/abs/1706.03762\narxiv: '2504.19162'\n---\n" + LURES + "\n" + URLS + "\n",
    "b.md": "---\ntags: [paper]\n---\n[[a]] and [[a#Heading]]\n" + URLS + "\n",
    "papers/p.md": "---\narxiv: '1706.03762'\nopenreview: SkT5Yg-RZ\n---\n# Attention\n[[b]]\n",
}

#: the child: warm every import on a scratch vault, install the audit hook and the
#: raising sockets, then run each command on the vault; print what was touched
CHILD = r"""
import json, os, socket, sys
from click.testing import CliRunner
from papervault.cli import main

vault, scratch, out_file = sys.argv[1], sys.argv[2], sys.argv[3]
commands = json.loads(sys.argv[4])
runner = CliRunner()
for command in commands:  # warm-up: every lazy import happens here, outside the record
    runner.invoke(main, ["-C", scratch, *[a.replace("@OUT", out_file + ".warm") for a in command]])

FILE_EVENTS = {
    "open", "os.listdir", "os.scandir", "os.mkdir", "os.rename", "os.remove", "os.rmdir",
    "os.link", "os.symlink", "os.chmod", "os.chown", "os.utime", "os.truncate",
    "sqlite3.connect", "shutil.copyfile", "shutil.rmtree",
}
NETWORK_PREFIXES = ("socket.", "urllib.", "http.", "ftplib.", "smtplib.", "webbrowser.", "ssl.")
PROCESS_EVENTS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile"}
recorded = []

def hook(event, args):
    if event in FILE_EVENTS:
        paths = args[:2] if event in ("os.rename", "os.link", "os.symlink", "shutil.copyfile") else args[:1]
        for arg in paths:
            if isinstance(arg, (str, bytes, os.PathLike)):
                recorded.append([event, os.path.abspath(os.fsdecode(arg))])
    elif event.startswith(NETWORK_PREFIXES) or event in PROCESS_EVENTS:
        recorded.append([event, repr(args)[:200]])

def no_network(*args, **kwargs):
    recorded.append(["network call", repr(args)[:200]])
    raise OSError("papervault must not use the network")

socket.socket = no_network
socket.create_connection = no_network
socket.getaddrinfo = no_network
socket.gethostbyname = no_network
sys.addaudithook(hook)

results = []
for command in commands:
    args = [a.replace("@OUT", out_file) for a in command]
    result = runner.invoke(main, ["-C", vault, *args])
    results.append([args, result.exit_code, result.output[-3000:], repr(result.exception)])
print(json.dumps({"results": results, "recorded": recorded, "sys_path": [os.path.abspath(p) for p in sys.path]}))
"""

COMMANDS = [
    ["index"],
    ["check"],
    ["check", "--fix"],
    ["sync", "--check"],
    ["sync", "--diff"],
    ["sync"],
    ["sync"],
    ["graph"],
    ["graph", "--format", "html", "-o", "@OUT"],
    ["graph", "--format", "json", "-o", "@OUT"],
    ["papers", "--format", "bibtex"],
    ["papers", "--format", "json"],
]


def lure(base: Path) -> tuple[Path, Path]:
    outside = write_vault(
        base / "outside", {"secret.md": "SECRET [[a]]", "img.png": "PNG", "tags/keep.md": "x"}
    )
    vault = write_vault(base / "vault", VAULT_FILES)
    (vault / "linked").symlink_to(outside, target_is_directory=True)
    (vault / "leak.md").symlink_to(outside / "secret.md")
    (vault / "tags").symlink_to(outside / "tags", target_is_directory=True)
    (outside / "cache").mkdir()
    (vault / ".papervault").symlink_to(outside / "cache", target_is_directory=True)
    return vault, outside


def outside_snapshot(outside: Path) -> dict[str, bytes]:
    return {str(p.relative_to(outside)): p.read_bytes() for p in sorted(outside.rglob("*")) if p.is_file()}


def allowed(path: str, vault: Path, out_file: Path) -> bool:
    real = Path(os.path.realpath(path))
    if real.is_relative_to(os.path.realpath(vault)) or real in (out_file, Path(str(out_file) + ".tmp")):
        return True
    if real.name in ("papervault.toml", "pyproject.toml") and vault.resolve().is_relative_to(real.parent):
        return True  # the config search walks up from the vault, as ruff's does
    return any(real.is_relative_to(p) for p in {Path(sys.prefix), Path(sys.base_prefix), REPO / "src"})


def test_nothing_outside_the_vault_is_read_or_written_and_no_network_is_used(tmp_path: Path) -> None:
    vault, outside = lure(tmp_path)
    scratch = write_vault(tmp_path / "scratch", VAULT_FILES)
    out_file = tmp_path / "exports" / "graph.out"
    out_file.parent.mkdir()
    before = outside_snapshot(outside)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(vault), str(scratch), str(out_file), json.dumps(COMMANDS)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert child.returncode == 0, child.stderr[-3000:]
    report = json.loads(child.stdout)
    for args, code, output, exception in report["results"]:
        assert code in (0, 1), (args, code, output, exception)
        assert "internal error" not in output and "Traceback" not in output, (args, output)
    recorded = report["recorded"]
    network = [r for r in recorded if not r[0].startswith(("open", "os.", "sqlite3.", "shutil."))]
    assert network == [], network
    # importlib.metadata (the cache's version check) lists the folders on sys.path
    listed = {("os.listdir", path) for path in report["sys_path"]} | {
        ("os.scandir", p) for p in report["sys_path"]
    }
    escaped = sorted(
        {(event, path) for event, path in recorded if not allowed(path, vault, out_file)} - listed
    )
    assert escaped == [], escaped
    assert outside_snapshot(outside) == before, "nothing outside the vault changed"
    assert os.listdir(outside / "cache") == []
    assert any(path.endswith("a.md") for event, path in recorded if event == "open"), "the hook did record"


def user_files(base: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in base.rglob("*") if p.is_file() and ".papervault" not in p.parts}


@pytest.mark.parametrize("folder", ["../outside", "/tmp/papervault-elsewhere", "..", "a/../../b", "C:\\tags"])
def test_a_tags_folder_configured_outside_is_refused(tmp_path: Path, folder: str) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": "#t [[b]]", "b.md": "b"})
    (vault / "papervault.toml").write_text(f"[tags]\nfolder = {json.dumps(folder)}\n")
    before = user_files(tmp_path)
    for command in (["sync"], ["check"]):
        result = CliRunner().invoke(main, ["-C", str(vault), *command])
        assert result.exit_code == 2, (command, result.output)
        assert "tags.folder must name a folder inside the vault" in result.stderr
    assert user_files(tmp_path) == before
    assert not Path("/tmp/papervault-elsewhere").exists()


def test_a_tilde_in_the_tags_folder_is_a_folder_name_inside_the_vault(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": "#t"})
    (vault / "papervault.toml").write_text('[tags]\nfolder = "~/tags"\n')
    result = CliRunner().invoke(main, ["-C", str(vault), "sync"])
    assert result.exit_code == 1 and (vault / "~" / "tags" / "t.md").is_file()
    assert not (Path.home() / "tags" / "t.md").exists()
