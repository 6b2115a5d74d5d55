"""``vault papers`` end to end: the example vault, the real vaults (copied first: the cache
writes ``.papervault/`` into the vault), filters, formats, files and bad input."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import bibtexparser
import pytest
from click.testing import CliRunner, Result

from papervault import load_vault
from papervault.bibliography import FORMATS as LIBRARY_FORMATS
from papervault.cli import main
from papervault.cli.papers import FORMATS
from tests.conftest import REPO, VAULT_NAMES, shared_vault, write_vault


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["-C", str(root), "papers", *args])


def ids_in_text(output: str) -> list[str]:
    """The paper ids that head the blocks of the text format."""
    return [line.split("  ", 1)[0] for line in output.splitlines() if line and not line.startswith(" ")]


def test_the_command_offers_the_library_formats() -> None:
    assert FORMATS == LIBRARY_FORMATS


def test_example_vault_lists_every_paper(example_copy: Path) -> None:
    result = run(example_copy)
    assert result.exit_code == 0, result.output
    assert ids_in_text(result.stdout) == [
        "arxiv:2504.19162",
        "openreview:O4cHTxW9BS",
        "openreview:SkT5Yg-RZ",
        "arxiv:2411.12580 = openreview:1hQKHHUsMx",
        "arxiv:2505.03335",
    ]
    assert (
        "openreview:SkT5Yg-RZ  cited by 1 note\n"
        "  title     Unsupervised environment design (OpenReview SkT5Yg-RZ)\n"
        "  note      papers/Unsupervised environment design (SkT5Yg-RZ).md\n"
        "  cited by  paper-summaries.md:16\n"
    ) in result.stdout
    assert result.stderr == "5 papers: 3 cited, 2 of them without a paper note\n"
    assert (example_copy / ".papervault").is_dir()  # the cache went into the copy


def test_missing_is_the_reading_list(example_copy: Path) -> None:
    result = run(example_copy, "--missing")
    assert result.exit_code == 0
    assert ids_in_text(result.stdout) == ["arxiv:2504.19162", "openreview:O4cHTxW9BS"]
    assert "  note      (none)\n" in result.stdout


@pytest.mark.parametrize(
    "name", ["paper-summaries", "paper-summaries.md", "Paper Summaries", "PAPER-SUMMARIES"]
)
def test_cited_by_takes_a_path_name_or_title(example_copy: Path, name: str) -> None:
    result = run(example_copy, "--cited-by", name)
    assert result.exit_code == 0, result.output
    assert ids_in_text(result.stdout) == ["arxiv:2504.19162", "openreview:O4cHTxW9BS", "openreview:SkT5Yg-RZ"]


def test_cited_by_and_missing_together(example_copy: Path) -> None:
    result = run(example_copy, "--cited-by", "paper-summaries", "--missing", "--format", "json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["arxiv:2504.19162", "openreview:O4cHTxW9BS"]


def test_a_paper_note_cites_nothing_it_describes(example_copy: Path) -> None:
    result = run(example_copy, "--cited-by", "Absolute Zero")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.startswith("0 papers")


def test_cited_by_an_alias(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {"notes/Reading.md": "---\naliases: [Queue]\n---\narXiv:1706.03762"})
    result = run(root, "--cited-by", "queue")
    assert result.exit_code == 0
    assert ids_in_text(result.stdout) == ["arxiv:1706.03762"]


def test_an_ambiguous_note_is_a_usage_error(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {"a/Notes.md": "arXiv:1706.03762", "b/Notes.md": "arXiv:1412.6980"})
    result = run(root, "--cited-by", "Notes")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "ambiguous" in result.stderr and "a/Notes.md" in result.stderr and "b/Notes.md" in result.stderr
    assert "Traceback" not in result.output
    # the path settles it
    assert ids_in_text(run(root, "--cited-by", "b/Notes").stdout) == ["arxiv:1412.6980"]


def test_an_unknown_note_is_a_usage_error(example_copy: Path) -> None:
    result = run(example_copy, "--cited-by", "Nowhere")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "Nowhere" in result.stderr


def test_an_unknown_format_is_a_usage_error(example_copy: Path) -> None:
    result = run(example_copy, "--format", "ris")
    assert result.exit_code == 2 and "ris" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "csv", "bibtex", "text"])
def test_output_file(example_copy: Path, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"papers.{fmt}"
    result = run(example_copy, "--format", fmt, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.endswith(f"; written to {target}\n")
    assert target.read_text(encoding="utf-8") == run(example_copy, "--format", fmt).stdout


def test_an_unwritable_output_file_is_reported(example_copy: Path, tmp_path: Path) -> None:
    result = run(example_copy, "-o", str(tmp_path / "no" / "such" / "folder" / "papers.bib"))
    assert result.exit_code == 1
    assert "Could not open file" in result.stderr and "Traceback" not in result.output


def test_bibtex_output_parses(example_copy: Path) -> None:
    library = bibtexparser.parse_string(run(example_copy, "--format", "bibtex").stdout)
    assert library.failed_blocks == []
    assert sorted(e.key for e in library.entries) == [
        "arxiv_2504_19162",
        "openreview_O4cHTxW9BS",
        "openreview_SkT5Yg-RZ",
        "ruis2024procedural",
        "zhao2025absolute",
    ]


# -- the real vaults ---------------------------------------------------------------------------


@pytest.fixture
def vault_copy(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    return Path(shutil.copytree(shared_vault(request.param), tmp_path / request.param))


@pytest.mark.parametrize("vault_copy", ["dswok"], indirect=True)
def test_dswok_has_51_cited_arxiv_papers_in_25_notes(vault_copy: Path) -> None:
    result = run(vault_copy, "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert len(records) == 51
    assert all(r["id"].startswith("arxiv:") and r["note"] is None for r in records)
    assert len({c["note"] for r in records for c in r["cited_by"]}) == 25
    # 85 arXiv links in all (the count in tests/test_vaults.py, checked by hand)
    assert sum(len(c["lines"]) for r in records for c in r["cited_by"]) == 85
    assert [r["count"] for r in records] == sorted((r["count"] for r in records), reverse=True)
    missing = json.loads(run(vault_copy, "--missing", "--format", "json").stdout)
    assert missing == records  # no dswok note describes a paper


@pytest.mark.parametrize("vault_copy", VAULT_NAMES, indirect=True)
def test_every_format_on_the_real_vaults(vault_copy: Path) -> None:
    vault = load_vault(vault_copy, use_cache=False)
    cited = {c.id for note in vault.notes.values() for c in note.citations}
    records = json.loads(run(vault_copy, "--format", "json").stdout)
    assert {i for r in records for i in r["ids"]} == cited  # none of them names a paper in frontmatter
    keys = [r["key"] for r in records]
    assert len({k.casefold() for k in keys}) == len(keys)

    rows = list(csv.DictReader(io.StringIO(run(vault_copy, "--format", "csv").stdout)))
    assert [r["key"] for r in rows] == keys

    library = bibtexparser.parse_string(run(vault_copy, "--format", "bibtex").stdout)
    assert library.failed_blocks == []
    assert sorted(e.key for e in library.entries) == sorted(keys)

    text = run(vault_copy).stdout
    assert ids_in_text(text) == [" = ".join(r["ids"]) for r in records]


# -- the documented runs -----------------------------------------------------------------------

DOCS = [path for path in (REPO / "docs" / "papers.md", REPO / "README.md") if path.exists()]


def documented_runs() -> list[tuple[str, str, str]]:
    """Every ``$ vault papers …`` in a console block of the docs, with the output shown."""
    runs = []
    for doc in DOCS:
        for block in re.findall(r"```console\n(.*?)```", doc.read_text(encoding="utf-8"), re.S):
            for command, output in re.findall(r"^\$ (vault papers.*)\n((?:(?!\$ ).*\n)*)", block, re.M):
                runs.append((doc.name, command, output))
    return runs


@pytest.mark.parametrize(("doc", "command", "output"), documented_runs())
def test_documented_output_is_what_the_command_prints(
    doc: str, command: str, output: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)  # the repository's pyproject.toml makes vault/ the vault
    result = CliRunner().invoke(main, ["--no-cache", *command.split()[1:]])
    assert result.exit_code == 0, result.output
    assert result.output == output, f"{doc}: {command}"


def test_the_docs_show_the_three_runs() -> None:
    commands = {command for _, command, _ in documented_runs()}
    assert {"vault papers", "vault papers --missing", "vault papers --format bibtex"} <= commands
