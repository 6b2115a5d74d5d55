"""vault sync: generated sections are right, idempotent, and never touch a byte the user wrote."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papervault.cli import main
from papervault.config import load_config
from papervault.errors import ConfigError
from papervault.slugs import slug_tag
from papervault.splice import strip_regions
from papervault.sync import sync_vault
from tests.conftest import EXAMPLE_VAULT, SHARED_VAULTS, VAULT_NAMES, write_vault


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".papervault" not in p.parts
    }


def sync(root: Path, allow: frozenset[str] = frozenset(), **overrides: object) -> list[str]:
    """Sync, expecting no finding but those whose codes ``allow`` names."""
    config = load_config(vault=root, overrides=overrides or None)
    result = sync_vault(config)
    unexpected = [d for d in result.diagnostics() if d.code not in allow]
    assert unexpected == [], unexpected
    return [o.path for o in result.changed]


def assert_user_bytes_kept(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    for path, old in before.items():
        text = after[path].decode("utf-8")
        assert strip_regions(text).encode("utf-8") == old, path


def test_example_vault_is_committed_in_sync() -> None:
    result = CliRunner().invoke(main, ["-C", str(EXAMPLE_VAULT), "--no-cache", "sync", "--check"])
    assert result.exit_code == 0, result.output


def test_readme_shows_the_paper_notes_real_backlinks_section() -> None:
    readme = (EXAMPLE_VAULT.parent / "README.md").read_text(encoding="utf-8")
    match = re.search(r"`papers/(.*?)`.*?ends with.*?```markdown\n(.*?)```", readme, re.S)
    assert match is not None
    note = (EXAMPLE_VAULT / "papers" / " ".join(match[1].split())).read_text(encoding="utf-8")
    assert match[2].startswith("<!-- papervault:backlinks:start") and note.endswith("\n" + match[2])


def test_owner_note_is_unchanged_outside_its_region() -> None:
    seed = EXAMPLE_VAULT.parent.parent / "shared" / "seed" / "paper-summaries.md"
    text = (EXAMPLE_VAULT / "paper-summaries.md").read_text(encoding="utf-8")
    if seed.exists():
        assert strip_regions(text) == seed.read_text(encoding="utf-8")
    assert "Cited by" not in strip_regions(text)


@pytest.mark.parametrize("name", VAULT_NAMES)
def test_real_vault_sync_is_a_fixed_point_and_keeps_every_user_byte(tmp_path: Path, name: str) -> None:
    root = Path(shutil.copytree(SHARED_VAULTS / name, tmp_path / name))
    before = snapshot(root)
    changed = sync(root)
    assert changed
    after = snapshot(root)
    assert_user_bytes_kept(before, after)
    mtimes = {p: (root / p).stat().st_mtime_ns for p in after}
    assert sync(root) == []
    assert snapshot(root) == after
    assert {p: (root / p).stat().st_mtime_ns for p in after} == mtimes, "nothing rewritten in sync"


@pytest.mark.parametrize("name", VAULT_NAMES)
def test_real_vault_as_crlf_with_bom_keeps_both_and_every_user_byte(tmp_path: Path, name: str) -> None:
    """Every note of a real vault rewritten with CRLF line endings and a BOM: the generated
    sections use CRLF too, the BOM stays, and a second sync is a fixed point."""
    root = Path(shutil.copytree(SHARED_VAULTS / name, tmp_path / name))
    for path in root.rglob("*.md"):
        text = path.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
        path.write_bytes(("\ufeff" + text).encode("utf-8"))
    before = snapshot(root)
    changed = sync(root)
    assert changed
    after = snapshot(root)
    assert_user_bytes_kept(before, after)
    for path in before:  # the notes we rewrote (new tag pages are papervault's own, LF)
        data = after[path]
        if path.endswith(".md"):
            assert data.startswith(b"\xef\xbb\xbf"), path
            assert data.count(b"\n") == data.count(b"\r\n"), f"{path}: an LF-only line ending"
    assert sync(root) == []
    assert snapshot(root) == after


def test_generated_tag_pages_never_get_a_backlinks_section(tmp_path: Path) -> None:
    root = write_vault(
        tmp_path / "v", {"a.md": "---\ntags: [t]\n---\nSee [[tags/t]] and [[b]]\n", "b.md": "b\n"}
    )
    assert sorted(sync(root)) == ["b.md", "tags/t.md"]
    with (root / "b.md").open("a", encoding="utf-8") as note:  # after its backlinks region
        note.write("\n[[tags/t]] again\n")
    assert sync(root) == [], "a second link to the tag page gives it no backlinks either"
    page = (root / "tags" / "t.md").read_text(encoding="utf-8")
    assert "papervault:tag-index:start" in page and "papervault:backlinks" not in page


@pytest.mark.parametrize(
    ("tag", "page"),
    [
        ("Deep Learning", "tags/Deep-Learning.md"),
        ("c++", "tags/c++.md"),
        ("rl/Self Play", "tags/rl/Self-Play.md"),
        ("ml/ops", "tags/ml/ops.md"),
    ],
)
def test_tag_page_names_follow_quartz_tag_slugs(tmp_path: Path, tag: str, page: str) -> None:
    root = write_vault(tmp_path / "v", {"a.md": f"---\ntags: ['{tag}']\n---\ntext\n"})
    assert page in sync(root, **{"backlinks.enabled": False})
    assert page == "tags/" + slug_tag(tag) + ".md"


def test_ai_alignment_paper_notes_get_their_topic_backlinks(tmp_path: Path) -> None:
    root = Path(shutil.copytree(SHARED_VAULTS / "ai-alignment-graph", tmp_path / "v"))
    sync(root)
    text = (root / "Attention Is All You Need.md").read_text(encoding="utf-8")
    assert text.count("<!-- papervault:backlinks:start") == 1
    assert "Linked from:" in text and "— Research Papers" in text


def test_backlinks_list_links_embeds_and_citations_with_sections(tmp_path: Path) -> None:
    root = write_vault(
        tmp_path / "v",
        {
            "paper.md": "---\narxiv: '2504.19162'\n---\nA paper note.",
            "a.md": "# Intro\n[[paper]]\n## Method\nsee [[paper#^x]] and ![[paper]]",
            "b.md": "## Refs\nhttps://arxiv.org/pdf/2504.19162v2.pdf",
            "self.md": "[[self]] and https://arxiv.org/abs/2504.19162",
        },
    )
    sync(root, **{"tags.enabled": False})
    text = (root / "paper.md").read_text(encoding="utf-8")
    region = text[text.index("<!-- papervault:backlinks:start") :]
    assert region.splitlines() == [
        "<!-- papervault:backlinks:start generated by papervault; edits here are replaced -->",
        "",
        "## Backlinks",
        "",
        "Linked from:",
        "",
        "- [[a]] (embeds it) — Intro; Method",
        "",
        "Cited by:",
        "",
        "- [[b]] — Refs",
        "- [[self]]",
        "",
        "<!-- papervault:backlinks:end -->",
    ]
    assert "papervault:backlinks" not in (root / "self.md").read_text(), "no self-backlinks"


@pytest.mark.parametrize(
    ("style", "entry"),
    [
        ("wikilink", "- [[source|Source Title]]"),
        ("markdown", "- [Source Title](dir/source.md)"),
        ("text", "- Source Title"),
    ],
)
def test_link_styles(tmp_path: Path, style: str, entry: str) -> None:
    root = write_vault(
        tmp_path / "v", {"dir/source.md": "---\ntitle: Source Title\n---\n[[target]]", "target.md": ""}
    )
    sync(root, **{"backlinks.style": style, "tags.enabled": False})
    assert entry in (root / "target.md").read_text().splitlines()


def test_drafts_never_appear_in_published_sections(tmp_path: Path) -> None:
    files = {"pub.md": "[[target]]", "draft.md": "---\ndraft: true\n---\n[[target]]", "target.md": "t"}
    root = write_vault(tmp_path / "v", files)
    sync(root, **{"tags.enabled": False})
    assert "[[draft]]" not in (root / "target.md").read_text()
    assert "[[pub]]" in (root / "target.md").read_text()
    other = write_vault(tmp_path / "w", files)
    sync(other, **{"tags.enabled": False, "backlinks.include-unpublished": True})
    assert "[[draft]]" in (other / "target.md").read_text()


def test_losing_the_last_backlink_removes_the_region_and_its_blank_line(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b]]", "b.md": "B has no final newline"})
    sync(root, **{"tags.enabled": False})
    assert "papervault:backlinks" in (root / "b.md").read_text()
    (root / "a.md").write_text("no link now")
    sync(root, **{"tags.enabled": False})
    assert (root / "b.md").read_bytes() == b"B has no final newline"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", ["", "\ufeff"])
@pytest.mark.parametrize("final", [True, False])
def test_line_endings_bom_and_final_newline_are_kept(
    tmp_path: Path, newline: str, bom: str, final: bool
) -> None:
    body = newline.join(["---", "title: T", "---", "# Head", "", "text"]) + (newline if final else "")
    target = (bom + body).encode()
    root = write_vault(tmp_path / "v", {"a.md": "[[t]]", "t.md": target})
    mode = 0o640
    os.chmod(root / "t.md", mode)
    sync(root, **{"tags.enabled": False})
    data = (root / "t.md").read_bytes()
    assert data.startswith(target)
    added = data[len(target) :].decode()
    assert added.replace(newline, "") == added.replace("\r\n", "").replace("\n", "")
    if newline == "\n":
        assert "\r" not in added
    assert data.endswith(newline.encode()) is final
    assert (root / "t.md").stat().st_mode & 0o777 == mode
    assert strip_regions(data.decode()).encode() == target


@pytest.mark.parametrize(
    "broken",
    [
        "<!-- papervault:backlinks:start -->\nno end\n",
        "<!-- papervault:backlinks:end -->\n",
        "<!-- papervault:backlinks:start -->\n" * 2 + "<!-- papervault:backlinks:end -->\n",
        "```\n<!-- papervault:backlinks:start -->\n```\n",
    ],
    ids=["missing-end", "end-before-start", "second-start", "inside-code"],
)
def test_malformed_markers_are_reported_and_the_file_left_alone(tmp_path: Path, broken: str) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[t]]", "t.md": "text\n" + broken})
    before = (root / "t.md").read_bytes()
    result = CliRunner().invoke(main, ["-C", str(root), "sync", "--no-tags"])
    assert result.exit_code == 1
    assert "t.md:" in result.stderr and "PV402" in result.stderr
    assert (root / "t.md").read_bytes() == before


def test_tag_pages_nested_case_variants_and_unused_pages(tmp_path: Path) -> None:
    root = write_vault(
        tmp_path / "v",
        {
            "a.md": "---\ntags: [ML, rl/self-play]\n---\ntext #ml",
            "b.md": "text #rl",
            "draft.md": "---\ndraft: true\ntags: [secret]\n---\n",
        },
    )
    sync(root, **{"backlinks.enabled": False})
    pages = sorted(str(p.relative_to(root)) for p in (root / "tags").rglob("*.md"))
    assert pages == ["tags/ML.md", "tags/rl.md", "tags/rl/self-play.md"]
    rl = (root / "tags" / "rl.md").read_text()
    assert "- [[tags/rl/self-play|rl/self-play]]" in rl
    assert "2 notes tagged `rl`:" in rl
    # the tag goes away: the untouched page goes too; a page the user wrote in stays
    (root / "a.md").write_text("no tags now")
    (root / "tags" / "ML.md").write_text((root / "tags" / "ML.md").read_text() + "\nMy own words.\n")
    result = sync_vault(load_config(vault=root, overrides={"backlinks.enabled": False}))
    assert not (root / "tags" / "rl" / "self-play.md").exists()
    assert (root / "tags" / "ML.md").exists()
    assert [(d.path, d.code) for d in result.diagnostics()] == [("tags/ML.md", "PV403")]


def test_user_text_in_a_tag_page_is_kept(tmp_path: Path) -> None:
    page = "---\ntitle: Plugins\n---\nWhat plugins are.\n"
    root = write_vault(tmp_path / "v", {"tags/plugin.md": page, "a.md": "#plugin"})
    sync(root, **{"backlinks.enabled": False})
    text = (root / "tags" / "plugin.md").read_text()
    assert text.startswith(page) and "- [[a]]" in text


@pytest.mark.parametrize("tag", ["../../escape", "..", ".hidden", "index", "a/../../b"])
def test_a_tag_never_writes_outside_the_tags_folder(tmp_path: Path, tag: str) -> None:
    root = write_vault(tmp_path / "v", {"a.md": f"---\ntags: ['{tag}']\n---\n"})
    result = sync_vault(load_config(vault=root, overrides={"backlinks.enabled": False}))
    written = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.md")}
    assert written <= {"v/a.md"} | {w for w in written if w.startswith("v/tags/")}
    assert not (root / "tags" / "index.md").exists()
    assert all(d.code == "PV408" for d in result.diagnostics())


@pytest.mark.parametrize("folder", ["../outside", "/tmp/x", ""])
def test_tags_folder_must_be_inside_the_vault(tmp_path: Path, folder: str) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "#t"})
    with pytest.raises(ConfigError):
        sync_vault(load_config(vault=root, overrides={"tags.folder": folder}))


def test_cli_exit_codes_check_and_diff(tmp_path: Path) -> None:
    root = Path(shutil.copytree(EXAMPLE_VAULT, tmp_path / "v", ignore=shutil.ignore_patterns(".papervault")))
    write_vault(root, {"new note.md": "About [[Absolute Zero]]."})
    before = snapshot(root)
    runner = CliRunner()
    check = runner.invoke(main, ["-C", str(root), "sync", "--check"])
    assert check.exit_code == 1 and "would be" in check.output
    diff = runner.invoke(main, ["-C", str(root), "sync", "--diff"])
    assert diff.exit_code == 1 and "+++ b/" in diff.output
    assert snapshot(root) == before, "--check and --diff write nothing"
    first = runner.invoke(main, ["-C", str(root), "sync"])
    assert first.exit_code == 1
    second = runner.invoke(main, ["-C", str(root), "sync"])
    assert second.exit_code == 0 and second.stdout == ""


@pytest.mark.parametrize(("flag", "touched"), [("--no-backlinks", "tags/"), ("--no-tags", "b.md")])
def test_parts_can_be_left_alone(tmp_path: Path, flag: str, touched: str) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b]] #t", "b.md": "b"})
    result = CliRunner().invoke(main, ["-C", str(root), "sync", flag])
    changed = [line.split(":")[0] for line in result.stdout.splitlines()]
    assert changed and all(path.startswith(touched) for path in changed)


# --------------------------------------------------------------------------- properties

NAMES = ["Alpha", "beta note", "Gamma/Delta", "ünï"]
LINKS = st.sampled_from([f"[[{n}]]" for n in NAMES] + ["[[missing]]", "#tag", "#nested/tag", "plain"])
LINE = st.lists(st.one_of(LINKS, st.text(alphabet="abc #*-`>", max_size=12)), max_size=5).map(" ".join)
BODY = st.lists(LINE, max_size=6)


@st.composite
def vaults(draw: st.DrawFn) -> dict[str, bytes]:
    files = {}
    for name in NAMES:
        lines = draw(BODY)
        newline = draw(st.sampled_from(["\n", "\r\n"]))
        text = newline.join(lines) + (newline if draw(st.booleans()) else "")
        bom = "\ufeff" if draw(st.booleans()) else ""
        files[f"{name}.md"] = (bom + text).encode()
    return files


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=vaults())
def test_sync_property_fixed_point_and_user_bytes(
    tmp_path_factory: pytest.TempPathFactory, files: dict
) -> None:
    root = write_vault(tmp_path_factory.mktemp("v"), files)
    before = snapshot(root)
    # a note ending in an open code fence (a ``` line) gets no section: PV406, file untouched
    open_fence = frozenset({"PV406"})
    sync(root, allow=open_fence)
    after = snapshot(root)
    assert_user_bytes_kept(before, after)
    for path, old in before.items():
        new = after[path]
        assert new.startswith(b"\xef\xbb\xbf") == old.startswith(b"\xef\xbb\xbf")
        if b"\r\n" in old and old.count(b"\r\n") > old.count(b"\n") - old.count(b"\r\n"):
            assert new.count(b"\r\n") >= old.count(b"\r\n")
    assert sync(root, allow=open_fence) == []


def test_a_note_ending_in_an_open_fence_is_reported_and_left_alone(tmp_path: Path) -> None:
    """Found by the property above: text appended after an unclosed ``` would be code."""
    root = write_vault(tmp_path / "v", {"a.md": "[[b]]\n", "b.md": "x\n```\ncode\n"})
    config = load_config(vault=root, overrides={"tags.enabled": False})
    result = sync_vault(config)
    assert [(d.path, d.line, d.code) for d in result.diagnostics()] == [("b.md", 2, "PV406")]
    assert (root / "b.md").read_bytes() == b"x\n```\ncode\n"


def test_removing_a_region_does_not_change_how_the_text_around_it_reads(tmp_path: Path) -> None:
    """Found by the generated-vault property: the blank lines of a region ended an HTML
    block, so removing the region turned the table after it into HTML, dropped its link,
    and a second sync changed more. Notes are read as if their regions were not there."""
    stale = (
        "<div>\n<a href='x'></a>\n</div>\n[[Alpha]]\n\n<!-- papervault:backlinks:start -->\n\n"
        "- [[Alpha]] stale\n\n<!-- papervault:backlinks:end -->\n| a | b |\n|---|---|\n| [[Alpha\\|x]] |  |"
    )
    root = write_vault(tmp_path / "v", {"Alpha.md": "", "other.md": stale})
    sync(root, **{"tags.enabled": False})
    assert sync(root, **{"tags.enabled": False}) == []
