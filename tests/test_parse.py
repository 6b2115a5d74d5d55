"""The note parser: every Obsidian syntax, with exact positions, and what must not count."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papervault.parse import comment_spans, parse_note, parse_text, split_wikilink


def links(text: str) -> list[tuple[str, str, str, str | None]]:
    return [(link.kind, link.target, link.anchor, link.display) for link in parse_text(text).links]


def tags(text: str) -> list[str]:
    return [tag.name for tag in parse_text(text).tags]


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[[Note]]", [("wikilink", "Note", "", None)]),
        ("[[Note.md]]", [("wikilink", "Note.md", "", None)]),
        ("[[dir/Note]]", [("wikilink", "dir/Note", "", None)]),
        ("[[Note#Heading]]", [("wikilink", "Note", "Heading", None)]),
        ("[[Note#H1#H2]]", [("wikilink", "Note", "H1#H2", None)]),
        ("[[Note#^block-1]]", [("wikilink", "Note", "^block-1", None)]),
        ("[[#Local heading]]", [("wikilink", "", "Local heading", None)]),
        ("[[Note|shown text]]", [("wikilink", "Note", "", "shown text")]),
        ("[[Note#Sec|alias]]", [("wikilink", "Note", "Sec", "alias")]),
        ("[[ Spaced ]]", [("wikilink", "Spaced", "", None)]),
        ("[[]]", [("wikilink", "", "", None)]),
        ("[[folder/]]", [("wikilink", "folder/", "", None)]),
        ("![[Note]]", [("embed", "Note", "", None)]),
        ("![[fig.png|100x145]]", [("embed", "fig.png", "", "100x145")]),
        ("![[paper.pdf#page=3]]", [("embed", "paper.pdf", "page=3", None)]),
        ("| a | [[Note\\|alias]] |\n|---|---|\n", [("wikilink", "Note", "", "alias")]),
        ("| ![[img.png\\|800]] |", [("embed", "img.png", "", "800")]),
        ("[text](Other%20Note.md)", [("markdown", "Other Note.md", "", "text")]),
        ("[text](<Other Note.md>)", [("markdown", "Other Note.md", "", "text")]),
        ("[text](../up/x.md#Some%20Heading)", [("markdown", "../up/x.md", "Some Heading", "text")]),
        ("[text](./sibling.md)", [("markdown", "./sibling.md", "", "text")]),
        ("[local](#heading)", [("markdown", "", "heading", "local")]),
        ("![alt](img/fig%201.png)", [("embed", "img/fig 1.png", "", "alt")]),
        ("[ref][r]\n\n[r]: <My Note.md>\n", [("markdown", "My Note.md", "", "ref")]),
        ('<a href="Target.md">t</a>', [("markdown", "Target.md", "", None)]),
        ("Two [[A]] and [[B]] on a line", [("wikilink", "A", "", None), ("wikilink", "B", "", None)]),
    ],
)
def test_link_syntax(markdown: str, expected: list[tuple[str, str, str, str | None]]) -> None:
    assert links(markdown) == expected


@pytest.mark.parametrize(
    "markdown",
    [
        "`[[code]]`",
        "``[[double ticks]]``",
        "```\n[[fenced]]\n```",
        "~~~md\n[[tilde fenced]]\n~~~",
        "````\n```\n[[nested fence]]\n```\n````",
        "    [[indented code]]",
        "- item\n\n      [[indented code in a list]]",
        "> ```\n> [[fenced in a quote]]\n> ```",
        "<!-- [[html comment]] -->",
        "<!--\n[[multi-line html comment]]\n-->",
        "%%[[obsidian comment]]%%",
        "%%\n[[multi-line comment]]\n%%",
        "text %% unclosed comment [[hidden]]",
        "<!-- papervault:backlinks:start -->\n- [[generated]]\n<!-- papervault:backlinks:end -->",
        "[not a link](https://example.com/[[x]])",
        "\\[\\[escaped]]",
    ],
)
def test_nothing_counts_inside_code_comments_or_managed_regions(markdown: str) -> None:
    note = parse_text(markdown)
    assert note.links == ()
    assert [t for t in note.tags if t.source == "inline"] == []


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("#tag", ["tag"]),
        ("text #tag more", ["tag"]),
        ("#nested/tag/deep", ["nested/tag/deep"]),
        ("#under_score and #dash-ed", ["under_score", "dash-ed"]),
        ("#日本語 and #café", ["日本語", "café"]),
        ("#123", []),
        ("#2024/01", []),
        ("#y2024", ["y2024"]),
        ("foo#bar", []),
        ("(#paren)", []),
        ("a,#x", []),
        ("https://example.com/page#fragment", []),
        ("[link](https://example.com/#frag)", []),
        ("# Heading", []),
        ("## Heading with #tag", ["tag"]),
        ("> [!note] Callout\n> with #callout-tag", ["callout-tag"]),
        ("`#code`", []),
        ("#tag.", ["tag"]),
        ("#tag/", ["tag"]),
    ],
)
def test_inline_tags(markdown: str, expected: list[str]) -> None:
    assert tags(markdown) == expected


def test_frontmatter_tags_come_first_then_inline_tags() -> None:
    note = parse_text("---\ntags: [b, '#a']\n---\ntext #c")
    assert [(t.name, t.source) for t in note.tags] == [
        ("b", "frontmatter"),
        ("a", "frontmatter"),
        ("c", "inline"),
    ]


def test_headings_block_ids_and_sections() -> None:
    text = "# Title\nIntro [[A]]\n\n## Method\n\nPara [[B]] ^para-1\n\nSetext\n------\n- item [[C]]\n"
    note = parse_text(text)
    assert [(h.level, h.text, h.line) for h in note.headings] == [
        (1, "Title", 1),
        (2, "Method", 4),
        (2, "Setext", 8),
    ]
    assert [(b.id, b.line) for b in note.block_ids] == [("para-1", 6)]
    assert [(link.target, link.section) for link in note.links] == [
        ("A", "Title"),
        ("B", "Method"),
        ("C", "Setext"),
    ]


CRLF_NOTE = (
    "---\r\ntitle: T\r\ntags:\r\n  - x\r\n---\r\n"
    "# Head\r\n\r\nSee [[First]] and #tag\r\n\r\n```\r\n[[in code]]\r\n```\r\n"
    "Then ![[img.png]] and [md](Other.md) https://arxiv.org/abs/2504.19162\r\n"
)


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf"], ids=["plain", "bom"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"], ids=["crlf", "lf"])
def test_positions_are_exact_with_crlf_and_bom(prefix: bytes, newline: str) -> None:
    data = prefix + CRLF_NOTE.replace("\r\n", newline).encode()
    note = parse_note("n.md", data)
    assert note.title == "T"
    lines = CRLF_NOTE.split("\r\n")
    found = [(link.raw, link.line, link.column) for link in note.links]
    assert found == [("[[First]]", 8, 5), ("![[img.png]]", 13, 6), ("Other.md", 13, 28)]
    for raw, line, column in found:
        assert lines[line - 1][column - 1 :].startswith(raw)
    assert [(t.name, t.line, t.column) for t in note.tags if t.source == "inline"] == [("tag", 8, 19)]
    assert [(c.id, c.line) for c in note.citations] == [("arxiv:2504.19162", 13)]


def test_external_links_are_not_note_links() -> None:
    note = parse_text("[a](https://x.org) <https://y.org> https://z.org/p [m](mailto:me@x.org)")
    assert note.links == ()
    assert [e.url for e in note.external_links] == [
        "https://x.org",
        "https://y.org",
        "https://z.org/p",
        "mailto:me@x.org",
    ]


def test_badge_image_inside_a_link_is_one_citation() -> None:
    text = "[![arXiv](https://img.shields.io/badge/arXiv-2504.19162-b31b1b.svg)](https://arxiv.org/abs/2504.19162)"
    assert [c.id for c in parse_text(text).citations] == ["arxiv:2504.19162"]


def test_link_text_repeating_the_url_is_one_citation() -> None:
    text = "[https://arxiv.org/abs/2504.19162](https://arxiv.org/abs/2504.19162)"
    assert [c.id for c in parse_text(text).citations] == ["arxiv:2504.19162"]


def test_frontmatter_wikilinks_are_links_with_their_line() -> None:
    note = parse_text('---\ntitle: X\nprereqs:\n  - "[[Two-tower]]"\n  - "[[Calibration#Intro]]"\n---\nbody')
    assert [(lk.target, lk.anchor, lk.line, lk.in_frontmatter) for lk in note.links] == [
        ("Two-tower", "", 4, True),
        ("Calibration", "Intro", 5, True),
    ]


def test_managed_region_is_recorded_but_not_indexed() -> None:
    text = (
        "Body [[A]]\n\n<!-- papervault:backlinks:start -->\n"
        "## Backlinks\n- [[B]]\n<!-- papervault:backlinks:end -->\n"
    )
    note = parse_text(text)
    assert [link.target for link in note.links] == ["A"]
    assert [(r.name, r.start_line, r.end_line) for r in note.regions] == [("backlinks", 3, 6)]
    assert note.regions[0].text.startswith("<!-- papervault:backlinks:start -->\n")


def test_comment_followed_by_text_does_not_become_indented_code() -> None:
    assert links("%% a long comment %% [[after]]") == [("wikilink", "after", "", None)]


def test_comment_inside_code_fence_is_not_a_comment() -> None:
    text = "```python\n%%timeit\n```\nreal [[link]]\n"
    assert comment_spans(text) == []
    assert links(text) == [("wikilink", "link", "", None)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[[a]]", ("a", "", None)),
        ("![[a|b]]", ("a", "", "b")),
        ("[[a\\|b]]", ("a", "", "b")),
        ("[[a#h|b|c]]", ("a", "h", "b|c")),
        ("[[a # h ]]", ("a", "h", None)),
    ],
)
def test_split_wikilink(raw: str, expected: tuple[str, str, str | None]) -> None:
    assert split_wikilink(raw) == expected


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\xff\xfe not utf-8", "PV102"),
        (b"text\x00with nul", "PV103"),
        (b"---\ntitle: [unclosed\n---\nbody", "PV110"),
        (b"---\ntitle: x\nbody never closed", "PV111"),
        (b"---\n- a\n- b\n---\nbody", "PV112"),
        (b"---\ntag: x\n---\n", "PV113"),
        (b"---\ntags: a, b\n---\n", "PV114"),
        (b"---\ntags: ['#a']\n---\n", "PV115"),
        (b"---\narxiv: 2504.19160\n---\n", "PV116"),
        (b"<!-- papervault:backlinks:start -->\nno end\n", "PV402"),
    ],
)
def test_bad_input_becomes_a_diagnostic_never_an_exception(data: bytes, code: str) -> None:
    note = parse_note("bad.md", data)
    assert code in [d.code for d in note.diagnostics]
    assert all(d.path == "bad.md" and d.line >= 1 for d in note.diagnostics)


def test_frontmatter_values_stay_strings() -> None:
    note = parse_text("---\narxiv: 2504.19160\ndraft: false\ndate: 2025-05-30\non: yes\nver: 1.10\n---\n")
    assert note.frontmatter == {
        "arxiv": "2504.19160",
        "draft": "false",
        "date": "2025-05-30",
        "on": "yes",
        "ver": "1.10",
    }
    assert [p.id for p in note.papers] == ["arxiv:2504.19160"]


def test_yaml_alias_bomb_is_refused() -> None:
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefg":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
    note = parse_text(bomb + "---\nbody [[A]]\n")
    assert [d.code for d in note.diagnostics] == ["PV117"]
    assert [link.target for link in note.links] == ["A"]


def test_yaml_python_tags_are_never_constructed() -> None:
    note = parse_text("---\nx: !!python/object/apply:os.system ['echo pwned']\n---\n")
    assert note.frontmatter == {"x": ["echo pwned"]}


def test_title_falls_back_to_the_file_stem() -> None:
    assert parse_note("dir/My Note.md", b"no frontmatter").title == "My Note"
    assert parse_note("dir/My Note.md", b"---\ntitle: ''\n---\n").title == "My Note"


@pytest.mark.parametrize(
    ("value", "draft"),
    [("true", True), ("True", True), ("false", False), ("yes", False), ('"true"', True)],
)
def test_draft_follows_quartz(value: str, draft: bool) -> None:
    assert parse_text(f"---\ndraft: {value}\n---\n").draft is draft


wikilink_targets = st.text(
    alphabet=st.characters(blacklist_characters="[]|#\\\n\r%`<>&!*_~^$", blacklist_categories=("Cs", "Cc")),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() == s and s)


@settings(max_examples=200, deadline=None)
@given(before=st.text(alphabet="ab \n-*>", max_size=30), target=wikilink_targets)
def test_a_wikilink_is_found_at_its_exact_position(before: str, target: str) -> None:
    text = f"{before}\n\n[[{target}]]\n"
    note = parse_text(text)
    found = [link for link in note.links if link.target == target]
    assert found, note.links
    line = text.split("\n")[found[0].line - 1]
    assert line[found[0].column - 1 :].startswith(f"[[{target}]]")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises_and_positions_stay_in_the_text(text: str) -> None:
    note = parse_text(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff").split("\n")
    for link in note.links:
        assert 1 <= link.line <= len(lines)
        if link.raw and link.column and not link.in_frontmatter:
            assert link.raw in lines[link.line - 1]


def test_an_encoded_hash_is_part_of_the_file_name() -> None:
    assert links("[x](C%23%20tips.md#Some%20Heading)") == [("markdown", "C# tips.md", "Some Heading", "x")]
