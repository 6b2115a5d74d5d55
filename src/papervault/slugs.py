"""Quartz v4 slugs and link paths, and github-slugger anchors, ported to the letter.

Quartz (v4.5.2, ``quartz/util/path.ts``) turns every file path, link target and tag into a
*slug*; the ``CrawlLinks`` transformer (``quartz/plugins/transformers/links.ts``) then
resolves each ``<a href>`` with one of three ``markdownLinkResolution`` strategies and
records the target's simplified slug. The functions here follow that code line by line,
quirks included (they are marked ``Quartz quirk``), because papervault must predict
exactly what a Quartz build will link. See ``obsidian-quartz.md`` §3-§4.

Vocabulary (Quartz's own):
- a **full slug** is a file path without ``.md``, slugged per segment: ``papers/My-Note``,
  ``papers/index``;
- a **simple slug** drops a trailing ``index``: ``/`` for the home page, ``papers/`` for a
  folder; Quartz's ``links`` lists hold simple slugs;
- a **relative URL** is what ``transform_link`` writes into an href: ``./x``, ``../../a/b#h``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Literal

Strategy = Literal["shortest", "absolute", "relative"]
STRATEGIES: tuple[Strategy, ...] = ("shortest", "absolute", "relative")

# JavaScript's \s, which differs from Python's (no \x1c-\x1f or \x85; adds \ufeff).
_JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_SLUG_SPECIAL = re.compile("[" + re.escape(_JS_WHITESPACE + "&%?#") + "]")
# each whitespace character -> "-" (no collapsing), & -> -and-, % -> -percent, ? and # dropped
_SLUG_TABLE = str.maketrans(
    {**dict.fromkeys(_JS_WHITESPACE, "-"), "&": "-and-", "%": "-percent", "?": None, "#": None}
)
_FILE_EXTENSION = re.compile(r"\.[A-Za-z0-9]+\Z")
_RELATIVE_SEGMENTS = ("", ".", "..")  # Quartz's /^\.{0,2}$/
# a target that is one plain segment: no / \\ % # ?, not starting with a dot
_SIMPLE_NAME = re.compile(r"[^/\\%#?.][^/\\%#?]*\Z")


# --------------------------------------------------------------------------- slugs


def file_extension(path: str) -> str | None:
    """The extension Quartz sees (``.md``, ``.png``, ``.03762``), or ``None``."""
    match = _FILE_EXTENSION.search(path)
    return match.group(0) if match else None


def _sluggify(text: str) -> str:
    """Quartz's ``sluggify``. It works per ``/`` segment, but no rule touches a ``/``, so
    the whole string is done at once; then one trailing ``/`` goes."""
    text = text.replace(" ", "-")  # the common case, done before the slower table
    if _SLUG_SPECIAL.search(text):
        text = text.translate(_SLUG_TABLE)
    return text[:-1] if text.endswith("/") else text


def slugify_path(path: str, exclude_ext: bool = False) -> str:
    """A file path (or link target) as a Quartz full slug (``slugifyFilePath``).

    ``.md``/``.html`` are dropped, other extensions kept; in each segment whitespace
    becomes ``-`` (no collapsing), ``&`` ``-and-``, ``%`` ``-percent``; ``?`` and ``#``
    are removed; case and unicode are kept; a final ``_index`` becomes ``index``.
    """
    if path.endswith(".md") and not path.startswith("/"):
        # a note's path, the common case: no slashes to strip, and the extension goes
        slug = _sluggify(path[:-3])
        return slug[: -len("_index")] + "index" if ends_with(slug, "_index") else slug
    return slugify_path_literal(path, exclude_ext)


def slugify_path_literal(path: str, exclude_ext: bool = False) -> str:
    """:func:`slugify_path` step by step, as Quartz does it."""
    path = strip_slashes(path)
    extension = file_extension(path)
    if extension is None:
        # Quartz quirk: it strips `new RegExp(ext + "$")`, i.e. /undefined$/ without an extension.
        stem = path[: -len("undefined")] if path.endswith("undefined") else path
    else:
        stem = path[: -len(extension)]
    if exclude_ext or extension in (".md", ".html", None):
        extension = ""
    slug = _sluggify(stem)
    if ends_with(slug, "_index"):
        slug = slug[: -len("_index")] + "index"
    return slug + extension


def simplify_slug(slug: str) -> str:
    """``index`` -> ``/``, ``a/index`` -> ``a/``; other slugs unchanged."""
    if not slug.endswith("index") and not slug.startswith("/"):
        return slug or "/"
    simple = strip_slashes(trim_suffix(slug, "index"), only_prefix=True)
    return simple or "/"


def slug_tag(tag: str) -> str:
    """A tag as Quartz slugs it (``slugTag``): the path rules per ``/`` segment, case kept."""
    return "/".join([_sluggify(segment) for segment in tag.split("/")])


# --------------------------------------------------------------------------- anchors

# github-slugger 2.x removes these Unicode 13 general categories (script/generate-regex.mjs),
# except ASCII space (which becomes `-`), ASCII `-`, and anything Alphabetic.
_ANCHOR_REMOVED_CATEGORIES = frozenset(
    {"No", "Pe", "Pf", "Pi", "Ps", "Po", "Pd", "Sm", "Sc", "Sk", "So"}
    | {"Cc", "Co", "Cf", "Cn", "Zs", "Zl", "Zp"}
)
# Other Symbols that are also Alphabetic (circled and squared Latin letters): kept.
_ALPHABETIC_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))
# Letters, marks and digits assigned after Unicode 13.0: github-slugger's table calls them
# Unassigned and removes them. Generated by comparing its regex with current Unicode data.
_ASSIGNED_AFTER_UNICODE_13 = """
870-887 889-88f 897-89f 8b5 8c8-8d2 c3c c5c-c5d cdc-cdd cf3 ece 170d 1715 171f 180f 1ac1-1add
1ae0-1aeb 1b4c 1c89-1c8a 1dfa 2c2f 2c5f 9ffd-9fff a7c0-a7c1 a7cb-a7dc a7f1-a7f4 10570-1057a
1057c-1058a 1058c-10592 10594-10595 10597-105a1 105a3-105b1 105b3-105b9 105bb-105bc 105c0-105f3
10780-10785 10787-107b0 107b2-107ba 10940-10959 10d40-10d65 10d69-10d6d 10d6f-10d85 10ec2-10ec7
10efa-10eff 10f70-10f85 11070-11075 110c2 1123f-11241 11380-11389 1138b 1138e 11390-113b5
113b7-113c0 113c2 113c5 113c7-113ca 113cc-113d3 113e1-113e2 116d0-116e3 11740-11746 11ab0-11abf
11b60-11b67 11bc0-11be0 11bf0-11bf9 11db0-11ddb 11de0-11de9 11f00-11f10 11f12-11f3a 11f3e-11f42
11f50-11f5a 12f90-12ff0 1342f 13440-13455 13460-143fa 16100-16139 16a70-16abe 16ac0-16ac9
16d40-16d6c 16d70-16d79 16ea0-16eb8 16ebb-16ed3 16ff2-16ff6 187f8-187ff 18cff 18d09-18d1e
18d80-18df2 1aff0-1aff3 1aff5-1affb 1affd-1affe 1b11f-1b122 1b132 1b155 1ccf0-1ccf9 1cf00-1cf2d
1cf30-1cf46 1df00-1df1e 1df25-1df2a 1e030-1e06d 1e08f 1e290-1e2ae 1e4d0-1e4f9 1e5d0-1e5fa
1e6c0-1e6de 1e6e0-1e6f5 1e6fe-1e6ff 1e7e0-1e7e6 1e7e8-1e7eb 1e7ed-1e7ee 1e7f0-1e7fe 2a6de-2a6df
2b735-2b73f 2cea2-2cead 2ebf0-2ee5d 31350-33479
"""


def _parse_ranges(text: str) -> tuple[tuple[int, int], ...]:
    ranges = []
    for item in text.split():
        first, _, last = item.partition("-")
        ranges.append((int(first, 16), int(last or first, 16)))
    return tuple(ranges)


_UNASSIGNED_IN_UNICODE_13 = _parse_ranges(_ASSIGNED_AFTER_UNICODE_13)


def _in_ranges(code: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(first <= code <= last for first, last in ranges)


def _anchor_removes(code: int) -> bool:
    if code in (0x20, 0x2D):  # " " and "-"
        return False
    if unicodedata.category(chr(code)) in _ANCHOR_REMOVED_CATEGORIES:
        return not _in_ranges(code, _ALPHABETIC_SYMBOLS)
    return _in_ranges(code, _UNASSIGNED_IN_UNICODE_13)


class _AnchorTable(dict[int, str | None]):
    """A ``str.translate`` table that decides each code point once, on first sight."""

    def __missing__(self, code: int) -> str | None:
        value = None if _anchor_removes(code) else ("-" if code == 0x20 else chr(code))
        self[code] = value
        return value


_ANCHOR_TABLE = _AnchorTable()


def slug_anchor(text: str) -> str:
    """github-slugger's ``slug()``: lower-case, drop punctuation and symbols, space -> ``-``.

    Unicode letters, marks, digits, ``_`` and ``-`` are kept; nothing is trimmed or
    collapsed: ``My Heading!`` -> ``my-heading``, ``^block-1`` -> ``block-1``.
    """
    return text.lower().translate(_ANCHOR_TABLE)


class AnchorSlugger:
    """github-slugger's stateful ``BananaSlug``: repeated headings get ``-1``, ``-2`` …

    This is how Quartz (rehype-slug) gives ids to the headings of one page.
    """

    def __init__(self) -> None:
        self._occurrences: dict[str, int] = {}

    def slug(self, text: str) -> str:
        result = original = slug_anchor(text)
        while result in self._occurrences:
            self._occurrences[original] += 1
            result = f"{original}-{self._occurrences[original]}"
        self._occurrences[result] = 0
        return result


def heading_ids(headings: Iterable[str]) -> tuple[str, ...]:
    """The ids Quartz gives a page's headings, in order (duplicates numbered)."""
    slugger = AnchorSlugger()
    return tuple(slugger.slug(text) for text in headings)


# --------------------------------------------------------------------------- paths


def strip_slashes(text: str, only_prefix: bool = False) -> str:
    """Drop one leading ``/`` and (unless ``only_prefix``) one trailing ``/``."""
    if text.startswith("/"):
        text = text[1:]
    if not only_prefix and text.endswith("/"):
        text = text[:-1]
    return text


def ends_with(text: str, suffix: str) -> bool:
    """Whether ``text`` is ``suffix`` or ends with ``/suffix`` (a whole last segment)."""
    return text == suffix or text.endswith("/" + suffix)


def trim_suffix(text: str, suffix: str) -> str:
    return text[: -len(suffix)] if ends_with(text, suffix) else text


def is_folder_path(text: str) -> bool:
    """Ends with ``/``, or its last segment is ``index``, ``index.md`` or ``index.html``."""
    if text.endswith("/"):
        return True
    for suffix in ("index", "index.md", "index.html"):
        if text.endswith(suffix):  # the three endings exclude each other
            return len(text) == len(suffix) or text[-len(suffix) - 1] == "/"
    return False


def join_segments(*segments: str) -> str:
    """Quartz's ``joinSegments``: join with ``/``, keeping a leading and a trailing slash."""
    if not segments:
        return ""
    joined = "/".join([strip_slashes(s) for s in segments if s != "" and s != "/"])
    if segments[0].startswith("/"):
        joined = "/" + joined
    if segments[-1].endswith("/"):
        joined += "/"
    return joined


def path_to_root(slug: str) -> str:
    """``a/b/c`` -> ``../..``; a top-level slug -> ``.``."""
    depth = len([part for part in slug.split("/") if part]) - 1
    return "/".join([".."] * depth) if depth > 0 else "."


def resolve_relative(current: str, target: str) -> str:
    """The relative URL from the page ``current`` to the slug ``target``."""
    return join_segments(path_to_root(current), simplify_slug(target))


_URI_RESERVED = frozenset(";/?:@&=+$,#")
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _utf8_width(lead: int) -> int:
    """How many bytes a UTF-8 sequence starting with ``lead`` has; 0 if it cannot start one."""
    for width, (mask, value) in enumerate(((0x80, 0x00), (0xE0, 0xC0), (0xF0, 0xE0), (0xF8, 0xF0)), 1):
        if lead & mask == value:
            return width
    return 0


def _decode_percent_run(match: re.Match[str]) -> str:
    escapes = re.findall("%..", match.group(0))
    out: list[str] = []
    index = 0
    while index < len(escapes):
        width = _utf8_width(int(escapes[index][1:], 16))
        group = escapes[index : index + width]
        try:
            text = bytes(int(e[1:], 16) for e in group).decode("utf-8") if width else ""
        except UnicodeDecodeError:
            text = ""
        if len(group) == width and text and text not in _URI_RESERVED:
            out.append(text)
            index += width
        else:  # reserved characters stay encoded; JavaScript throws on bad UTF-8: keep it
            out.append(escapes[index])
            index += 1
    return "".join(out)


def decode_uri(text: str) -> str:
    """JavaScript's ``decodeURI``: decode ``%XX`` UTF-8 escapes except ``;/?:@&=+$,#``."""
    return _PERCENT_RUN.sub(_decode_percent_run, text) if "%" in text else text


def split_anchor(link: str) -> tuple[str, str]:
    """Split ``path#anchor`` into the path and a slugged ``#anchor`` (``splitAnchor``).

    Quartz quirks: only the text up to a *second* ``#`` survives (``split("#", 2)``), and
    ``.pdf`` links keep their anchor as written.
    """
    parts = link.split("#")
    path = parts[0]
    anchor = parts[1] if len(parts) > 1 else None
    if path.endswith(".pdf"):
        return path, "" if anchor is None else "#" + anchor
    return path, "" if anchor is None else "#" + slug_anchor(anchor)


def _add_relative_to_start(text: str) -> str:
    if text == "":
        text = "."
    if not text.startswith("."):
        text = join_segments(".", text)
    return text


@lru_cache(maxsize=1 << 16)  # pure, and a vault links the same targets from many folders
def transform_internal_link(link: str) -> str:
    """A written link target as a relative URL (``transformInternalLink``).

    ``content/with spaces#An Anchor!`` -> ``./content/with-spaces#an-anchor``. Quartz quirk:
    every ``.``/``..`` segment is moved to the front (``a/../b`` -> ``../a/b``).
    """
    path, anchor = split_anchor(decode_uri(link))
    folder = is_folder_path(path)
    segments = [segment for segment in path.split("/") if segment]
    prefix = "/".join([s for s in segments if s in _RELATIVE_SEGMENTS])
    rest = "/".join([s for s in segments if s not in _RELATIVE_SEGMENTS])
    simple = simplify_slug(slugify_path(rest))
    joined = join_segments(strip_slashes(prefix), strip_slashes(simple))
    return _add_relative_to_start(joined) + ("/" if folder else "") + anchor


class SlugSet:
    """Quartz's ``ctx.allSlugs``, indexed by last segment for the ``shortest`` strategy.

    Build it from the slugs of every globbed file (drafts and attachments included,
    ignored paths excluded), then every alias slug and raw ``permalink``. Duplicates are
    kept on purpose: Quartz counts them, so an alias equal to a file's slug makes that
    name ambiguous.
    """

    def __init__(self, slugs: Iterable[str] = ()) -> None:
        self._by_name: dict[str, list[str]] = {}
        self._all: set[str] = set()
        self._unique: dict[str, str] | None = None
        self.extend(slugs)

    def extend(self, slugs: Iterable[str]) -> None:
        by_name = self._by_name
        for slug in slugs:
            name = slug.rpartition("/")[2]
            found = by_name.get(name)
            if found is None:
                by_name[name] = [slug]
            else:
                found.append(slug)
            self._all.add(slug)
        self._unique = None

    @property
    def unique(self) -> dict[str, str]:
        """Each last segment that exactly one slug has, to that slug."""
        if self._unique is None:
            self._unique = {name: found[0] for name, found in self._by_name.items() if len(found) == 1}
        return self._unique

    def named(self, name: str) -> Sequence[str]:
        """Every slug (with repeats) whose last segment is exactly ``name``."""
        return self._by_name.get(name, ())

    def __contains__(self, slug: object) -> bool:
        return slug in self._all


def transform_link(source: str, target: str, strategy: Strategy, slugs: SlugSet) -> str:
    """The href Quartz writes for ``target`` on the page with full slug ``source``.

    - ``relative``: the written path, relative to the page's folder;
    - ``absolute``: the written path from the content root;
    - ``shortest``: the one slug whose last segment equals the whole target, if there is
      exactly one; otherwise as ``absolute``.

    Quartz quirk: under ``absolute`` and ``shortest``, leading ``..`` segments are joined
    onto the path to the root, so they count from the content root.
    """
    target_slug = transform_internal_link(target)
    if strategy == "relative":
        return target_slug
    folder_tail = "/" if is_folder_path(target_slug) else ""
    canonical = strip_slashes(target_slug[1:])
    canonical_path, canonical_anchor = split_anchor(canonical)
    if strategy == "shortest":
        matches = slugs.named(canonical_path)
        if len(matches) == 1:
            return resolve_relative(source, matches[0]) + canonical_anchor
    return join_segments(path_to_root(source), canonical) + folder_tail


def _resolve_url_path(base_path: str, reference: str) -> str:
    """The pathname of ``new URL(reference, "https://base.com" + base_path)``.

    ``reference`` is a relative URL as ``transform_link`` makes them; ``..`` never climbs
    above the root, as in any browser.
    """
    reference = reference.replace("\\", "/")
    for stop in ("#", "?"):
        reference = reference.split(stop, 1)[0]
    if reference.startswith("/"):
        path: list[str] = []
        reference = reference[1:]
    else:
        path = base_path.split("/")[1:-1]
    parts = reference.split("/")
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        lowered = part.lower()
        if lowered in ("..", ".%2e", "%2e.", "%2e%2e"):
            if path:
                path.pop()
            if last:
                path.append("")
        elif lowered in (".", "%2e"):
            if last:
                path.append("")
        else:
            path.append(part)
    return "/" + "/".join(path)


def link_name(target: str) -> str:
    """What ``shortest`` compares with the last segment of each slug for a link target:
    the target as a slug, without its anchor."""
    if _SIMPLE_NAME.match(target) and not is_folder_path(target):
        canonical = slugify_path(target)  # a bare file name: nothing to decode or strip
        if not is_folder_path(canonical):
            return canonical
    return link_name_literal(target)


def link_name_literal(target: str) -> str:
    """:func:`link_name` as Quartz computes it, through the relative URL."""
    return strip_slashes(transform_internal_link(target)[1:]).split("#", 1)[0]


def shortest_reaches(name: str, slug: str, slugs: SlugSet, *, without_md: bool = False) -> bool:
    """Whether, under ``shortest``, the link ``name`` leads to the file at ``slug`` from any
    page, where ``name`` is the last segment of that file's path (``without_md``: that
    segment less its ``.md``, as a wikilink names a note).

    For the plain names accepted here, the name's slug is the last segment of ``slug``, so
    nothing is slugified: the link leads there when that is the one slug of that name.
    ``False`` also means "not decided here" (ask :func:`crawl_link`).
    """
    return slug_tail_name(name, without_md=without_md) and unique_by_name(slug, slugs)


def slug_tail_name(name: str, *, without_md: bool = False) -> bool:
    """Whether ``name`` (as in :func:`shortest_reaches`) is a bare file name whose slug is
    the last segment of its file's slug."""
    if name in ("index", "index.md", "index.html") or not _SIMPLE_NAME.match(name):
        return False  # (a folder, or a name with something to decode, strip or join)
    if without_md and "." in name:  # slugify_path would read an extension the path has not
        return False
    # Quartz quirk: without an extension slugify_path strips "undefined"
    return not name.endswith("undefined") or (not without_md and name.endswith(".md"))


def unique_by_name(slug: str, slugs: SlugSet) -> bool:
    """Whether ``shortest`` finds ``slug`` by its last segment: it is the only slug of
    that name, and the URL resolution leaves it as it is."""
    canonical = slug.rpartition("/")[2]
    if canonical in ("", "index", "index.md", "index.html"):  # (is_folder_path, for one segment)
        return False
    return slugs.unique.get(canonical) == slug and plain_slug(slug)


def crawl_link(source: str, target: str, strategy: Strategy, slugs: SlugSet) -> str:
    """The full slug Quartz's ``CrawlLinks`` records for an internal href on ``source``.

    ``simplify_slug`` of the result is the entry in the page's ``links``. A folder link
    gives ``folder/index``; a ``..`` past the root stops at the root.
    """
    if strategy != "relative":
        found = _crawl_from_root(target, strategy, slugs)
        if found is not None:
            return found
    return crawl_link_literal(source, target, strategy, slugs)


def crawl_link_literal(source: str, target: str, strategy: Strategy, slugs: SlugSet) -> str:
    """:func:`crawl_link` computed step by step as Quartz does: href, then URL resolution."""
    href = transform_link(source, target, strategy, slugs)
    base = "/" + strip_slashes(simplify_slug(source), only_prefix=True)
    destination = _resolve_url_path(base, href)
    if destination.endswith("/"):
        destination += "index"
    return strip_slashes(destination, only_prefix=True)


def plain_slug(slug: str) -> bool:
    """A slug the URL resolution leaves as it is (no ``.``/``..``/empty segments, no ``\\#?``)."""
    return not (
        slug.startswith(("/", "."))
        or slug.endswith("/")
        or "/." in slug
        or "//" in slug
        or "\\" in slug
        or "#" in slug
        or "?" in slug
    )


def _crawl_from_root(target: str, strategy: Strategy, slugs: SlugSet) -> str | None:
    """The common case of :func:`crawl_link` without building and resolving a URL.

    Under ``shortest`` and ``absolute`` an href without ``.``/``..`` segments lands on a
    slug from the root whatever the linking page, so the answer follows from the target
    alone. ``None`` when the target is not that simple (the literal path then decides);
    a property test checks that both paths agree.
    """
    if "#" in target:
        return None
    if _SIMPLE_NAME.match(target) and not is_folder_path(target):
        # a bare file name: one segment, nothing to decode, strip or join
        canonical = slugify_path(target)
        if not is_folder_path(canonical):  # `_index` slugs to `index`, a folder
            if strategy == "shortest":
                matches = slugs.named(canonical)
                if len(matches) == 1:
                    match = matches[0]
                    return match if match and plain_slug(match) else None
            return canonical if canonical and plain_slug(canonical) else None
    path = decode_uri(target)
    if "#" in path or "\\" in path:
        return None
    folder = is_folder_path(path)
    segments = [segment for segment in path.split("/") if segment]
    dots = 0
    while dots < len(segments) and segments[dots] in _RELATIVE_SEGMENTS:
        dots += 1
    if any(segment in _RELATIVE_SEGMENTS for segment in segments[dots:]):
        return None
    joined = join_segments("", strip_slashes(simplify_slug(slugify_path("/".join(segments[dots:])))))
    if joined.startswith(".") or (joined and not plain_slug(joined)):
        return None
    if dots and segments[:dots] != ["."]:  # (a lone ./ changes nothing)
        # Quartz quirk: leading ./ and ../ climb to the root and stop there, and a path
        # that keeps a / is never looked up by name: the slug, from the root
        return joined if joined and not folder else None
    target_slug = ("./" + joined if joined else ".") + ("/" if folder else "")
    canonical = strip_slashes(target_slug[1:])
    if strategy == "shortest":
        matches = slugs.named(canonical)
        if len(matches) == 1:
            match = matches[0]
            return match if match and plain_slug(match) else None
    if not canonical:
        return "index"
    return canonical + "/index" if is_folder_path(target_slug) else canonical
