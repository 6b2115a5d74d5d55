"""Quartz v4 slug rules and github-slugger anchors.

The tables come from obsidian-quartz.md §3-§4, Quartz's own ``quartz/util/path.test.ts``
(v4) and github-slugger's ``test/fixtures.json``.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from papervault.slugs import (
    SlugSet,
    crawl_link,
    crawl_link_literal,
    decode_uri,
    heading_ids,
    join_segments,
    link_name,
    link_name_literal,
    path_to_root,
    resolve_relative,
    shortest_reaches,
    simplify_slug,
    slug_anchor,
    slug_tag,
    slugify_path,
    slugify_path_literal,
    split_anchor,
    strip_slashes,
    transform_internal_link,
    transform_link,
    trim_suffix,
)

# obsidian-quartz.md §4, then Quartz's path.test.ts
SLUGIFY_PATH = [
    ("index.md", "index"),
    ("notes/index.md", "notes/index"),
    ("notes/_index.md", "notes/index"),
    ("My Note.md", "My-Note"),
    ("A & B.md", "A--and--B"),
    ("100% done.md", "100-percent-done"),
    ("What? Why.md", "What-Why"),
    ("C# tips.md", "C-tips"),
    ("Über Café.md", "Über-Café"),
    ("multi  space.md", "multi--space"),
    ("trailing .md", "trailing-"),
    ("colon: title.md", "colon:-title"),
    ("arxiv 1706.03762.md", "arxiv-1706.03762"),
    ("paper.v2.md", "paper.v2"),
    ("notes/x.MD", "notes/x.MD"),
    ("img/Fig 1.png", "img/Fig-1.png"),
    ("General ML/Cold start.md", "General-ML/Cold-start"),
    ("x/Wide & Deep Learning.md", "x/Wide--and--Deep-Learning"),
    ("content/index.md", "content/index"),
    ("content/index.html", "content/index"),
    ("content/_index.md", "content/index"),
    ("/content/index.md", "content/index"),
    ("content/cool.png", "content/cool.png"),
    ("test.mp4", "test.mp4"),
    ("note with spaces.md", "note-with-spaces"),
    ("notes.with.dots.md", "notes.with.dots"),
    ("test/special chars?.md", "test/special-chars"),
    ("test/special chars #3.md", "test/special-chars-3"),
    ("cool/what about r&d?.md", "cool/what-about-r-and-d"),
    ("tab\there.md", "tab-here"),
    ("no extension", "no-extension"),
    # Quartz quirk: without an extension it strips /undefined$/
    ("maybe undefined", "maybe-"),
]


@pytest.mark.parametrize(("path", "slug"), SLUGIFY_PATH)
def test_slugify_path(path: str, slug: str) -> None:
    assert slugify_path(path) == slug


@pytest.mark.parametrize(
    ("slug", "simple"),
    [("index", "/"), ("abc", "abc"), ("abc/index", "abc/"), ("abc/def", "abc/def"), ("", "/")],
)
def test_simplify_slug(slug: str, simple: str) -> None:
    assert simplify_slug(slug) == simple


@pytest.mark.parametrize(
    ("tag", "slug"),
    [
        ("ML/RL", "ML/RL"),
        ("Machine Learning", "Machine-Learning"),
        ("a&b", "a-and-b"),
        ("100%", "100-percent"),
        ("c#", "c"),
        ("nested/tag", "nested/tag"),
    ],
)
def test_slug_tag(tag: str, slug: str) -> None:
    assert slug_tag(tag) == slug


# github-slugger test/fixtures.json (the stateless ones) and obsidian-quartz.md §4
SLUG_ANCHOR = [
    ("My Heading!", "my-heading"),
    ("^block-1", "block-1"),
    ("bravoCharlieDelta", "bravocharliedelta"),
    ("__proto__", "__proto__"),
    ("heading with a - dash", "heading-with-a---dash"),
    ("heading with an _ underscore", "heading-with-an-_-underscore"),
    ("heading with a period.txt", "heading-with-a-periodtxt"),
    (
        "exchange.bind_headers(exchange, routing [, bindCallback])",
        "exchangebind_headersexchange-routing--bindcallback",
    ),
    (" ", "-"),
    (" a ", "-a-"),
    ("apostrophe’s should be trimmed", "apostrophes-should-be-trimmed"),
    ("I ♥ unicode", "i--unicode"),
    ("en–dash", "endash"),
    ("😄 unicode emoji", "-unicode-emoji"),
    ("😄_😄 unicode emoji", "_-unicode-emoji"),
    (":smile: - a gemoji", "smile---a-gemoji"),
    ("Привет non-latin 你好", "привет-non-latin-你好"),
    (
        ":ok_hand::hatched_chick: Two in a row with no spaces",
        "ok_handhatched_chick-two-in-a-row-with-no-spaces",
    ),
    ("a) ] } ༻ ⁆ 〉 ｣b", "a------b"),  # Close_Punctuation
    ("a$ ¢ £ € ₿b", "a----b"),  # Currency_Symbol
    ("a- ֊ – — －b", "a-----b"),  # Dash_Punctuation: only ASCII - survives
    ("a0 ١ ०b", "a0-١-०b"),  # Decimal_Number kept
    ("a\u2028b", "ab"),  # Line_Separator
    ("aⅠ ⅱb", "aⅰ-ⅱb"),  # Letter_Number kept (lower-cased)
    ("aⒶb", "aⓐb"),  # an Other_Symbol that is Alphabetic: kept
    ("a² ½b", "a-b"),  # Other_Number removed
    ("à́b", "à́b"),  # marks kept
    ("Σίσυφος", "σίσυφος"),
    ("tab\there", "tabhere"),  # control characters removed, no trimming of spaces
    ("Section 2.1: Results (final)", "section-21-results-final"),
]


@pytest.mark.parametrize(("text", "slug"), SLUG_ANCHOR)
def test_slug_anchor(text: str, slug: str) -> None:
    assert slug_anchor(text) == slug


def test_heading_ids_number_repeats_like_github_slugger() -> None:
    # github-slugger fixtures "Repetition (1)-(5)" and "More repetition"
    assert heading_ids(["echo", "echo", "echo 1", "echo-1", "echo"]) == (
        "echo",
        "echo-1",
        "echo-1-1",
        "echo-1-2",
        "echo-2",
    )
    assert heading_ids(["foxtrot-1", "foxtrot", "foxtrot"]) == ("foxtrot-1", "foxtrot", "foxtrot-2")


@given(st.text())
def test_slug_anchor_is_idempotent(text: str) -> None:
    once = slug_anchor(text)
    assert slug_anchor(once) == once
    assert " " not in once


@given(st.text(alphabet=st.characters(blacklist_characters="/"), min_size=1))
def test_slugify_path_removes_forbidden_characters(name: str) -> None:
    slug = slugify_path(name + ".md")
    assert not any(c in slug for c in "?#& %\t\n")


@pytest.mark.parametrize(
    ("link", "decoded"),
    [
        ("a%20b", "a b"),
        ("%C3%9Cber", "Über"),
        ("C%23%20tips", "C%23 tips"),  # reserved characters stay encoded
        ("a%2Fb%3F", "a%2Fb%3F"),
        ("100%", "100%"),
        ("%zz%20", "%zz "),
        ("%FF%20", "%FF "),  # not UTF-8: JavaScript throws; kept literally
        ("%E2%82", "%E2%82"),  # truncated sequence
    ],
)
def test_decode_uri(link: str, decoded: str) -> None:
    assert decode_uri(link) == decoded


@pytest.mark.parametrize(
    ("link", "parts"),
    [
        ("a#B C", ("a", "#b-c")),
        ("a#h1#h2", ("a", "#h1")),  # only up to the second #
        ("doc.pdf#page=3", ("doc.pdf", "#page=3")),
        ("a", ("a", "")),
    ],
)
def test_split_anchor(link: str, parts: tuple[str, str]) -> None:
    assert split_anchor(link) == parts


# Quartz path.test.ts "transformInternalLink"
@pytest.mark.parametrize(
    ("link", "url"),
    [
        ("", "."),
        (".", "."),
        ("./", "./"),
        ("./index", "./"),
        ("./index#abc", "./#abc"),
        ("./index.html", "./"),
        ("./index.md", "./"),
        ("./index.css", "./index.css"),
        ("content", "./content"),
        ("content/test.md", "./content/test"),
        ("content/test.pdf", "./content/test.pdf"),
        ("./content/test.md", "./content/test"),
        ("../content/test.md", "../content/test"),
        ("tags/", "./tags/"),
        ("/tags/", "./tags/"),
        ("content/with spaces", "./content/with-spaces"),
        ("content/with spaces/index", "./content/with-spaces/"),
        ("content/with spaces#and Anchor!", "./content/with-spaces#and-anchor"),
        ("a/../b", "../a/b"),  # Quartz quirk: relative segments move to the front
        ("papers/Attention%20Is%20All.md", "./papers/Attention-Is-All"),
    ],
)
def test_transform_internal_link(link: str, url: str) -> None:
    assert transform_internal_link(link) == url


@pytest.mark.parametrize(
    ("slug", "root"),
    [("index", "."), ("abc", "."), ("abc/def", ".."), ("abc/def/ghi", "../.."), ("abc/def/index", "../..")],
)
def test_path_to_root(slug: str, root: str) -> None:
    assert path_to_root(slug) == root


@pytest.mark.parametrize(
    ("segments", "joined"),
    [
        (("a", "b"), "a/b"),
        (("a/", "b"), "a/b"),
        (("a", "b/"), "a/b/"),
        (("a/", "b/"), "a/b/"),
        (("/a", "b"), "/a/b"),
        (("/a/", "b"), "/a/b"),
        (("/a", "b/"), "/a/b/"),
        (("/a/", "b", "/"), "/a/b/"),
        (("https://example.com", "a"), "https://example.com/a"),
        (("https://example.com/", "a/"), "https://example.com/a/"),
        ((), ""),
    ],
)
def test_join_segments(segments: tuple[str, ...], joined: str) -> None:
    assert join_segments(*segments) == joined


@pytest.mark.parametrize(
    ("current", "target", "url"),
    [
        ("index", "index", "./"),
        ("index", "abc", "./abc"),
        ("index", "abc/def/ghi", "./abc/def/ghi"),
        ("abc/def", "index", "../"),
        ("abc/def", "abc", "../abc"),
        ("abc/def", "ghi/jkl", "../ghi/jkl"),
        ("abc/index", "index", "../"),
        ("abc/def/index", "index", "../../"),
        ("index", "abc/index", "./abc/"),
        ("abc/def", "abc/index", "../abc/"),
        ("abc/def", "", "../"),
        ("abc/def", "ghi/", "../ghi/"),
    ],
)
def test_resolve_relative(current: str, target: str, url: str) -> None:
    assert resolve_relative(current, target) == url


# Quartz path.test.ts "link strategies"
QUARTZ_TEST_SLUGS = SlugSet(["a/b/c", "a/b/d", "a/b/index", "e/f", "e/g/h", "index", "a/test.png"])
TRANSFORM_LINK = [
    ("absolute", "a/b/c", "a/b/d", "../../a/b/d"),
    ("absolute", "a/b/c", "a/b/index", "../../a/b/"),
    ("absolute", "a/b/c", "e/f", "../../e/f"),
    ("absolute", "a/b/c", "e/g/h", "../../e/g/h"),
    ("absolute", "a/b/c", "index", "../../"),
    ("absolute", "a/b/c", "index.png", "../../index.png"),
    ("absolute", "a/b/c", "index#abc", "../../#abc"),
    ("absolute", "a/b/c", "tag/test", "../../tag/test"),
    ("absolute", "a/b/c", "a/b/c#test", "../../a/b/c#test"),
    ("absolute", "a/b/c", "a/test.png", "../../a/test.png"),
    ("absolute", "a/b/index", "a/b/d", "../../a/b/d"),
    ("absolute", "a/b/index", "a/b", "../../a/b"),
    ("absolute", "a/b/index", "index", "../../"),
    ("absolute", "index", "index", "./"),
    ("absolute", "index", "a/b/c", "./a/b/c"),
    ("absolute", "index", "a/b/index", "./a/b/"),
    ("shortest", "a/b/c", "d", "../../a/b/d"),
    ("shortest", "a/b/c", "h", "../../e/g/h"),
    ("shortest", "a/b/c", "a/b/index", "../../a/b/"),
    ("shortest", "a/b/c", "a/b/index.png", "../../a/b/index.png"),
    ("shortest", "a/b/c", "a/b/index#abc", "../../a/b/#abc"),
    ("shortest", "a/b/c", "index", "../../"),
    ("shortest", "a/b/c", "index.png", "../../index.png"),
    ("shortest", "a/b/c", "test.png", "../../a/test.png"),
    ("shortest", "a/b/c", "index#abc", "../../#abc"),
    ("shortest", "a/b/index", "d", "../../a/b/d"),
    ("shortest", "a/b/index", "h", "../../e/g/h"),
    ("shortest", "index", "d", "./a/b/d"),
    ("shortest", "index", "h", "./e/g/h"),
    ("shortest", "index", "a/b/index", "./a/b/"),
    ("shortest", "index", "index", "./"),
    ("relative", "a/b/c", "d", "./d"),
    ("relative", "a/b/c", "index", "./"),
    ("relative", "a/b/c", "../../../index", "../../../"),
    ("relative", "a/b/c", "../../../index.png", "../../../index.png"),
    ("relative", "a/b/c", "../../../index#abc", "../../../#abc"),
    ("relative", "a/b/c", "../../../", "../../../"),
    ("relative", "a/b/c", "../../../a/test.png", "../../../a/test.png"),
    ("relative", "a/b/c", "../../../e/g/h#abc", "../../../e/g/h#abc"),
    ("relative", "a/b/index", "../../index", "../../"),
    ("relative", "a/b/index", "../../e/g/h", "../../e/g/h"),
    ("relative", "a/b/index", "c", "./c"),
    ("relative", "index", "e/g/h", "./e/g/h"),
    ("relative", "index", "a/b/index", "./a/b/"),
]


@pytest.mark.parametrize(("strategy", "source", "target", "url"), TRANSFORM_LINK)
def test_transform_link(strategy, source: str, target: str, url: str) -> None:
    assert transform_link(source, target, strategy, QUARTZ_TEST_SLUGS) == url


# obsidian-quartz.md §3.3-§3.4 (observed builds): what lands in the page's `links`.
OBSERVED_SLUGS = SlugSet(
    [
        "index",
        "papers/Attention-Is-All-You-Need",
        "papers/ppo",
        "a/dup",
        "b/dup",
        "secret",
        "deep/er/leaf",
        "deep/x",
        "x",
        "fig.png",
        "transformer-paper",  # an alias slug
    ]
)
CRAWL_LINK = [
    ("shortest", "index", "Attention Is All You Need", "papers/Attention-Is-All-You-Need"),
    ("shortest", "index", "attention is all you need", "attention-is-all-you-need"),
    ("shortest", "index", "papers/Attention Is All You Need.md", "papers/Attention-Is-All-You-Need"),
    ("shortest", "index", "dup", "dup"),
    ("shortest", "index", "transformer-paper", "transformer-paper"),
    ("shortest", "index", "Secret Draft", "Secret-Draft"),
    ("shortest", "index", "papers/", "papers/"),
    ("shortest", "index", "index", "/"),
    ("shortest", "index", "leaf#Some Heading", "deep/er/leaf"),
    ("shortest", "index", "leaf#^blk1", "deep/er/leaf"),
    ("shortest", "index", "private/hidden", "private/hidden"),
    ("shortest", "index", "", "/"),
    ("shortest", "deep/er/leaf", "", "/"),
    # the ../ quirk: counted from the root under shortest and absolute
    ("shortest", "deep/er/leaf", "../x.md", "x"),
    ("absolute", "deep/er/leaf", "../x.md", "x"),
    ("relative", "deep/er/leaf", "../x.md", "deep/x"),
    ("shortest", "deep/er/leaf", "./leaf.md", "deep/er/leaf"),
    ("absolute", "deep/er/leaf", "./leaf.md", "leaf"),
    ("relative", "deep/er/leaf", "./leaf.md", "deep/er/leaf"),
    # a path that climbs past the root stops at the root, as in a browser
    ("relative", "deep/er/leaf", "../../../../etc/passwd", "etc/passwd"),
    ("shortest", "papers/ppo", "Attention Is All You Need", "papers/Attention-Is-All-You-Need"),
    ("absolute", "papers/ppo", "Attention Is All You Need", "Attention-Is-All-You-Need"),
    ("relative", "papers/ppo", "Attention Is All You Need", "papers/Attention-Is-All-You-Need"),
    ("relative", "papers/index", "ppo", "papers/ppo"),
    ("shortest", "index", "fig.png", "fig.png"),
    ("shortest", "index", "C%23%20tips", "C-percent23-tips"),
]


@pytest.mark.parametrize(("strategy", "source", "target", "simple"), CRAWL_LINK)
def test_crawl_link(strategy, source: str, target: str, simple: str) -> None:
    assert simplify_slug(crawl_link(source, target, strategy, OBSERVED_SLUGS)) == simple


def test_shortest_counts_repeated_slugs() -> None:
    # an alias equal to a file's slug makes the name ambiguous (dswok's `Cold start`)
    slugs = SlugSet(["General-ML/Cold-start", "Cold-start"])
    assert crawl_link("index", "Cold start", "shortest", slugs) == "Cold-start"
    twice = SlugSet(["a/foo", "foo", "foo"])
    assert crawl_link("a/b", "foo", "shortest", twice) == "foo"
    once = SlugSet(["a/foo"])
    assert crawl_link("x/y", "foo", "shortest", once) == "a/foo"
    assert "a/foo" in once and "foo" not in once


_PIECES = [
    "a",
    "B",
    " ",
    "/",
    ".",
    "..",
    "#",
    "%20",
    "%2E",
    "%",
    "&",
    "?",
    "index",
    "_index",
    ".md",
    ".png",
    "\\",
    "é",
    "x y",
]
_paths = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)
# a note's slug: no empty, "." or ".." segments (a real file path gives none)
_note_slugs = _paths.map(lambda p: slugify_path(p + ".md")).filter(
    lambda slug: all(part not in ("", ".", "..") for part in slug.split("/"))
)


@given(path=_paths, note=st.booleans(), exclude_ext=st.booleans())
def test_slugify_path_shortcut_agrees_with_the_literal_port(path: str, note: bool, exclude_ext: bool) -> None:
    path = path + ".md" if note else path
    assert slugify_path(path, exclude_ext) == slugify_path_literal(path, exclude_ext)


@given(target=_paths)
def test_link_name_shortcut_agrees_with_the_literal_port(target: str) -> None:
    assert link_name(target) == link_name_literal(target)


@given(slug=_paths)
def test_simplify_slug_shortcut_agrees_with_the_definition(slug: str) -> None:
    assert simplify_slug(slug) == (strip_slashes(trim_suffix(slug, "index"), only_prefix=True) or "/")


_crawl_inputs = {
    "target": _paths,
    "source_slug": _note_slugs,
    "files": st.lists(_paths, max_size=6),
    "strategy": st.sampled_from(["shortest", "absolute", "relative"]),
}


def _check_crawl_shortcut(target: str, source_slug: str, files: list[str], strategy) -> None:
    slugs = SlugSet([slugify_path(f + ".md") for f in files] + [slugify_path(f) for f in files])
    expected = crawl_link_literal(source_slug, target, strategy, slugs)
    assert crawl_link(source_slug, target, strategy, slugs) == expected


@example(target="_index", source_slug="x", files=["a/index"], strategy="shortest")
@example(target="index.md.md", source_slug="a", files=[], strategy="shortest")
@example(target="undefined", source_slug="x", files=["a/b"], strategy="shortest")
@example(target="a.md", source_slug="x/y", files=["c/a"], strategy="absolute")
@given(**_crawl_inputs)
def test_crawl_link_shortcut_agrees_with_the_literal_port(target, source_slug, files, strategy) -> None:
    _check_crawl_shortcut(target, source_slug, files, strategy)


@pytest.mark.slow
@settings(max_examples=20_000, deadline=None)
@given(**_crawl_inputs)
def test_crawl_link_shortcut_agrees_many(target, source_slug, files, strategy) -> None:
    _check_crawl_shortcut(target, source_slug, files, strategy)


@given(
    target=_paths, sources=st.lists(_note_slugs, min_size=2, max_size=4), files=st.lists(_paths, max_size=6)
)
def test_shortest_and_absolute_do_not_depend_on_the_linking_page(target, sources, files) -> None:
    # the resolver caches these per target alone
    slugs = SlugSet([slugify_path(f + ".md") for f in files])
    for strategy in ("shortest", "absolute"):
        assert len({crawl_link(source, target, strategy, slugs) for source in sources}) == 1


@example(files=["a/My Note", "b/Other"], note=True, source_slug="x/y")
@example(files=["a.md"], note=True, source_slug="a")
@example(files=["_index.png"], note=True, source_slug="a")
@example(files=["img/fig 1.png"], note=False, source_slug="x")
@given(files=st.lists(_paths, min_size=1, max_size=6), note=st.booleans(), source_slug=_note_slugs)
def test_shortest_reaches_agrees_with_crawl_link(files, note, source_slug) -> None:
    # a file's own name (a note's without .md), as the resolver's name table asks it
    paths = [f + ".md" if note else f for f in files]
    slugs = SlugSet([slugify_path(path) for path in paths])
    for path in paths:
        name = path.rpartition("/")[2]
        slug = slugify_path(path)
        if shortest_reaches(name, slug, slugs):
            assert crawl_link(source_slug, name, "shortest", slugs) == slug
        if name.endswith(".md") and shortest_reaches(name[:-3], slug, slugs, without_md=True):
            assert crawl_link(source_slug, name[:-3], "shortest", slugs) == slug
