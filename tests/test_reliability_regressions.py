"""Regression tests for failures the reliability suite found (see docs/reliability.md,
"Found and fixed"). Each one failed before its fix."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from papervault import sync as sync_module
from papervault.cli import main
from papervault.model import Diagnostic
from papervault.parse import parse_text
from papervault.splice import strip_regions
from tests.conftest import write_vault


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["-C", str(root), *args])
    assert "internal error" not in result.output and "Traceback" not in result.output, result.output
    return result.exit_code, result.stdout, result.stderr


def backlinks_of(root: Path, name: str) -> str:
    text = (root / name).read_text(encoding="utf-8")
    return text[text.index("<!-- papervault:backlinks:start") :]


# --- odd file names: the run used to stop with an internal error (exit 3) ---------------------


def test_a_file_name_that_is_not_utf8_is_reported_and_the_rest_is_processed(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"good.md": "[[target]]", "target.md": "t\n"})
    with open(os.path.join(os.fsencode(root), b"caf\xe9.md"), "wb") as handle:
        handle.write(b"[[target]]\n")
    code, out, _ = run(root, "check")
    assert code == 1
    assert "caf\ufffd.md:1: PV101 the name is not valid UTF-8; skipped" in out.splitlines()
    code, _, _ = run(root, "sync")  # sync reports only what blocks a sync; check names the file
    assert code == 1
    assert "- [[good]]" in backlinks_of(root, "target.md")


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("new\nline.md", "new\\nline.md"),
        ("cr\rname.md", "cr\\rname.md"),
        ("evil\n<!-- papervault:backlinks:end -->\n.md", "evil\\n<!-- papervault:backlinks:end -->\\n.md"),
        ("bell\x07.md", "bell\\x07.md"),
        ("sep\u2028.md", "sep\\u2028.md"),
    ],
)
def test_a_file_name_with_a_line_break_is_reported_on_one_line_and_skipped(
    tmp_path: Path, name: str, shown: str
) -> None:
    root = write_vault(tmp_path / "v", {"good.md": "[[target]]", "target.md": "t\n", name: "[[target]]\n"})
    before = (root / name).read_bytes()
    code, out, _ = run(root, "check")
    assert code == 1
    assert (
        f"{shown}:1: PV101 the name holds a line break or another control character; skipped"
        in out.splitlines()
    )
    code, _, _ = run(root, "sync")
    assert code == 1
    assert backlinks_of(root, "target.md").count("\n- ") == 1  # only good.md
    assert (root / name).read_bytes() == before


def test_tabs_and_other_odd_characters_in_names_are_fine(tmp_path: Path) -> None:
    names = ["tab\there.md", "-rf.md", "back\\slash.md", 'quote\'s & "dq".md', "日本語 ünï.md", "a#b^c.md"]
    root = write_vault(tmp_path / "v", {"target.md": "t\n", **{n: "[[target]]\n" for n in names}})
    code, _, _ = run(root, "sync", "--no-tags")
    assert code == 1
    assert backlinks_of(root, "target.md").count("\n- ") == len(names)
    assert run(root, "sync", "--no-tags")[0] == 0


# --- user text holding line breaks and marker text: sync used to crash or stop -----------------

EVIL_TITLE = "evil\n<!-- papervault:backlinks:end -->"


@pytest.mark.parametrize("style", ["wikilink", "markdown", "text"])
def test_a_title_with_line_breaks_is_rendered_on_one_line(tmp_path: Path, style: str) -> None:
    root = write_vault(
        tmp_path / "v",
        {
            "src.md": '---\ntitle: "evil\\n<!-- papervault:backlinks:end -->"\n---\n[[target]]\n',
            "target.md": "t\n",
        },
    )
    (root / "papervault.toml").write_text(f'[backlinks]\nstyle = "{style}"\n')
    code, out, _ = run(root, "sync", "--no-tags")
    assert (code, out) == (1, "target.md: backlinks added\n")
    region = backlinks_of(root, "target.md")
    entries = [line for line in region.splitlines() if line.startswith("- ")]
    assert len(entries) == 1 and "evil <!-- papervault:backlinks:end -->" in entries[0].replace("\\", "")
    assert run(root, "sync", "--no-tags")[0] == 0


def test_a_tag_with_line_breaks_gets_a_valid_page_and_the_rest_is_synced(tmp_path: Path) -> None:
    root = write_vault(
        tmp_path / "v",
        {
            "src.md": '---\ntags: ["x\\n<!-- papervault:tag-index:end -->", ok]\n---\n[[target]]\n',
            "target.md": "t\n",
        },
    )
    code, out, _ = run(root, "sync")
    assert code == 1
    assert "target.md: backlinks added" in out and "tags/ok.md: tag page created" in out
    (page,) = [p for p in (root / "tags").glob("x*.md")]
    note = parse_text(page.read_text(encoding="utf-8"), "tags/x.md")
    assert note.diagnostics == () and note.frontmatter["title"] == "x\n<!-- papervault:tag-index:end -->"
    assert run(root, "sync")[0] == 0


def test_a_renderer_failure_leaves_that_file_alone_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b]] [[c]] #t", "b.md": "b\n", "c.md": "c\n"})
    real_splice = sync_module.splice_region

    def bug_for_b(text: str, name: str, body: str | None, **kwargs: object):
        if kwargs.get("path") == "b.md" or name == "tag-index":
            raise ValueError("the body of region 'x' would break its markers")
        return real_splice(text, name, body, **kwargs)

    monkeypatch.setattr(sync_module, "splice_region", bug_for_b)
    result = CliRunner().invoke(main, ["-C", str(root), "sync"])
    assert result.exit_code == 1, result.output
    assert "b.md:1: PV407 internal error, nothing written: " in result.stderr
    assert "tags/t.md:1: PV407 internal error, nothing written: " in result.stderr
    assert (root / "b.md").read_text() == "b\n" and not (root / "tags").exists()
    assert "papervault:backlinks" in (root / "c.md").read_text()


# --- check --fix --------------------------------------------------------------------------------


def test_check_fix_reports_a_fix_it_could_not_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "---\ntag: x\n---\n", "c.md": "---\ntag: y\n---\n"})
    real_replace = os.replace

    def full_disk_for_c(source: str, target: str) -> None:
        if str(target).endswith("c.md"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", full_disk_for_c)
    result = CliRunner().invoke(main, ["-C", str(root), "--no-cache", "check", "--fix", "--select", "PV113"])
    assert result.exit_code == 1, result.output
    assert "c.md:1: PV404 could not update the file: No space left on device" in result.stderr
    assert "fixed a.md:2: PV113" in result.stdout
    assert (root / "c.md").read_text() == "---\ntag: y\n---\n"


def test_check_fix_leaves_a_file_with_malformed_markers_alone_without_an_internal_error(
    tmp_path: Path,
) -> None:
    text = "---\ntag: x\n---\n```\n<!-- papervault:backlinks:start -->\n```\n"
    root = write_vault(tmp_path / "v", {"a.md": text})
    result = CliRunner().invoke(main, ["-C", str(root), "check", "--fix"])
    assert "PV407" not in result.output and "fixed" not in result.output
    assert "a.md:5:1: PV402" in result.stdout
    assert (root / "a.md").read_text() == text


def test_check_fix_renames_both_deprecated_keys_in_one_run(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "---\ntag: ml\nalias: Nick\n---\n"})
    _, out, _ = run(root, "check", "--fix", "--select", "PV113")
    assert [line.split(":")[1] for line in out.splitlines() if line.startswith("fixed")] == ["2", "3"]
    assert (root / "a.md").read_text() == "---\ntags: ml\naliases: Nick\n---\n"
    _, out, _ = run(root, "check", "--fix", "--select", "PV113")
    assert "fixed" not in out


# --- diagnostics --------------------------------------------------------------------------------


def test_marker_problems_name_file_lines_also_after_frontmatter() -> None:
    note = parse_text("---\ntitle: T\n---\n\n```\n<!-- papervault:backlinks:start -->\n```\n", "a.md")
    (problem,) = note.diagnostics
    assert (problem.line, problem.code) == (6, "PV402")
    assert "code block opened on line 5" in problem.message


def test_a_marker_like_line_in_the_frontmatter_is_reported_by_check_too() -> None:
    note = parse_text("---\ndescription: |\n  <!-- papervault:backlinks:start -->\n---\nbody\n", "a.md")
    assert [(d.line, d.code) for d in note.diagnostics] == [(3, "PV402")]


def test_a_diagnostic_is_always_one_line() -> None:
    finding = Diagnostic("a.md", 2, 0, "PV301", "tag 'x\ny' is also written 'X\r\nY'", fix="x\ny")
    assert str(finding) == "a.md:2: PV301 tag 'x\\ny' is also written 'X\\r\\nY' (fix: x\\ny)"


def test_stripping_the_new_tag_page_gives_its_frontmatter() -> None:
    from papervault.render import tag_page_preamble

    head = tag_page_preamble("a\n<!-- papervault:tag-index:start -->\u2028b")
    assert "\n<!--" not in head and len(head.splitlines()) == 4
    assert strip_regions(head) == head


# --- a cache folder symlinked out of the vault used to be written through ------------------------


def test_a_cache_folder_that_leads_outside_the_vault_is_not_used(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = write_vault(tmp_path / "v", {"a.md": "[[b]]", "b.md": "b\n"})
    (root / ".papervault").symlink_to(outside, target_is_directory=True)
    for command in ("index", "check", "sync"):
        result = CliRunner().invoke(main, ["-C", str(root), command])
        assert result.exit_code in (0, 1), result.output
        assert "leads outside the vault; running without the cache" in result.stderr
    assert os.listdir(outside) == []
    assert "papervault:backlinks" in (root / "b.md").read_text()


# --- found by the fuzzer: mistune 3.4 put a lazy quote after the block that ended it ----------


@pytest.mark.parametrize(
    "data",
    [
        b"> > [[b]]\n- [[a]]\n# H [[c]]\n",
        b'> [[Alpha]]\n> > \n<div>\n<a href="https://arxiv.org/abs/2504.19162"></a>\n</div>\n- \n  - [[Alpha]]\n# H',
    ],
)
def test_positions_after_a_nested_quote_ended_by_a_list(data: bytes) -> None:
    from tests.fuzz.checks import check_note

    note = parse_text(data.decode(), "a.md")
    check_note(data, note)
    assert [link.line for link in note.links] == sorted(link.line for link in note.links)


# --- found by the 10,000-example run: removing a region joined the text around it ----------------


def test_removing_a_region_between_html_and_a_link_is_still_a_fixed_point(tmp_path: Path) -> None:
    """Removing the region (and its blank line) put ``[[c]]`` inside the HTML block above
    it, so the next sync removed c's backlinks: fixed when the parser started reading notes
    without their regions (bc0b4d1)."""
    region = "<!-- papervault:backlinks:start -->\n- stale\n<!-- papervault:backlinks:end -->\n"
    root = write_vault(tmp_path / "v", {"b.md": f"<div>\nx\n</div>\n\n{region}[[c]]\n", "c.md": "c\n"})
    run(root, "sync", "--no-tags")
    first = {p.name: p.read_bytes() for p in root.glob("*.md")}
    code, out, _ = run(root, "sync", "--no-tags")
    assert (code, out) == (0, "") and {p.name: p.read_bytes() for p in root.glob("*.md")} == first


# --- open: found by the 10,000-example run (splice.py; see docs/reliability.md) -----------------


def test_a_region_whose_start_line_ends_in_a_lone_cr_can_be_updated(tmp_path: Path) -> None:
    """Found by the 10,000-example run: the region was rewritten with lone-CR line ends, and
    its last CR fused with the LF after it into one CRLF, so the user's blank line would
    have gone; the safety check refused the edit (PV407) and the file was never updated.
    The region now keeps its own final line ending there."""
    region = "<!-- papervault:backlinks:start -->\r\r\n- stale\n<!-- papervault:backlinks:end -->\n"
    root = write_vault(tmp_path / "v", {"a.md": "[[b]]\n", "b.md": f"x\n\n{region}\n\n"})
    assert run(root, "sync", "--no-tags")[:2] == (1, "b.md: backlinks updated\n")
    new = (root / "b.md").read_bytes().decode("utf-8")
    assert new.startswith("x\n\n<!-- papervault:backlinks:start") and "\r- [[a]]\r" in new
    assert new.endswith("\r<!-- papervault:backlinks:end -->\n\n\n")
    assert strip_regions(new) == "x\n\n\n\n"
    assert run(root, "sync", "--no-tags")[:2] == (0, "")


def test_a_region_with_its_own_line_endings_in_a_mixed_file_is_read_as_a_sync_cuts_it(tmp_path: Path) -> None:
    """The parser read the note without its regions after turning CRLF into LF, so in a
    mixed file it took the blank line before a CRLF region as its separator, which the
    sync (working on the file's own line endings) keeps: the table link was hidden in the
    HTML block until the region was gone, and the second sync changed more."""
    region = "<!-- papervault:backlinks:start -->\r\n- stale\n<!-- papervault:backlinks:end -->\n"
    note = f"<div>\nx\n</div>\n\n{region}| a | b |\n|---|---|\n| [[c\\|x]] |  |\n"
    root = write_vault(tmp_path / "v", {"b.md": note, "c.md": "c\n"})
    _, out, _ = run(root, "sync", "--no-tags")
    assert out == "b.md: backlinks removed\nc.md: backlinks added\n"
    assert run(root, "sync", "--no-tags")[:2] == (0, "")


def test_a_link_destination_with_non_ascii_and_escapes_is_found_where_written() -> None:
    """mistune stores ``ünï%20x.md`` as ``%C3%BCn%C3%AF%20x.md``; no searched form matched
    the source, so the link was matched to a later ``<ünï x.md>`` and the HTML after it
    got wrong positions (found by the fuzzer)."""
    from tests.fuzz.checks import check_note

    text = '[md](ünï%20cödé.md)\n<div>\n<a href="https://arxiv.org/abs/2504.19162">[md](<ünï cödé.md>)</a>\n</div>'
    note = parse_text(text, "a.md")
    check_note(text.encode(), note)
    assert [(link.raw, link.line, link.column) for link in note.links] == [("ünï%20cödé.md", 1, 6)]


def test_a_region_before_a_last_region_without_final_newline_can_be_removed(tmp_path: Path) -> None:
    """Found by the 10,000-example run: in ``a\\n<region>\\n\\n<region>`` (no final newline)
    the first region's final line ending is half of the last region's separator, so
    removing the first region alone would also have taken the user's line break after
    ``a``; the safety check refused it (PV407). It now goes with that separator."""

    def region(name: str) -> str:
        return f"<!-- papervault:{name}:start -->\n- x\n<!-- papervault:{name}:end -->"

    text = f"a\n{region('backlinks')}\n\n{region('other')}"
    root = write_vault(tmp_path / "v", {"b.md": text})
    assert strip_regions(text) == "a\n"
    assert run(root, "sync", "--no-tags")[:2] == (1, "b.md: backlinks removed\n")
    new = (root / "b.md").read_bytes().decode("utf-8")
    assert new == f"a\n{region('other')}" and strip_regions(new) == "a\n"
    assert run(root, "sync", "--no-tags")[:2] == (0, "")


def test_a_comment_opening_a_heading_line_leaves_no_mask_characters() -> None:
    """Found by atheris: a setext heading whose line starts with a %%comment%% kept the
    parser's private mask characters (U+E000) in its text, and so in the section names
    written into backlinks sections."""
    note = parse_text("%%c%% Title\n---\n[[t]]\n", "a.md")
    assert [h.text for h in note.headings] == ["Title"] and note.links[0].section == "Title"


@pytest.mark.parametrize(
    ("text", "headings"),
    [
        ("a\n\n\x0bTitle\n---\n[[t]]\n", [("Title", 3)]),
        ("# A\n\n## \x0bB c\n", [("A", 1), ("B c", 3)]),
        ("# H\ntext\n\n\x0bx y\nz\n---\n", [("H", 1), ("x y\nz", 4)]),
        ("x\n\n> - ## \x0bQuoted\n", [("Quoted", 3)]),
        ("x\n\n- - Title\n  --\n", [("Title", 3)]),
        ("x\n\n> 1. - ## Deep\n", [("Deep", 3)]),
    ],
    ids=["setext", "atx", "setext-two-lines", "quote-and-list", "nested-lists", "quote-nested-lists"],
)
def test_a_heading_after_a_vertical_tab_or_form_feed_is_found_on_its_line(
    text: str, headings: list[tuple[str, int]]
) -> None:
    """Found by atheris (twice): the heading's text is ``str.strip()``-ed, which also takes
    \\v and \\f, but its line was looked for with only spaces, tabs, '>' and one list marker
    before the text, so the heading got the line of the heading before it."""
    assert [(h.text, h.line) for h in parse_text(text, "a.md").headings] == headings


def test_a_code_span_over_two_lines_does_not_hide_the_links_after_it() -> None:
    """Found by hypothesis: mistune joins a code span's lines with a space, so its text was
    not found as written, and the same words later on the line were taken for it: the
    links before them were reported at the cursor, past their text."""
    text = "` [[Alpha]]\n[[Alpha]] ` [[Alpha]] [[Alpha]]"
    note = parse_text(text, "a.md")
    assert [(link.line, link.column) for link in note.links] == [(2, 13), (2, 23)]


def test_a_comment_inside_a_link_leaves_its_raw_text_as_written() -> None:
    """Found by atheris: ``%%comments%%`` are blanked before parsing, and a link's raw text
    was taken from the blanked text, so it no longer matched the source at its position
    (and a fix replacing the link there would have been refused)."""
    note = parse_text("see [[a%%c%%b]] and [x](<d%%e%%f.md>)\n", "a.md")
    assert [(link.raw, link.column) for link in note.links] == [("[[a%%c%%b]]", 5), ("<d%%e%%f.md>", 25)]


def test_a_setext_heading_whose_first_lines_are_comments_is_on_the_line_of_its_text() -> None:
    """Found by atheris: a line holding only %%comments%% (blanked, but not blank) starts
    the paragraph a setext heading is made of, and the heading got that line."""
    note = parse_text("x\n\n%%a%%%%b%%\nTitle\n---\n", "a.md")
    assert [(h.text, h.line) for h in note.headings] == [("Title", 4)]
