"""Link resolution in every mode, on a hand-made vault (no parser involved).

Each row of ``CASES`` says where one link goes in each mode: a vault path means
"resolved to it", ``!status`` means no target with that status. The Quartz columns follow
obsidian-quartz.md §3 (observed builds) and Quartz's ``transformLink``.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papervault.model import EMBED, MARKDOWN, WIKILINK, BlockId, Heading, Link, Note, Vault
from papervault.resolve import (
    MODES,
    Resolver,
    VaultIndex,
    _quartz_wikilink,
    _quartz_wikilink_literal,
    _strip_bracket_links,
    _strip_html_tags,
    _strip_underscore_emphasis,
    obsidian_heading_key,
    quartz_heading_text,
    resolve_vault,
)
from tests import resolve_oracle as oracle


def note(
    path: str,
    *,
    aliases: tuple[str, ...] = (),
    headings: tuple[tuple[int, str], ...] = (),
    blocks: tuple[str, ...] = (),
    draft: bool = False,
    title: str | None = None,
    links: tuple[Link, ...] = (),
    frontmatter: dict | None = None,
) -> Note:
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    return Note(
        path=path,
        title=title or stem,
        frontmatter=frontmatter or {},
        aliases=aliases,
        draft=draft,
        links=links,
        headings=tuple(Heading(level, text, i + 5) for i, (level, text) in enumerate(headings)),
        block_ids=tuple(BlockId(b, 20) for b in blocks),
    )


def wl(raw: str, line: int = 1, in_frontmatter: bool = False) -> Link:
    """A wikilink or wikilink embed, split as the parser splits it."""
    embed = raw.startswith("!")
    inner = raw[3:-2] if embed else raw[2:-2]
    inner, bar, display = inner.partition("|")
    target, _, anchor = inner.removesuffix("\\").partition("#")
    kind = EMBED if embed else WIKILINK
    shown = display.strip() if bar else None
    return Link(kind, target.strip(), anchor.strip(), shown, raw, line, 1, in_frontmatter=in_frontmatter)


def md(url: str, target: str, anchor: str = "", image: bool = False, line: int = 1) -> Link:
    """A markdown link (or image): ``url`` as written, ``target`` decoded as the parser gives it."""
    return Link(EMBED if image else MARKDOWN, target, anchor, "text", url, line, 1)


ATTENTION = "papers/Attention Is All You Need.md"
ATTENTION_HEADINGS = (
    (1, "Attention Is All You Need"),
    (2, "Method"),
    (3, "Scaled Dot-Product Attention"),
    (2, "Results: BLEU & more"),
    (2, "Method"),
    (2, "The [[PPO|policy]] *baseline*"),
)

NOTES = [
    note("index.md"),
    note(ATTENTION, aliases=("transformer-paper",), headings=ATTENTION_HEADINGS, blocks=("def1", "Upper")),
    note("papers/PPO.md", title="Proximal Policy Optimization"),
    note("papers/index.md"),
    note("a/BERT.md"),
    note("b/BERT.md"),
    note("General ML/Cold start.md", aliases=("Cold start",)),
    note("drafts/Secret.md", draft=True, title="Secret Draft"),
    note("deep/er/leaf.md", headings=((2, "Some Heading"),)),
    note("deep/x.md"),
    note("x.md"),
    note("notes/Sibling.md"),
    note("notes/linker.md"),
    note("tags/ml.md", links=()),
    note("topics/tagged.md"),
]
ATTACHMENTS = ("img/fig.png", "papers/paper.pdf")
IGNORED = ("private/hidden.md",)


def make_vault(*extra: Note) -> Vault:
    notes = {n.path: n for n in (*NOTES, *extra)}
    return Vault(root="/vault", notes=dict(sorted(notes.items())), attachments=ATTACHMENTS, ignored=IGNORED)


VAULT = make_vault()
INDEX = VaultIndex(VAULT)
RESOLVERS = {mode: Resolver(INDEX, mode) for mode in MODES}

BROKEN, AMBIGUOUS, ALIAS, EMPTY, OUTSIDE = "!broken", "!ambiguous", "!alias", "!empty", "!outside-vault"
GENERATED, IGNORED_STATUS = "!generated", "!ignored"

# (case id, source, link, obsidian, quartz-shortest, quartz-absolute, quartz-relative)
CASES = [
    ("bare name", "index.md", wl("[[PPO]]"), "papers/PPO.md", "papers/PPO.md", BROKEN, BROKEN),
    (".md optional", "index.md", wl("[[PPO.md]]"), "papers/PPO.md", "papers/PPO.md", BROKEN, BROKEN),
    ("wrong case", "index.md", wl("[[ppo]]"), "papers/PPO.md", BROKEN, BROKEN, BROKEN),
    ("wrong case path", "index.md", wl("[[Papers/ppo]]"), "papers/PPO.md", BROKEN, BROKEN, BROKEN),
    ("path from root", "index.md", wl("[[papers/PPO]]"), *["papers/PPO.md"] * 4),
    ("path, nested source", "notes/linker.md", wl("[[papers/PPO]]"), *["papers/PPO.md"] * 3, BROKEN),
    ("unique path suffix", "index.md", wl("[[er/leaf]]"), "deep/er/leaf.md", BROKEN, BROKEN, BROKEN),
    ("duplicate name", "index.md", wl("[[BERT]]"), AMBIGUOUS, AMBIGUOUS, BROKEN, BROKEN),
    ("duplicate, qualified", "index.md", wl("[[a/BERT]]"), *["a/BERT.md"] * 4),
    ("alias only", "index.md", wl("[[transformer-paper]]"), ALIAS, ALIAS, ALIAS, ALIAS),
    ("alias, nested source", "notes/linker.md", wl("[[transformer-paper]]"), ALIAS, ALIAS, ALIAS, BROKEN),
    # dswok's `Cold start`: the note's own alias slug makes the name ambiguous for Quartz
    ("alias = file name", "index.md", wl("[[Cold start]]"), "General ML/Cold start.md", ALIAS, ALIAS, ALIAS),
    ("title is no target", "index.md", wl("[[Proximal Policy Optimization]]"), *[BROKEN] * 4),
    (
        "url-encoded markdown",
        "index.md",
        md("papers/Attention%20Is%20All%20You%20Need.md", "papers/Attention Is All You Need.md"),
        *[ATTENTION] * 4,
    ),
    (
        "angle-bracket markdown",
        "index.md",
        md("<papers/Attention Is All You Need.md>", "papers/Attention Is All You Need.md"),
        *[ATTENTION] * 4,
    ),
    (
        "markdown sibling",
        "notes/linker.md",
        md("Sibling.md", "Sibling.md"),
        *["notes/Sibling.md"] * 2,
        BROKEN,
        "notes/Sibling.md",
    ),
    (
        "./ sibling",
        "notes/linker.md",
        md("./Sibling.md", "./Sibling.md"),
        *["notes/Sibling.md"] * 2,
        BROKEN,
        "notes/Sibling.md",
    ),
    (
        "./ wikilink",
        "notes/linker.md",
        wl("[[./Sibling]]"),
        *["notes/Sibling.md"] * 2,
        BROKEN,
        "notes/Sibling.md",
    ),
    # the ../ quirk: Quartz counts it from the root under shortest and absolute
    ("../ markdown", "deep/er/leaf.md", md("../x.md", "../x.md"), "deep/x.md", "x.md", "x.md", "deep/x.md"),
    ("escapes the vault", "notes/linker.md", md("../../etc/passwd", "../../etc/passwd"), *[OUTSIDE] * 4),
    ("absolute path", "index.md", md("/etc/passwd", "/etc/passwd"), *[OUTSIDE] * 4),
    ("windows path", "index.md", md("C:\\notes\\x.md", "C:\\notes\\x.md"), *[OUTSIDE] * 4),
    ("same-note anchor", ATTENTION, wl("[[#Method]]"), *[ATTENTION] * 4),
    ("same-note markdown anchor", ATTENTION, md("#Method", "", "Method"), *[ATTENTION] * 4),
    ("self-link", ATTENTION, wl("[[Attention Is All You Need#Method]]"), *[ATTENTION] * 2, BROKEN, ATTENTION),
    ("embedded image", "index.md", wl("![[fig.png]]"), "img/fig.png", "img/fig.png", BROKEN, BROKEN),
    ("embedded pdf page", "index.md", wl("![[paper.pdf#page=3]]"), *["papers/paper.pdf"] * 2, BROKEN, BROKEN),
    ("linked pdf", "index.md", wl("[[papers/paper.pdf]]"), *["papers/paper.pdf"] * 4),
    ("markdown image", "index.md", md("img/fig.png", "img/fig.png", image=True), *["img/fig.png"] * 4),
    ("folder link", "index.md", wl("[[papers/]]"), BROKEN, *["papers/index.md"] * 3),
    (
        "index from a folder",
        "papers/PPO.md",
        wl("[[index]]"),
        "index.md",
        "index.md",
        "index.md",
        "papers/index.md",
    ),
    ("folder page, no index", "index.md", wl("[[deep/]]"), BROKEN, GENERATED, GENERATED, GENERATED),
    ("empty", "index.md", wl("[[]]"), *[EMPTY] * 4),
    ("draft", "index.md", wl("[[Secret]]"), "drafts/Secret.md", "drafts/Secret.md", BROKEN, BROKEN),
    ("ignored, by path", "index.md", wl("[[private/hidden]]"), *["private/hidden.md"] * 4),
    # ignored files are not in Quartz's slug set (build.ts globs with ignorePatterns)
    ("ignored, by name", "index.md", wl("[[hidden]]"), "private/hidden.md", BROKEN, BROKEN, BROKEN),
    (
        "nested heading",
        "index.md",
        wl("[[Attention Is All You Need#Method#Scaled]]"),
        ATTENTION,
        *[BROKEN] * 3,
    ),
    ("two #s", "index.md", wl("[[PPO##x]]"), "papers/PPO.md", *[BROKEN] * 3),
    ("frontmatter", "index.md", wl("[[PPO]]", in_frontmatter=True), "papers/PPO.md", *[IGNORED_STATUS] * 3),
    ("tag page", "index.md", wl("[[tags/ml]]"), *["tags/ml.md"] * 4),
    (
        "url in wikilink",
        "index.md",
        wl("[[https://arxiv.org/abs/1706.03762]]"),
        BROKEN,
        *[IGNORED_STATUS] * 3,
    ),
]


@pytest.mark.parametrize("mode_index", range(4), ids=list(MODES))
@pytest.mark.parametrize(
    ("source", "link", "expected"), [(c[1], c[2], c[3:]) for c in CASES], ids=[c[0] for c in CASES]
)
def test_resolution(source: str, link: Link, expected: tuple[str, ...], mode_index: int) -> None:
    found = RESOLVERS[MODES[mode_index]].resolve(source, link)
    want = expected[mode_index]
    if want.startswith("!"):
        assert (found.target, found.status) == (None, want[1:])
    else:
        assert (found.target, found.status) == (want, "resolved")
        assert found.target_kind == ("note" if want.endswith(".md") else "attachment")


def test_ambiguous_lists_candidates_same_folder_first() -> None:
    found = RESOLVERS["obsidian"].resolve("b/other.md", wl("[[bert]]"))
    assert (found.status, found.candidates) == ("ambiguous", ("b/BERT.md", "a/BERT.md"))
    quartz = RESOLVERS["quartz-shortest"].resolve("index.md", wl("[[BERT]]"))
    assert (quartz.candidates, quartz.slug) == (("a/BERT.md", "b/BERT.md"), "BERT")


def test_case_only_is_flagged() -> None:
    obsidian = RESOLVERS["obsidian"].resolve("index.md", wl("[[ppo]]"))
    assert obsidian.case_only and obsidian.target == "papers/PPO.md"
    quartz = RESOLVERS["quartz-shortest"].resolve("index.md", wl("[[ppo]]"))
    assert quartz.case_only and quartz.candidates == ("papers/PPO.md",)
    for source, link in [
        ("index.md", wl("[[PPO.md]]")),
        ("notes/linker.md", md("./Sibling.md", "./Sibling.md")),
    ]:
        assert not RESOLVERS["obsidian"].resolve(source, link).case_only


def test_files_differing_in_case_prefer_the_exact_spelling() -> None:
    resolver = Resolver(make_vault(note("c/bert.md")), "obsidian")
    assert resolver.resolve("index.md", wl("[[c/bert]]")).target == "c/bert.md"
    assert resolver.resolve("index.md", wl("[[BERT]]")).status == "ambiguous"


def test_alias_candidates_name_the_owner() -> None:
    for mode in ("obsidian", "quartz-shortest"):
        found = RESOLVERS[mode].resolve("index.md", wl("[[transformer-paper]]"))
        assert found.candidates == (ATTENTION,)


def test_title_match_is_a_candidate_not_a_target() -> None:
    found = RESOLVERS["obsidian"].resolve("index.md", wl("[[Secret Draft]]"))
    assert (found.target, found.candidates) == (None, ("drafts/Secret.md",))


# Quartz slugs recorded in the page's `links` (obsidian-quartz.md §3.4, §8)
@pytest.mark.parametrize(
    ("source", "link", "slug"),
    [
        ("index.md", wl("[[Attention Is All You Need]]"), "papers/Attention-Is-All-You-Need"),
        ("index.md", wl("[[attention is all you need]]"), "attention-is-all-you-need"),
        ("index.md", wl("[[BERT]]"), "BERT"),
        ("index.md", wl("[[transformer-paper]]"), "transformer-paper"),
        ("index.md", wl("[[Secret Draft]]"), "Secret-Draft"),
        ("index.md", wl("[[papers/]]"), "papers/"),
        ("papers/PPO.md", wl("[[index]]"), "/"),
        ("index.md", wl("[[leaf#Some Heading]]"), "deep/er/leaf"),
        ("index.md", wl("![[leaf#^blk1]]"), "deep/er/leaf"),  # transclusions are links
        ("index.md", wl("[[private/hidden]]"), "private/hidden"),
        ("index.md", wl("[[]]"), "/"),  # jackyzha0/quartz#1561
        ("index.md", wl("[[fig.png]]"), "img/fig.png"),  # a link to an image is a link
        ("index.md", wl("![[fig.png]]"), None),  # an embedded image is not
        ("index.md", wl("![[paper.pdf#page=3]]"), None),
        ("index.md", md("img/fig.png", "img/fig.png", image=True), None),
        (ATTENTION, wl("[[#Method]]"), None),
        ("index.md", wl("[[PPO]]", in_frontmatter=True), None),
        ("index.md", wl("[[PPO#A#B]]"), None),  # Quartz leaves it as text
        ("notes/linker.md", md("../../etc/passwd", "../../etc/passwd"), "etc/passwd"),
        ("deep/er/leaf.md", md("../x.md", "../x.md"), "x"),
        ("index.md", md("papers/PPO.md", "papers/PPO.md"), "papers/PPO"),
    ],
)
def test_quartz_records_slug(source: str, link: Link, slug: str | None) -> None:
    assert RESOLVERS["quartz-shortest"].resolve(source, link).slug == slug


def test_obsidian_mode_records_no_slug() -> None:
    assert RESOLVERS["obsidian"].resolve("index.md", wl("[[PPO]]")).slug is None


# --------------------------------------------------------------------------- anchors

ANCHORS = [
    # (link, obsidian, quartz-shortest)
    ("[[Attention Is All You Need#Method]]", True, True),
    ("[[Attention Is All You Need#method]]", True, True),
    ("[[Attention Is All You Need#Results: BLEU & more]]", True, True),
    ("[[Attention Is All You Need#Results BLEU & more]]", True, True),  # as Obsidian writes it
    ("[[Attention Is All You Need#results-bleu--more]]", False, True),  # github-slugger form
    ("[[Attention Is All You Need#Method 1]]", False, True),  # Quartz's id of the 2nd "Method"
    ("[[Attention Is All You Need#Method#Scaled Dot-Product Attention]]", True, None),
    ("[[Attention Is All You Need#Results: BLEU & more#Scaled Dot-Product Attention]]", False, None),
    # Obsidian compares the heading's source (link brackets ignored); Quartz its rendered text
    ("[[Attention Is All You Need#The PPO policy *baseline*]]", True, False),
    ("[[Attention Is All You Need#The policy baseline]]", False, True),
    ("[[Attention Is All You Need#Nope]]", False, False),
    ("[[Attention Is All You Need#^def1]]", True, True),
    ("[[Attention Is All You Need#^nope]]", False, False),
    ("[[Attention Is All You Need#^Upper]]", True, False),  # Quartz lower-cases the href only
    ("![[paper.pdf#page=3]]", None, None),
    ("[[PPO]]", None, None),
    ("[[hidden#Anything]]", None, None),  # an ignored note is not parsed
]


@pytest.mark.parametrize(("raw", "obsidian", "quartz"), ANCHORS)
def test_anchor_checks(raw: str, obsidian: bool | None, quartz: bool | None) -> None:
    assert RESOLVERS["obsidian"].resolve("index.md", wl(raw)).anchor_ok is obsidian
    assert RESOLVERS["quartz-shortest"].resolve("index.md", wl(raw)).anchor_ok is quartz


def test_same_note_anchor_is_checked() -> None:
    for mode in MODES:
        assert RESOLVERS[mode].resolve(ATTENTION, wl("[[#Method]]")).anchor_ok is True
        assert RESOLVERS[mode].resolve(ATTENTION, wl("[[#Missing]]")).anchor_ok is False


def test_markdown_same_page_anchor_is_not_slugged_by_quartz() -> None:
    # Quartz passes an href that starts with # through untouched: ids are lower-case slugs
    assert RESOLVERS["obsidian"].resolve(ATTENTION, md("#Method", "", "Method")).anchor_ok is True
    assert RESOLVERS["quartz-shortest"].resolve(ATTENTION, md("#Method", "", "Method")).anchor_ok is False
    assert RESOLVERS["quartz-shortest"].resolve(ATTENTION, md("#method", "", "method")).anchor_ok is True


@pytest.mark.parametrize(
    "raw",
    ["[[a|]]", "[[a]b]]", "[[a\\b]]", "[[x#]]", "[[x##h]]", "[[x#!!]]", "[[x#a#b]]", "[[b|a#b alias]]"],
)
def test_wikilinks_quartz_does_not_read(raw: str) -> None:
    link = Link(WIKILINK, raw[2:].split("#")[0].split("|")[0].removesuffix("]]"), "", None, raw, 1, 1)
    assert RESOLVERS["quartz-shortest"].resolve("index.md", link).status == "broken"


@given(
    st.lists(
        st.sampled_from(
            ["a", "A", " ", "\t", "|", "#", "##", "^", "[", "]", "\\", "!", "x.png", ".pdf", "https://", "é"]
        ),
        max_size=8,
    ).map(lambda parts: "[[" + "".join(parts) + "]]")
)
def test_quartz_wikilink_shortcut_agrees_with_the_regex(raw: str) -> None:
    for text in (raw, "!" + raw):
        assert _quartz_wikilink(text) == _quartz_wikilink_literal(text)


def test_markdown_anchor_is_decoded_text() -> None:
    link = md("papers/Attention%20Is%20All%20You%20Need.md#Results", ATTENTION, "Results: BLEU & more")
    assert RESOLVERS["obsidian"].resolve("index.md", link).anchor_ok is True
    assert RESOLVERS["quartz-shortest"].resolve("index.md", link).anchor_ok is True


@pytest.mark.parametrize(
    ("heading", "key"),
    [("Results: BLEU & more", "results bleu & more"), ("A  [[B|c]]  ^x", "a b c x"), ("Ünïcode", "ünïcode")],
)
def test_obsidian_heading_key(heading: str, key: str) -> None:
    assert obsidian_heading_key(heading) == key


@pytest.mark.parametrize(
    ("heading", "text"),
    [
        ("The [[PPO|policy]] *baseline*", "The policy *baseline*"),
        ("See [[Note#Part]]", "See Part"),
        ("See [[Note]]", "See Note"),
        ("A [link](x.md) and ![img](y.png)", "A link and "),
        ("__init__ and _em_", "init and em"),
        ("snake_case_name", "snake_case_name"),
        ("R&amp;D \\*", "R&D *"),
        ("<b>bold</b>", "bold"),
    ],
)
def test_quartz_heading_text(heading: str, text: str) -> None:
    assert quartz_heading_text(heading) == text


HEADING_PIECES = ["_", "__", "![", "[", "]", "(", ")", "](", "<", ">", "a", "B", "é", "1", " ", "\t", "\n"]
HEADING_PIECES += ["\u00a0", "\\", "[[", "]]", "#", "|", "&amp;", "*"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(HEADING_PIECES), max_size=24).map("".join))
def test_heading_scanners_agree_with_the_regexes_they_replaced(heading: str) -> None:
    """The linear scanners give what the old ``re.sub`` chain gave (kept in
    ``tests/resolve_oracle.py``), step by step and as a whole."""
    assert _strip_bracket_links(heading, "![", keep_label=False) == oracle._HEADING_IMAGE.sub("", heading)
    assert _strip_bracket_links(heading, "[", keep_label=True) == oracle._HEADING_LINK.sub(r"\1", heading)
    assert _strip_html_tags(heading) == oracle._HEADING_HTML.sub("", heading)
    assert _strip_underscore_emphasis(heading) == oracle._HEADING_UNDERSCORE.sub(r"\2", heading)
    assert quartz_heading_text(heading) == oracle.quartz_heading_text(heading)


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="quartz-shortest"):
        Resolver(VAULT, "shortest")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the vault

LINKING = note(
    "index.md",
    links=(
        wl("[[Nowhere]]", line=2),
        wl("[[PPO#Missing]]", line=3),
        wl("[[Attention Is All You Need#^gone]]", line=4),
        wl("[[BERT]]", line=5),
        wl("[[transformer-paper]]", line=6),
        wl("[[ppo]]", line=7),
        wl("[[er/leaf]]", line=8),
        wl("[[]]", line=9),
        wl("[[Secret]]", line=10),
        wl("[[private/hidden]]", line=11),
        md("../up.md", "../up.md", line=12),
        wl("[[Cold start]]", line=13),
        wl("[[PPO]]", line=14),
        wl("[[PPO]]", line=15, in_frontmatter=True),
        wl("[[Proximal Policy Optimization]]", line=16),
        wl("[[papers/]]", line=17),
    ),
)


def diagnostics(mode: str) -> dict[int, tuple[str, str, str | None]]:
    vault = make_vault(LINKING)
    found = resolve_vault(vault, mode)  # type: ignore[arg-type]
    assert len(found.outgoing("index.md")) == len(LINKING.links)
    by_line: dict[int, tuple[str, str, str | None]] = {}
    for d in found.diagnostics:
        assert d.path == "index.md" and d.line not in by_line, d
        by_line[d.line] = (d.code, d.message, d.fix)
    return by_line


def test_diagnostics_obsidian() -> None:
    found = diagnostics("obsidian")
    assert {line: code for line, (code, _, _) in found.items()} == {
        2: "PV201",
        3: "PV202",
        4: "PV203",
        5: "PV204",
        6: "PV205",
        7: "PV206",
        8: "PV207",
        9: "PV208",
        10: "PV209",
        11: "PV209",
        12: "PV210",
        13: "PV207",
        16: "PV201",
        17: "PV201",
    }
    assert found[5][1] == "ambiguous link [[BERT]]: matches a/BERT.md, b/BERT.md"
    assert found[5][2] == "[[a/BERT|BERT]] or [[b/BERT|BERT]]"
    assert found[6][2] == "[[Attention Is All You Need|transformer-paper]]"
    assert found[7][2] == "[[PPO|ppo]]"
    assert found[8][1] == "[[er/leaf]]: Obsidian links deep/er/leaf.md, Quartz (shortest) links nothing"
    assert found[8][2] == "[[leaf|er/leaf]]"
    assert "alias redirect page of General ML/Cold start.md" in found[13][1]
    assert found[13][2] == "[[General ML/Cold start|Cold start]]"
    assert "title of papers/PPO.md" in found[16][1]
    assert found[16][2] == "[[PPO|Proximal Policy Optimization]]"
    assert "draft" in found[10][1] and "ignored" in found[11][1]


def test_diagnostics_quartz_shortest() -> None:
    found = diagnostics("quartz-shortest")
    assert {line: code for line, (code, _, _) in found.items()} == {
        2: "PV201",
        3: "PV202",
        4: "PV203",
        5: "PV204",
        6: "PV205",
        7: "PV201",  # wrong case is broken on the site
        8: "PV201",
        9: "PV208",
        10: "PV209",
        11: "PV209",
        12: "PV210",
        13: "PV205",
        16: "PV201",
        17: "PV207",  # resolves in Quartz (the folder's index), not in Obsidian
    }
    assert found[7][1] == "broken link [[ppo]]: only papers/PPO.md matches, in another case"
    assert found[13][1] == (
        "[[Cold start]] goes to the alias redirect page of General ML/Cold start.md, not to the note"
    )


def test_draft_source_is_not_warned_about_drafts() -> None:
    draft = note("drafts/Plan.md", draft=True, links=(wl("[[Secret]]"),))
    found = resolve_vault(make_vault(draft), "obsidian")
    assert [d.code for d in found.diagnostics] == []


def test_resolutions_run_parallel_to_links() -> None:
    vault = make_vault(LINKING)
    for mode in MODES:
        resolved = resolve_vault(vault, mode)
        assert [r.link for r in resolved.outgoing("index.md")] == list(LINKING.links)
        assert resolved.mode == mode
        assert all(r.source == "index.md" for r in resolved.outgoing("index.md"))
        assert len(list(resolved)) == len(LINKING.links)


def test_permalink_is_a_redirect() -> None:
    page = note("notes/long name.md", frontmatter={"permalink": "short"})
    resolver = Resolver(make_vault(page), "quartz-shortest")
    found = resolver.resolve("index.md", wl("[[short]]"))
    assert (found.status, found.candidates) == ("alias", ("notes/long name.md",))


@pytest.mark.parametrize("mode", ["obsidian", "quartz-shortest"])
def test_divergence_when_both_resolve_to_different_notes(mode: str) -> None:
    # Obsidian reads ../ from the linking note's folder, Quartz (shortest) from the root
    leaf = note("deep/er/leaf.md", links=(md("../x.md", "../x.md", line=3),))
    found = resolve_vault(make_vault(leaf), mode)  # type: ignore[arg-type]
    [diagnostic] = [d for d in found.diagnostics if d.path == "deep/er/leaf.md"]
    assert (diagnostic.line, diagnostic.code) == (3, "PV207")
    assert diagnostic.message == "[text](../x.md): Obsidian links deep/x.md, Quartz (shortest) links x.md"
    assert diagnostic.fix == "[text](<deep/x.md>)"
    # and the suggested fix goes to the same note in both
    fixed = md("<deep/x.md>", "deep/x.md")
    assert {
        RESOLVERS[m].resolve("deep/er/leaf.md", fixed).target for m in ("obsidian", "quartz-shortest")
    } == {"deep/x.md"}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", ["quartz-docs", "dswok"])
def test_resolving_only_some_notes_equals_their_part_of_a_full_resolve(name: str, mode: str) -> None:
    """``only=``: what the incremental analysis uses to resolve just the changed notes."""
    from papervault.vault import load_vault
    from tests.conftest import shared_vault

    vault = load_vault(shared_vault(name), use_cache=False)
    some = sorted(vault.notes)[::3]
    full = resolve_vault(vault, mode)
    part = resolve_vault(vault, mode, only=some)
    assert part.resolutions == {path: full.resolutions[path] for path in some}
    assert part.diagnostics == tuple(d for d in full.diagnostics if d.path in set(some))
