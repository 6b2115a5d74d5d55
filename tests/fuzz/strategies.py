"""Hypothesis strategies for nasty notes and vaults, shared by the reliability tests and
the fuzz harnesses.

Everything a real vault throws at papervault, mixed: CRLF, LF and lone-CR line endings
(also within one file), a BOM, no final newline, trailing blank lines, marker-like lines
inside code and frontmatter, existing managed regions, wikilinks with aliases and anchors,
embeds, markdown links, tags (nested, non-ASCII, case variants), duplicate and case-only
note names, alias-only links, unquoted arXiv numbers, deprecated ``tag:`` keys, comments,
HTML, code spans and blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

BOM = "\ufeff"
NEWLINES = ("\n", "\r\n", "\r")

# -- names ---------------------------------------------------------------------------------

#: note stems; "alpha"/"Alpha" differ in case only, "Alpha" also lives in a subfolder
STEMS = ("Alpha", "alpha", "Beta Note", "ünï cödé", "C++ & co", "Ωmega (v2)", "with.dots.v2", "Tags")
FOLDERS = ("", "sub/", "Deep/er/")
ALIASES = ("Nick", "Other Name", "ALPHA-alias")
TAGS = ("ml", "ML", "rl/self-play", "rl", "ünï", "🚀", "a-b_c", "deep/nested/tag", "x1")

START = "<!-- papervault:backlinks:start -->"
END = "<!-- papervault:backlinks:end -->"
#: lines that look like papervault markers
MARKER_LIKE = (
    START,
    END,
    "<!-- papervault:tag-index:start generated -->",
    "<!-- papervault:backlinks:END -->",
    "    <!-- papervault:backlinks:start -->",
    "<!-- papervault:x:start --> trailing text",
)


def _link_fragments(names: list[str]) -> st.SearchStrategy[str]:
    name = st.sampled_from(names)
    alias = st.sampled_from(ALIASES)
    return st.one_of(
        name.map(lambda n: f"[[{n}]]"),
        name.map(lambda n: f"[[{n}|shown text]]"),
        name.map(lambda n: f"[[{n}#Heading One]]"),
        name.map(lambda n: f"[[{n}#^blk-1]]"),
        name.map(lambda n: f"![[{n}]]"),
        name.map(lambda n: f"[[{n.upper()}]]"),  # case-only
        name.map(lambda n: f"[[{n.swapcase()}|x]]"),
        name.map(lambda n: f"[md]({n.replace(' ', '%20')}.md)"),
        name.map(lambda n: f"[md](<{n}.md>)"),
        alias.map(lambda a: f"[[{a}]]"),  # alias-only
        st.sampled_from(["[[missing note]]", "[[]]", "[[#Heading One]]", "![[img.png]]", "[[a\\|b]]"]),
    )


INLINE_NOISE = st.sampled_from(
    [
        "plain words",
        " ",
        "\t",
        "  ",
        "**bold**",
        "_em_",
        "`code [[Alpha]] #ml`",
        "``tick ` tick``",
        "%%comment [[Alpha]] #hidden%%",
        "%%",
        "<span>html</span>",
        '<a href="Beta Note.md">a</a>',
        "<!-- comment [[Alpha]] -->",
        "https://arxiv.org/abs/1706.03762v5",
        "arXiv:2504.19162",
        "https://openreview.net/forum?id=SkT5Yg-RZ",
        "doi:10.48550/arXiv.2101.00001",
        "#123",
        "^blk-1",
        "\u00a0",
        "\u200d",
        "\u2028",
        "\x0c",
        "\u202e",
        "é",
        "🚀",
        "&amp;",
        "\\[[not a link]]",
        "[[",
        "]]",
        "[x](y",
    ]
)


def inline_text(names: list[str]) -> st.SearchStrategy[str]:
    """One line of inline markdown (no line breaks)."""
    piece = st.one_of(
        _link_fragments(names),
        st.sampled_from(TAGS).map(lambda t: f"#{t}"),
        INLINE_NOISE,
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=6
        ),
    )
    return st.lists(piece, max_size=6).map(" ".join)


@dataclass
class Lines:
    """A note as lines without line endings, and whether it holds marker-like text
    that papervault must treat as malformed (the file must then stay untouched)."""

    lines: list[str] = field(default_factory=list)
    poisoned: bool = False


@st.composite
def blocks(draw: st.DrawFn, names: list[str]) -> Lines:
    """One block of a note body: a paragraph, heading, list, quote, code, region..."""
    kind = draw(
        st.sampled_from(
            [
                "paragraph",
                "paragraph",
                "heading",
                "setext",
                "list",
                "quote",
                "code",
                "code-marker",
                "indented-code",
                "comment-block",
                "blank",
                "region",
                "html",
                "table",
            ]
        )
    )
    text = draw(inline_text(names))
    if kind == "paragraph":
        return Lines([text, *draw(st.lists(inline_text(names), max_size=2))])
    if kind == "heading":
        return Lines(
            [f"{'#' * draw(st.integers(1, 6))} {draw(st.sampled_from(['Heading One', 'Sec']))} {text}"]
        )
    if kind == "setext":
        return Lines(["Heading One", draw(st.sampled_from(["===", "---"]))])
    if kind == "list":
        items = draw(st.lists(inline_text(names), min_size=1, max_size=3))
        return Lines(
            [f"{'  ' * (i % 3)}{draw(st.sampled_from(['-', '*', '1.']))} {t}" for i, t in enumerate(items)]
        )
    if kind == "quote":
        return Lines([f"> {text}", f"> > {draw(inline_text(names))}"])
    if kind == "code":
        fence = draw(st.sampled_from(["```", "~~~", "````"]))
        return Lines([fence + draw(st.sampled_from(["", "python", "md"])), text, fence])
    if kind == "code-marker":
        fence = draw(st.sampled_from(["```", "~~~"]))
        return Lines([fence, draw(st.sampled_from(MARKER_LIKE)), "[[Alpha]] #ml", fence], poisoned=True)
    if kind == "indented-code":
        return Lines(["", f"    {text}", "    [[Alpha]]", ""])
    if kind == "comment-block":
        return Lines(["%%", text, "[[Beta Note]]", "%%"])
    if kind == "blank":
        return Lines(["" for _ in range(draw(st.integers(1, 3)))])
    if kind == "region":
        # an existing, well-formed region, with stale content that must never be indexed
        name = draw(st.sampled_from(["backlinks", "tag-index", "other-tool"]))
        start = f"<!-- papervault:{name}:start{draw(st.sampled_from(['', ' generated by papervault']))} -->"
        return Lines(["", start, "", "- [[Alpha]] stale #stale", "", f"<!-- papervault:{name}:end -->"])
    if kind == "html":
        return Lines(["<div>", f'<a href="https://arxiv.org/abs/2504.19162">{text}</a>', "</div>"])
    return Lines(["| a | b |", "|---|---|", f"| [[Alpha\\|x]] | {text} |"])


@st.composite
def frontmatter(draw: st.DrawFn, names: list[str]) -> Lines:
    lines = ["---"]
    poisoned = False
    for key in draw(st.lists(st.sampled_from(FRONTMATTER_KEYS), unique=True, max_size=6)):
        if key == "marker":
            lines += ["description: |", f"  {draw(st.sampled_from(MARKER_LIKE[:3]))}"]
            poisoned = True
        elif key == "tags":
            tags = draw(st.lists(st.sampled_from(TAGS), max_size=3))
            style = draw(st.sampled_from(["flow", "block", "comma", "hash"]))
            if style == "flow":
                lines.append(f"tags: [{', '.join(tags)}]")
            elif style == "block":
                lines += ["tags:", *(f"  - {t}" for t in tags)]
            elif style == "comma":
                lines.append(f"tags: {', '.join(tags)}")
            else:
                lines.append(f"tags: ['#{tags[0]}']" if tags else "tags:")
        elif key == "tag":
            lines.append(f"tag: {draw(st.sampled_from(TAGS))}")
        elif key == "aliases":
            lines.append(f"aliases: [{', '.join(draw(st.lists(st.sampled_from(ALIASES), max_size=2)))}]")
        elif key == "alias":
            lines.append(f"alias: {draw(st.sampled_from(ALIASES))}")
        elif key == "related":
            lines.append(f'related: "[[{draw(st.sampled_from(names))}]]"')
        else:
            lines.append(draw(st.sampled_from(FRONTMATTER_VALUES[key])))
    lines.append(draw(st.sampled_from(["---", "---  "])))
    return Lines(lines, poisoned)


FRONTMATTER_KEYS = (
    "title",
    "tags",
    "tag",
    "aliases",
    "alias",
    "arxiv",
    "draft",
    "related",
    "marker",
    "other",
)
FRONTMATTER_VALUES = {
    "title": ["title: A Title", "title: 'Quoted: title'", 'title: "multi\\nline"', "title:"],
    "arxiv": ["arxiv: 2504.19160", "arxiv: '1706.03762'", "arxiv: 2101.00001v2", "arxiv_id: 2103.03386"],
    "draft": ["draft: true", "draft: false", "publish: true"],
    "other": [
        "date: 2025-05-30",
        "on: yes",
        "empty:",
        "nested:\n  a: [1, 2]",
        "url: https://arxiv.org/abs/1706.03762",
    ],
}


@dataclass
class NoteText:
    text: str
    poisoned: bool


@st.composite
def notes(draw: st.DrawFn, names: list[str] | None = None) -> NoteText:
    """One note's full text: BOM, frontmatter, blocks, any newline style, any ending."""
    names = names or [*STEMS, "sub/Alpha"]
    parts: list[Lines] = []
    if draw(st.booleans()):
        parts.append(draw(frontmatter(names)))
    parts += draw(st.lists(blocks(names), max_size=7))
    lines = [line for part in parts for line in part.lines]
    lines += ["" for _ in range(draw(st.integers(0, 2)))]  # trailing blank lines
    style = draw(st.sampled_from(["lf", "crlf", "cr", "mixed"]))
    if style == "mixed":
        endings = draw(st.lists(st.sampled_from(NEWLINES), min_size=len(lines), max_size=len(lines)))
    else:
        endings = [{"lf": "\n", "crlf": "\r\n", "cr": "\r"}[style]] * len(lines)
    # a line's own newlines ("nested:\n  a: ...") follow the file's style too
    body = "".join(line.replace("\n", ending) + ending for line, ending in zip(lines, endings, strict=True))
    if body and not draw(st.booleans()):  # no final newline
        body = body[: -len(endings[-1])]
    bom = BOM if draw(st.integers(0, 4)) == 0 else ""
    return NoteText(bom + body, any(part.poisoned for part in parts))


@dataclass
class GeneratedVault:
    files: dict[str, bytes]
    #: notes holding marker-like text in code or frontmatter: never to be written
    poisoned: set[str]


@st.composite
def vaults(draw: st.DrawFn) -> GeneratedVault:
    """A small vault of nasty notes: duplicate and case-only names, aliases, tag pages."""
    paths = draw(
        st.lists(
            st.tuples(st.sampled_from(FOLDERS), st.sampled_from(STEMS)).map(lambda p: f"{p[0]}{p[1]}.md"),
            min_size=2,
            max_size=6,
            unique=True,
        )
    )
    if draw(st.booleans()):
        paths.append(draw(st.sampled_from(["tags/ml.md", "tags/rl/self-play.md", "tags/stale.md"])))
    names = sorted({p.removesuffix(".md").rsplit("/", 1)[-1] for p in paths} | {"sub/Alpha", "missing"})
    files: dict[str, bytes] = {}
    poisoned: set[str] = set()
    for path in paths:
        note = draw(notes(names))
        files[path] = note.text.encode("utf-8")
        if note.poisoned:
            poisoned.add(path)
    if draw(st.booleans()):
        files["img.png"] = b"\x89PNG\r\n\x1a\n\x00binary"
    return GeneratedVault(files, poisoned)


@st.composite
def markdown_documents(draw: st.DrawFn) -> str:
    """A note text for parser fuzzing: the structured generator, or arbitrary text
    sprinkled with markdown and Obsidian syntax."""
    if draw(st.booleans()):
        return draw(notes()).text
    piece = st.one_of(
        st.sampled_from(
            [
                "[[",
                "]]",
                "[",
                "](",
                ")",
                "|",
                "#",
                "^",
                "!",
                "`",
                "```",
                "~~~",
                "%%",
                "<",
                ">",
                "<!--",
                "-->",
                "---",
                "\n",
                "\r\n",
                "\r",
                "    ",
                "- ",
                "> ",
                "1. ",
                "\\",
                "&amp;",
                "&#38;",
                "http://",
                "arxiv.org/abs/",
                "arXiv:",
                "1706.03762",
                "openreview.net/forum?id=",
                "SkT5Yg-RZ",
                "10.48550/arXiv.",
                "v2",
                "#tag",
                "[[Alpha|x]]",
                "[a](b.md)",
                "<https://arxiv.org/abs/2504.19162>",
                START,
                END,
            ]
        ),
        st.text(max_size=4),
    )
    return "".join(draw(st.lists(piece, max_size=40)))
