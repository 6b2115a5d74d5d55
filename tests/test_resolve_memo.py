"""The memoized resolver gives exactly what resolving each link afresh gives.

Resolution shares work between links (one lookup per link text, outcomes per target
form, anchors per target), between modes (one set of tables per vault) and between the
resolutions and their diagnostics. These properties check, on generated vaults full of
the hard cases (duplicate and case-variant names, aliases, titles, relative and escaping
links, anchors, block refs, self-links, embeds, drafts, frontmatter links), that none of
it changes a result:

- against the resolver as it was before it was memoized (``tests/resolve_oracle.py``):
  every resolution and every diagnostic, in every mode and publish mode;
- against a fresh resolver for each single link, so that no memo carries anything from
  one link to another;
- the public :func:`wikilink_name` against probing both resolvers, as it used to be done.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papervault.model import EMBED, MARKDOWN, WIKILINK, BlockId, Heading, Link, Note, Tag, Vault
from papervault.parse import split_wikilink
from papervault.resolve import (
    MODES,
    PROBE_MODES,
    Resolution,
    Resolver,
    VaultIndex,
    resolve_vault,
    wikilink_name,
)
from tests import resolve_oracle as oracle

FOLDERS = ["", "a", "a/b", "c"]
NAMES = ["Alpha", "alpha", "Beta", "Gamma", "index", "Dup", "Beta.v2", "My Note", "C# tips", "x & y"]
HEADINGS = ["Intro", "Method", "Results: A & B", "Intro", "Scaled Dot-Product", "the [[Alpha|link]]"]
ATTACHMENTS = ("img/fig.png", "a/doc.pdf", "img/Fig 2.png", "Dup.png")
IGNORED = ("private/hidden.md", "private/img.png")
TARGETS = [
    *NAMES,
    "ALPHA",
    "beta",
    "a/Beta",
    "a/b/Gamma",
    "b/Gamma",
    "./Beta",
    "../Beta",
    "../../Alpha",
    "../../../../x",
    "Beta.md",
    "beta.MD",
    "fig.png",
    "Fig 2.png",
    "doc.pdf",
    "img/fig.png",
    "Nope",
    "an alias",
    "The Title",
    "hidden",
    "private/hidden",
    "a/",
    "https://arxiv.org/abs/1706.03762",
    "/etc/passwd",
    "Dup.png",
]
ANCHORS = [
    "",
    "Intro",
    "intro",
    "Method",
    "Results: A & B",
    "Results A  B",
    "^b1",
    "^nope",
    "Intro#Method",
    "!!",
]
URLS = [
    "Beta.md",
    "../a/Beta.md",
    "./Beta.md",
    "a/b/Gamma.md",
    "../../Alpha.md",
    "../../../x.md",
    "My%20Note.md",
    "<My Note.md>",
    "/etc/x",
    "img/fig.png",
    "../img/fig.png",
    "Nope.md",
    "",
]


@st.composite
def vaults(draw: st.DrawFn) -> Vault:
    paths = draw(
        st.lists(
            st.tuples(st.sampled_from(FOLDERS), st.sampled_from(NAMES)).map(
                lambda fn: f"{fn[0]}/{fn[1]}.md" if fn[0] else f"{fn[1]}.md"
            ),
            min_size=2,
            max_size=9,
            unique=True,
        )
    )
    notes = {}
    for path in paths:
        links = draw(st.lists(_links(), max_size=6))
        headings = draw(st.lists(st.sampled_from(HEADINGS), max_size=4))
        frontmatter = {"permalink": "perma"} if draw(st.booleans()) and draw(st.booleans()) else {}
        stem = path.rsplit("/", 1)[-1].removesuffix(".md")
        notes[path] = Note(
            path=path,
            title=draw(st.sampled_from([stem, stem, "The Title"])),
            frontmatter=frontmatter,
            aliases=tuple(
                draw(st.lists(st.sampled_from(["an alias", "Beta", "alpha", " Gamma "]), max_size=2))
            ),
            draft=draw(st.booleans()),
            publish=draw(st.booleans()),
            links=tuple(links),
            headings=tuple(Heading(2 if i else 1, text, i + 2) for i, text in enumerate(headings)),
            block_ids=(BlockId("b1", 9),) if draw(st.booleans()) else (),
            tags=(Tag(draw(st.sampled_from(["ml", "ml/rl", "Beta"])), 1, 1, "inline"),),
        )
    return Vault(root="/vault", notes=dict(sorted(notes.items())), attachments=ATTACHMENTS, ignored=IGNORED)


@st.composite
def _links(draw: st.DrawFn) -> Link:
    line = draw(st.integers(1, 30))
    if draw(st.integers(0, 3)) == 0:  # a markdown link or image
        url = draw(st.sampled_from(URLS))
        anchor = draw(st.sampled_from(["", "Intro", "Method", "intro"]))
        text = draw(st.sampled_from(["text", "Beta", "a [b]"]))
        path = url[1:-1] if url.startswith("<") else url
        raw = f"{url}#{anchor}" if anchor else url
        kind = EMBED if draw(st.booleans()) and draw(st.booleans()) else MARKDOWN
        return Link(kind, unquote(path).strip(), anchor, text, raw, line, 3)
    target = draw(st.sampled_from([*TARGETS, ""]))
    anchor = draw(st.sampled_from(ANCHORS))
    display = draw(st.sampled_from(["", "", "shown", "a#b", " "]))
    inner = target + (f"#{anchor}" if anchor else "") + (f"|{display}" if display else "")
    if draw(st.integers(0, 9)) == 0:
        inner = draw(st.sampled_from([" Beta ", "Beta|", "Beta\\|x", "#Intro", "Beta##Intro"]))
    embed = draw(st.integers(0, 4)) == 0
    raw = f"![[{inner}]]" if embed else f"[[{inner}]]"
    split_target, split_anchor, split_display = split_wikilink(raw)
    in_frontmatter = not embed and draw(st.integers(0, 6)) == 0
    kind = EMBED if embed else WIKILINK
    return Link(kind, split_target, split_anchor, split_display, raw, line, 5, in_frontmatter=in_frontmatter)


def _fields(found: Resolution | oracle.Resolution) -> tuple[object, ...]:
    return (
        found.source,
        found.link,
        found.target,
        found.target_kind,
        found.status,
        found.candidates,
        found.case_only,
        found.slug,
        found.anchor_ok,
    )


def _check_against_the_oracle(vault: Vault) -> None:
    for publish in ("drafts", "explicit"):
        for mode in MODES:
            new = resolve_vault(vault, mode, publish)
            old = oracle.resolve_vault(vault, mode, publish)
            assert new.resolutions.keys() == old.resolutions.keys()
            for path, found in new.resolutions.items():
                assert [_fields(r) for r in found] == [_fields(r) for r in old.resolutions[path]], (
                    mode,
                    path,
                )
            assert list(new.diagnostics) == list(old.diagnostics), (mode, publish)


def _check_against_fresh_resolvers(vault: Vault) -> None:
    for mode in MODES:
        batch = resolve_vault(vault, mode)  # one memo shared by the whole vault
        for path, found in batch.resolutions.items():
            for resolution in found:
                alone = Resolver(VaultIndex(vault), mode).resolve(path, resolution.link)
                assert _fields(alone) == _fields(resolution), (mode, path)
            probe = Resolver(batch.resolver.index, mode).outcomes(path, vault.notes[path].links)
            assert [o.target for o in probe] == [r.target for r in found]


def _check_names(vault: Vault) -> None:
    index = resolve_vault(vault).resolver.index
    old_index = oracle.VaultIndex(vault)
    resolvers = {mode: oracle.Resolver(old_index, mode) for mode in PROBE_MODES}
    probing = oracle._Diagnose("obsidian", old_index, resolvers)
    for kind in (WIKILINK, EMBED):
        link = Link(kind, "x", "", None, "[[x]]", 1, 1)
        for path in index.kinds:
            assert wikilink_name(index, path, kind) == probing.name_for(link, path), (kind, path)


_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(vaults())
def test_memoized_resolution_and_diagnostics_equal_the_oracle(vault: Vault) -> None:
    _check_against_the_oracle(vault)


@_SETTINGS
@given(vaults())
def test_memoized_resolution_equals_a_fresh_resolver_per_link(vault: Vault) -> None:
    _check_against_fresh_resolvers(vault)


@_SETTINGS
@given(vaults())
def test_wikilink_name_equals_probing_both_resolvers(vault: Vault) -> None:
    _check_names(vault)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vaults())
def test_memoized_resolution_many(vault: Vault) -> None:
    _check_against_the_oracle(vault)
    _check_against_fresh_resolvers(vault)
    _check_names(vault)
