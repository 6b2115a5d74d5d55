"""Stage 2, parse: one note's bytes in, one :class:`~papervault.model.Note` out. Pure.

The body is parsed by mistune, extended with Obsidian-flavoured rules (wikilinks,
embeds, inline tags, block ids) registered through mistune's public ``register`` API.
mistune gives tokens no positions, so positions are recovered by an *in-order locate*:
every token is looked up in the source with ``str.find`` from a cursor that moves past
each located token, code spans and code blocks included, so that text inside code can
never be mistaken for a later real link (design-notes §2.3, option A).

Before mistune sees the body, ``%%comments%%`` and papervault's own managed regions
are masked (same length, newlines kept), so nothing inside them is ever indexed and
generated backlinks never feed back into the graph.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from . import citations, metadata, regions
from .model import (
    EMBED,
    MARKDOWN,
    PARSER_VERSION,  # noqa: F401 - re-exported: it versions this parser
    WIKILINK,
    BlockId,
    Citation,
    Diagnostic,
    ExternalLink,
    Heading,
    Link,
    Note,
    PaperRef,
    Region,
    Tag,
)
from .splice import strip_regions_with_cuts

BOM = "\ufeff"
#: fills the start of a masked span that has text after it on the same line, so that the
#: text does not turn into an indented code block (``%%c%% [[x]]`` stays a paragraph)
MASK_FILL = "\ue000"

# Obsidian-flavoured inline syntax. Patterns must not use named groups: mistune joins all
# inline rules into one regex with a named group per rule.
WIKILINK_PATTERN = r"!?\[\[[^\[\]\n]*\]\]"
#: letters, digits, _ and - (``\w`` is Unicode-aware), combining marks, and emoji
_TAG_CHAR = (
    r"[\w\-\u00b7\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff\ufe0f\ufe20-\ufe2f\u200d"
    r"\u2600-\u27bf\U0001f000-\U0001faff]"
)
TAG_PATTERN = rf"(?<!\S)#{_TAG_CHAR}+(?:/{_TAG_CHAR}+)*"
BLOCK_ID_PATTERN = r"(?<!\S)\^[A-Za-z0-9_-]+(?=[ \t]*(?:\n|\Z))"
_DIGITS_ONLY = re.compile(r"[\d/]+")
#: a URL scheme that makes a markdown link external (Quartz treats only http(s) so;
#: mailto: and friends are external here too: no note is ever named like that)
_EXTERNAL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|mailto:|tel:|data:|zotero:|obsidian:)", re.I)
_HTML_URL_ATTR = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")
#: what may stand before a heading's text on its line (quote and list markers, nested too,
#: the #s, and any blank but a line break: the heading's text is ``str.strip()``-ed, which
#: takes \v and \f). Each character has one way to match: no backtracking blow-up
_ATX_PREFIX = re.compile(r"(?:[^\S\n]|>|(?:[-*+]|\d+[.)])[^\S\n])*#{1,6}[^\S\n]+")
#: percent-escapes of bytes above 0x7f: how mistune stores non-ASCII in a link destination
_NON_ASCII_ESCAPES = re.compile(r"(?:%[89A-Fa-f][0-9A-Fa-f])+")
_LINE_PREFIX = re.compile(r"(?:[^\S\n]|>|(?:[-*+]|\d+[.)])[^\S\n])*")


# ---------------------------------------------------------------------------
# mistune set-up


def _parse_wikilink(inline: Any, m: re.Match[str], state: Any) -> int:
    state.append_token({"type": "wikilink", "raw": m.group(0)})
    return m.end()


def _parse_tag(inline: Any, m: re.Match[str], state: Any) -> int | None:
    if _DIGITS_ONLY.fullmatch(m.group(0)[1:]):
        return None  # '#123' is not a tag; mistune then reads '#' as text
    state.append_token({"type": "tag", "raw": m.group(0)})
    return m.end()


def _parse_block_id(inline: Any, m: re.Match[str], state: Any) -> int:
    state.append_token({"type": "block_id", "raw": m.group(0)})
    return m.end()


def obsidian(md: Any) -> None:
    """mistune plugin: Obsidian wikilinks and embeds, inline tags and block ids."""
    md.inline.register("wikilink", WIKILINK_PATTERN, _parse_wikilink, before="link", start_chars=("!", "["))
    md.inline.register("tag", TAG_PATTERN, _parse_tag, before="link", start_chars=("#",))
    md.inline.register("block_id", BLOCK_ID_PATTERN, _parse_block_id, start_chars=("^",))


def _heading_text(md: Any) -> None:
    """mistune plugin: keep each heading's source text, which rendering replaces by tokens."""
    for rule in ("atx_heading", "setex_heading"):
        original = getattr(md.block, f"parse_{rule}")

        def keep_text(block: Any, m: re.Match[str], state: Any, original: Any = original) -> Any:
            end = original(m, state)
            token = state.last_token()
            if end and token and token.get("type") == "heading" and "text" in token:
                token["_text"] = token["text"].strip()
            return end

        md.block.register(rule, None, keep_text)


def _quote_order(md: Any) -> None:
    """mistune plugin: keep a block quote before the block that ends it.

    mistune 3.4 parses the block that ends a lazy block quote (a list, HTML) first and
    then inserts the quote before the *last* token; when that block added more tokens
    (``> > x`` then ``- a`` then ``# H``) the quote lands after the list, and the in-order
    locate would look for the quote's links after the list's.
    """
    original = md.block.parse_block_quote

    def in_order(block: Any, m: re.Match[str], state: Any) -> Any:
        before = len(state.tokens)
        inserted: list[Any] = []
        shadowed = vars(state).get("prepend_token")  # a quote being parsed on the same state
        state.prepend_token = lambda token: (inserted.append(token), type(state).prepend_token(state, token))
        try:
            end = original(m, state)
        finally:
            if shadowed is None:
                del state.prepend_token
            else:
                state.prepend_token = shadowed
        for token in inserted:
            index = next(i for i, t in enumerate(state.tokens) if t is token)
            state.tokens.insert(before, state.tokens.pop(index))
        return end

    md.block.register("block_quote", None, in_order)


_markdown: Any = None


#: what any inline rule papervault reads needs to see in a block's text: brackets (links,
#: wikilinks, embeds), '#' (tags), '^' (block ids), '<' (autolinks, HTML), '`' (code
#: spans, which hide the rest), '\\' (escapes) or '://' (bare URLs)
_INLINE_SYNTAX = re.compile(r"[\[#^<`\\]|://")


def markdown_parser() -> Any:
    """The shared mistune parser (built once per process; parsing itself is stateless)."""
    global _markdown
    if _markdown is None:
        import mistune

        class InlineParser(mistune.InlineParser):  # type: ignore[misc]
            """mistune's inline parser, skipped for text that no rule we read can match.

            About half of a vault's paragraphs hold no link, tag or code at all; for them
            the one text token mistune would build after a full scan is built directly
            (emphasis, the only thing lost, is never read). Paper mentions in such text
            are still found: they are read from text tokens.
            """

            def __call__(self, text: str, env: Any) -> Any:
                if _INLINE_SYNTAX.search(text) is None:
                    return [{"type": "text", "raw": text}]
                return super().__call__(text, env)

        inline = InlineParser()
        # emphasis and line breaks only shape text, which is read as one run anyway: without
        # their rules mistune splits text far less often (each rule start is a stop). Bare
        # URLs are found in those text runs too, not by mistune's url plugin, whose start
        # character 'h' would stop its fast text path at every h of the prose.
        for rule in ("emphasis", "linebreak", "softbreak"):
            if rule in inline.rules:
                inline.rules.remove(rule)
        plugins = [obsidian, _heading_text, _quote_order]
        _markdown = mistune.Markdown(renderer=None, inline=inline, plugins=plugins)
    return _markdown


# ---------------------------------------------------------------------------
# masking


def comment_spans(text: str) -> list[tuple[int, int]]:
    """``%%…%%`` comments outside fenced code, as (start, end) offsets.

    As in Obsidian, a comment may span lines and an unclosed ``%%`` runs to the end;
    a ``%%`` inside a code fence or a code span does not open one.
    """
    if "%%" not in text:
        return []
    spans: list[tuple[int, int]] = []
    fence: str | None = None
    comment_start: int | None = None
    offset = 0
    for line in text.splitlines(keepends=True):
        if comment_start is None:
            m = _FENCE.match(line)
            if fence is not None:
                if (
                    m
                    and m.group(1)[0] == fence[0]
                    and len(m.group(1)) >= len(fence)
                    and not line[m.end() :].strip()
                ):
                    fence = None
                offset += len(line)
                continue
            if m and not (m.group(1)[0] == "`" and "`" in line[m.end() :]):
                fence = m.group(1)
                offset += len(line)
                continue
        position = 0
        while True:
            if comment_start is None:
                found = _find_outside_code_span(line, position)
                if found < 0:
                    break
                comment_start = offset + found
                position = found + 2
            else:
                found = line.find("%%", position)
                if found < 0:
                    break
                spans.append((comment_start, offset + found + 2))
                comment_start = None
                position = found + 2
        offset += len(line)
    if comment_start is not None:
        spans.append((comment_start, len(text)))
    return spans


def _find_outside_code_span(line: str, start: int) -> int:
    """The next ``%%`` in ``line`` from ``start`` that is not inside a `code span`."""
    position = start
    found = line.find("%%", position)
    while found >= 0:
        tick = line.find("`", position, found)  # only a code span opening before it matters
        if tick < 0:
            return found
        run = tick + 1
        while run < len(line) and line[run] == "`":
            run += 1
        marker = line[tick:run]
        close = line.find(marker, run)
        if close < 0:
            return found
        position = close + len(marker)
        if found < position:  # searched again only when the code span hid it: linear per line
            found = line.find("%%", position)
    return found


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    """Blank out ``spans`` keeping length and newlines (see MASK_FILL)."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        # blanks only before the span on its line, and text after it; both found by
        # walking over blanks only, so many spans on one long line stay linear
        lead = _only_blanks_back_to_line_start(text, start) and _text_before_line_end(text, end)
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
        if lead:
            last_newline = text.rfind("\n", start, end)
            for i in range(last_newline + 1 if last_newline >= 0 else start, end):
                chars[i] = MASK_FILL
    return "".join(chars)


def _between_backticks(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` stands between a code span's backticks (with at most the
    one space or line break on each side that mistune drops)."""
    before = start - 1 if text[start - 1 : start] in (" ", "\n") else start
    after = end + 1 if text[end : end + 1] in (" ", "\n") else end
    return text[before - 1 : before] == "`" and text[after : after + 1] == "`"


def _only_blanks_back_to_line_start(text: str, offset: int) -> bool:
    while offset > 0 and text[offset - 1] != "\n" and text[offset - 1].isspace():
        offset -= 1
    return offset == 0 or text[offset - 1] == "\n"


def _text_before_line_end(text: str, offset: int) -> bool:
    while offset < len(text) and text[offset] != "\n" and text[offset].isspace():
        offset += 1
    return offset < len(text) and text[offset] != "\n"


# ---------------------------------------------------------------------------
# locating tokens


@dataclass(slots=True)
class _Locator:
    """Finds token texts in the masked body, in document order."""

    text: str
    first_line: int  # file line number of the body's first line
    #: the body before masking (same length): what the user wrote at each offset
    source: str = ""
    #: where managed regions were cut out of the text: (offset, lines removed up to there)
    shifts: list[tuple[int, int]] = field(default_factory=list)
    cursor: int = 0
    misses: int = 0
    # line numbers are counted incrementally: positions arrive mostly in order
    _counted_to: int = 0
    _lines_before: int = 0
    _line_start: int = 0

    def written(self, offset: int, found: str) -> str:
        """What is written where ``found`` was found in the masked text: the same, but for
        ``%%comments%%`` inside it, which masking blanked (a link's raw text is as written)."""
        if offset < 0 or not self.source:
            return found
        return self.source[offset : offset + len(found)]

    def find(self, needle: str, advance: bool = True, count_miss: bool = True, end: int | None = None) -> int:
        """Offset of ``needle`` at or after the cursor (and ending by ``end``), or -1 (a miss)."""
        if not needle:
            return -1
        found = self.text.find(needle, self.cursor, len(self.text) if end is None else end)
        if found < 0 and count_miss:
            self.misses += 1
        elif advance:
            self.cursor = found + len(needle)
        return found

    def search(self, pattern: str) -> re.Match[str] | None:
        m = re.compile(pattern).search(self.text, self.cursor)
        if m:
            self.cursor = m.end()
        else:
            self.misses += 1
        return m

    def find_line_start(self, needle: str, prefix: re.Pattern[str]) -> int:
        """Offset of ``needle`` where only ``prefix`` stands before it on its line."""
        position = self.cursor
        line_start = line_end = -1
        while needle:
            found = self.text.find(needle, position)
            if found < 0:
                break
            if found > line_end:  # a new line: its start is searched once, not per occurrence
                line_start = self.text.rfind("\n", 0, found) + 1
                line_end = self.text.find("\n", found)
                line_end = len(self.text) if line_end < 0 else line_end
            if prefix.fullmatch(self.text, line_start, found):
                self.cursor = found
                return found
            position = found + 1
        self.misses += 1
        return -1

    def skip_block(self, raw: str) -> int:
        """Move past a code or HTML block, line by line (its lines may lose container prefixes)."""
        start = -1
        for line in raw.splitlines():
            found = self.find(line.strip())
            if start < 0:
                start = found
        return start

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) in the file for an offset in the body; the cursor on a miss."""
        if offset < 0:
            offset = max(self.cursor - 1, 0)
        if offset < self._counted_to:
            self._counted_to = self._lines_before = self._line_start = 0
        newlines = self.text.count("\n", self._counted_to, offset)
        if newlines:  # else still on the line of the last position: no search back to its start
            self._lines_before += newlines
            self._line_start = self.text.rfind("\n", self._counted_to, offset) + 1
        self._counted_to = offset
        line = self.first_line + self._lines_before
        if self.shifts:  # lines of regions cut out before this point
            at = bisect.bisect_right(self.shifts, (offset, float("inf"))) - 1
            line += self.shifts[at][1] if at >= 0 else 0
        return line, offset - self._line_start + 1


# ---------------------------------------------------------------------------
# the walk


@dataclass(slots=True)
class _Collected:
    links: list[Link] = field(default_factory=list)
    external: list[ExternalLink] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    block_ids: list[BlockId] = field(default_factory=list)
    section: str = ""


def _split_destination(url: str) -> tuple[str, str]:
    """A markdown link destination as (target, anchor), split at the first ``#`` *before*
    decoding, so that ``C%23%20tips.md`` names the file ``C# tips.md``."""
    target, _, anchor = url.partition("#")
    return unquote(target), unquote(anchor)


def split_wikilink(raw: str) -> tuple[str, str, str | None]:
    """``[[target#anchor|display]]`` (or ``![[…]]``) into (target, anchor, display).

    ``\\|`` is the alias separator Obsidian and Quartz use inside tables.
    """
    inner = raw[3:-2] if raw.startswith("!") else raw[2:-2]
    display: str | None = None
    bar = inner.find("|")
    if bar >= 0:
        display = inner[bar + 1 :].strip()
        inner = inner[:bar]
        if inner.endswith("\\"):
            inner = inner[:-1]
    target, _, anchor = inner.partition("#")
    return target.strip(), anchor.strip(), display


def _plain_text(tokens: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    for token in tokens:
        if "children" in token:
            parts.append(_plain_text(token["children"]))
        elif token["type"] in ("text", "codespan", "wikilink", "tag"):
            parts.append(token.get("raw", ""))
    return "".join(parts)


class _Walker:
    def __init__(self, locator: _Locator, found: _Collected):
        self.locate = locator
        self.found = found
        self.in_link = 0

    def walk(self, tokens: list[dict[str, Any]]) -> None:
        text_run: list[str] = []
        for token in tokens:
            kind = token["type"]
            if kind == "text":
                text_run.append(token["raw"])
                continue
            if kind in ("softbreak", "linebreak"):
                text_run.append("\n")  # a mention may wrap: "arXiv:\n1706.03762"
                continue
            if text_run:
                self.text("".join(text_run))
                text_run = []
            handler = getattr(self, f"on_{kind}", None)
            if handler is not None:
                handler(token)
            elif "children" in token:
                self.walk(token["children"])
        if text_run:
            self.text("".join(text_run))

    # block tokens

    def on_heading(self, token: dict[str, Any]) -> None:
        text = token.get("_text", "")
        first = text.split("\n", 1)[0]
        prefix = _ATX_PREFIX if token.get("style") == "atx" else _LINE_PREFIX
        # the cursor stays at the heading's text: its own links and tags follow
        line, _ = self.locate.position(self.locate.find_line_start(first, prefix))
        # a %%comment%% opened the line, or filled the first lines of a setext heading: the
        # heading is where its text starts
        lines = text.replace(MASK_FILL, "").split("\n")
        line += next((i for i, part in enumerate(lines) if part.strip()), 0)
        text = "\n".join(lines).strip()
        self.found.headings.append(Heading(token["attrs"]["level"], text, line))
        self.found.section = text
        self.walk(token.get("children", []))

    def on_block_code(self, token: dict[str, Any]) -> None:
        self.locate.skip_block(token.get("raw", ""))

    def on_block_html(self, token: dict[str, Any]) -> None:
        raw = token.get("raw", "")
        start = self.locate.find(raw.split("\n", 1)[0].strip(), advance=False)
        self.html_urls(raw, start)
        self.locate.skip_block(raw)

    # inline tokens

    def on_codespan(self, token: dict[str, Any]) -> None:
        raw = token.get("raw", "")
        text = self.locate.text
        # the content as written, right after the next backtick run (and the one space or
        # line break mistune drops): never searched for further, which could cost a scan to
        # the end of the note per code span
        tick = text.find("`", self.locate.cursor)
        if tick >= 0:
            run_end = tick
            while text.startswith("`", run_end):
                run_end += 1
            for start in (run_end, run_end + 1):
                if text.startswith(raw, start) and _between_backticks(text, start, start + len(raw)):
                    self.locate.cursor = start + len(raw)
                    return
        if raw.strip():
            # mistune joins a multi-line code span with spaces (and drops a space or line
            # break on each side): look for it between its backticks, or the same words
            # later in the text would be taken for it and hide the links before them
            words = r"[\s>]+".join(re.escape(part) for part in raw.split())
            self.locate.search(rf"(`+)[ \n]?{words}[ \n]?\1")

    def on_inline_html(self, token: dict[str, Any]) -> None:
        raw = token["raw"]
        start = self.locate.find(raw, advance=False)
        self.html_urls(raw, start)
        if start >= 0:
            self.locate.cursor = start + len(raw)

    def on_wikilink(self, token: dict[str, Any]) -> None:
        read = token["raw"]  # comments inside it blanked: they are not part of the link
        offset = self.locate.find(read)
        line, column = self.locate.position(offset)
        target, anchor, display = split_wikilink(read)
        kind = EMBED if read.startswith("!") else WIKILINK
        raw = self.locate.written(offset, read)
        self.found.links.append(Link(kind, target, anchor, display, raw, line, column, self.found.section))

    def on_tag(self, token: dict[str, Any]) -> None:
        raw = token["raw"]
        line, column = self.locate.position(self.locate.find(raw))
        self.found.tags.append(Tag(raw[1:], line, column, "inline"))

    def on_block_id(self, token: dict[str, Any]) -> None:
        raw = token["raw"]
        line, _ = self.locate.position(self.locate.find(raw))
        self.found.block_ids.append(BlockId(raw[1:], line))

    def on_link(self, token: dict[str, Any], embed: bool = False) -> None:
        url = token.get("attrs", {}).get("url", "")  # mistune has decoded entities already
        before = len(self.found.citations)
        if "_autolink" not in token:
            self.in_link += 1  # a URL in link text is text, not another link
            self.walk(token.get("children", []))  # the link text comes first in the source
            self.in_link -= 1
        in_text = self.found.citations[before:]
        del self.found.citations[before:]
        if "_autolink" in token:
            raw = token["_autolink"]
            offset = self.locate.find(raw)
        elif "ref" in token:
            raw = f"[{token.get('label', '')}]"
            offset = self.locate.find(raw)
        else:
            raw, offset = self.find_destination(url)
            raw = self.locate.written(offset, raw)
        line, column = self.locate.position(offset)
        # a scheme-less paper URL ([x](arxiv.org/abs/…)) is a citation and a (broken) link
        self.url_citations(url, line, column, raw or url)
        if _EXTERNAL.match(url):
            self.found.external.append(ExternalLink(url, line, column, self.found.section))
        else:
            target, anchor = _split_destination(url)
            kind = EMBED if embed else MARKDOWN
            display = _plain_text(token.get("children", [])) or None
            link = Link(kind, target.strip(), anchor, display, raw, line, column, self.found.section)
            self.found.links.append(link)
        # a badge image or the URL repeated as link text is the same reference, not another
        cited = {c.id for c in self.found.citations[before:]}
        self.found.citations.extend(c for c in in_text if c.id not in cited)

    def on_image(self, token: dict[str, Any]) -> None:
        self.on_link(token, embed=True)

    def find_destination(self, url: str) -> tuple[str, int]:
        """Locate an inline link by its destination as it may have been written."""
        decoded = unquote(url)
        # mistune percent-encodes what it stores; people write non-ASCII as is ('ünï%20x.md')
        as_written = _NON_ASCII_ESCAPES.sub(lambda m: unquote(m.group()), url)
        candidates = [url, f"<{decoded}>", decoded, html.escape(decoded, quote=False), as_written]
        best = -1
        best_raw = ""
        for candidate in dict.fromkeys(candidates):
            # only an occurrence before the best so far can win: a form that is not written
            # (``<url>`` mostly) then costs a search up to it, not to the end of the note
            end = None if best < 0 else best + len(candidate) - 1
            found = self.locate.find(candidate, advance=False, count_miss=False, end=end)
            if found >= 0 and (best < 0 or found < best):
                best, best_raw = found, candidate
        if best >= 0:
            self.locate.cursor = best + len(best_raw)
        else:
            self.locate.misses += 1
        return best_raw, best

    # references inside text, URLs and HTML

    def text(self, text: str) -> None:
        """A run of plain text: bare URLs (outside link text) and paper mentions, in order."""
        found: list[tuple[int, int, str | None, str | None, bool]] = []
        if self.in_link == 0 and "://" in text:
            found.extend((start, end, None, None, True) for start, end, _ in citations.iter_urls(text))
        if citations.might_mention(text):  # most text mentions no paper: skip the scanners
            mentions = citations.find_mentions(text)
            found.extend((start, end, paper, version, False) for start, end, paper, version in mentions)
        if not found:
            return
        found.sort()
        for start, end, paper, version, is_url in found:
            matched = text[start:end]
            line, column = self.locate.position(self.locate.find(matched))
            if is_url:
                self.found.external.append(ExternalLink(matched, line, column, self.found.section))
                self.url_citations(matched, line, column, matched)
            elif paper is not None:
                self.found.citations.append(
                    Citation(paper, version, line, column, matched, self.found.section)
                )

    def url_citations(self, url: str, line: int, column: int, text: str) -> None:
        for paper, version in citations.match_url(url):
            self.found.citations.append(Citation(paper, version, line, column, text, self.found.section))

    def html_urls(self, raw: str, start: int) -> None:
        """Links and references in raw HTML: ``href``/``src`` values (Quartz counts
        ``<a href>`` as a link) and paper ids anywhere in its text (``<td>arXiv:…</td>``)."""
        code = _HTML_COMMENT.sub(lambda m: " " * len(m.group(0)), raw)
        for m in _HTML_URL_ATTR.finditer(code):
            url = html.unescape(m.group(1) or m.group(2) or m.group(3) or "")
            value_start = m.start(m.lastindex or 0)
            line, column = self.locate.position(start + value_start if start >= 0 else -1)
            if _EXTERNAL.match(url):
                self.found.external.append(ExternalLink(url, line, column, self.found.section))
            elif url and m.group(0).lower().startswith("href"):
                target, anchor = _split_destination(url)
                self.found.links.append(
                    Link(MARKDOWN, target, anchor, None, url, line, column, self.found.section)
                )
        for begin, end, paper, version in citations.scan_text(code):
            line, column = self.locate.position(start + begin if start >= 0 else -1)
            self.found.citations.append(
                Citation(paper, version, line, column, code[begin:end], self.found.section)
            )


# ---------------------------------------------------------------------------
# the note


def parse_note(path: str, data: bytes) -> Note:
    """Parse one note's bytes. Never raises on bad input: problems become diagnostics."""
    if b"\x00" in data:
        message = "binary data (NUL bytes) in a .md file; not indexed"
        return unreadable_note(path, Diagnostic(path, 1, 0, "PV103", message))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); not indexed"
        return unreadable_note(path, Diagnostic(path, line, 0, "PV102", message))
    return parse_text(text, path)


def unreadable_note(path: str, diagnostic: Diagnostic) -> Note:
    """A note that could not be read or decoded: still a link target, never parsed or written."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    return Note(path=path, title=stem, frontmatter={}, diagnostics=(diagnostic,), readable=False)


def parse_text(text: str, path: str = "<text>") -> Note:
    """Parse a note's text (any newline style, with or without a BOM)."""
    text = written = text.removeprefix(BOM)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    front = metadata.split(text, path)
    meta = metadata.interpret(front, path, stem)
    diagnostics: list[Diagnostic] = [*front.diagnostics, *meta.diagnostics]
    first_line = front.body_start_line + 1
    body = text[front.body_offset :]

    # the whole text, so that lines (in messages too) are file lines, and marker-like
    # lines in the frontmatter are reported here as they are when a sync splices
    spans, problems = regions.find_regions(text)
    managed = [Region(s.name, s.start_line, s.end_line, text[s.start : s.end]) for s in spans]
    diagnostics.extend(
        Diagnostic(path, p.line, 1, "PV402", f"{p.message}; file left untouched") for p in problems
    )
    body_offset = front.body_offset  # regions never start in the frontmatter
    shifts: list[tuple[int, int]] = []
    if spans and not problems:
        # Read the note as it is without papervault's regions (and the blank line each
        # adds): what the user wrote must read the same whether a region is there or not,
        # or adding or removing one could change the links around it (a blank line ends
        # an HTML block), and a sync would not reach a fixed point.
        stripped, cuts = _strip_as_written(written, text, path)
        body = stripped[body_offset:]
        removed = removed_lines = 0
        for start, end in cuts:
            removed_lines += text.count("\n", start, end)
            shifts.append((start - removed - body_offset, removed_lines))
            removed += end - start
        hidden = comment_spans(body)
    else:
        hidden = [(s.start - body_offset, s.end - body_offset) for s in spans] + comment_spans(body)
    masked = mask(body, sorted(hidden))

    found = _Collected()
    locator = _Locator(masked, first_line, shifts=shifts, source=body)
    _Walker(locator, found).walk(markdown_parser()(masked))

    frontmatter_links = list(_frontmatter_links(front))
    papers = [
        PaperRef(paper, version, key, metadata.key_line(front, key))
        for paper, version, key in citations.papers_from_frontmatter(front.data)
    ]
    arxiv_keys = tuple(key for key in front.data if citations.is_arxiv_key(key))
    for key, line in metadata.unquoted_numbers(front, arxiv_keys):
        value = front.data[key]
        message = f"'{key}: {value}' is an unquoted number; YAML readers may turn it into a float"
        diagnostics.append(Diagnostic(path, line, 1, "PV116", message, fix=f'{key}: "{value}"'))

    return Note(
        path=path,
        title=meta.title,
        frontmatter=front.data,
        aliases=meta.aliases,
        tags=(*meta.tags, *found.tags),
        draft=meta.draft,
        publish=meta.publish,
        links=(*frontmatter_links, *found.links),
        external_links=tuple(found.external),
        citations=tuple(found.citations),
        papers=tuple(papers),
        headings=tuple(found.headings),
        block_ids=tuple(found.block_ids),
        regions=tuple(managed),
        diagnostics=tuple(diagnostics),
        body_line=first_line,
        open_fence=_open_fence(body, first_line),
    )


def _open_fence(body: str, first_line: int) -> int:
    if "```" not in body and "~~~" not in body:
        return 0
    line = regions.open_fence_line(body)
    return 0 if line is None else line + first_line - 1


def _strip_as_written(written: str, text: str, path: str) -> tuple[str, list[tuple[int, int]]]:
    """``strip_regions_with_cuts`` as a sync does it, on the note's own line endings (in a
    mixed file, whether the line before a region is its separator depends on them), with
    the cuts mapped into ``text``, the same note with every line ending a LF."""
    if written is text:
        return strip_regions_with_cuts(text, path=path)
    _, written_cuts = strip_regions_with_cuts(written, path=path)
    crlf = [m.start() for m in re.finditer("\r\n", written)]  # each is one character in text

    def mapped(offset: int) -> int:
        return offset - bisect.bisect_left(crlf, offset - 1)

    cuts = [(mapped(start), mapped(end)) for start, end in written_cuts]
    kept, position = [], 0
    for start, end in cuts:
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return "".join(kept), cuts


_FRONTMATTER_WIKILINK = re.compile(WIKILINK_PATTERN)


def _frontmatter_links(front: metadata.Frontmatter) -> Iterator[Link]:
    """Wikilinks in frontmatter values (``related: "[[Other]]"``): real links since Obsidian 1.4."""
    if "[[" not in front.yaml:
        return
    yaml = front.yaml
    cursor = 0
    # lines are counted on from the last link, not from the top (many links stay linear)
    counted_to = line_start = lines_before = 0
    for value in _strings(front.data):
        for m in _FRONTMATTER_WIKILINK.finditer(value):
            raw = m.group(0)
            found = yaml.find(raw, cursor)
            if found < 0:
                found = yaml.find(raw)
            else:
                cursor = found + len(raw)
            if found < 0:
                line, column = 2, 0
            else:
                if found < counted_to:
                    counted_to = line_start = lines_before = 0
                newlines = yaml.count("\n", counted_to, found)
                if newlines:
                    lines_before += newlines
                    line_start = yaml.rfind("\n", counted_to, found) + 1
                counted_to = found
                line, column = 2 + lines_before, found - line_start + 1
            target, anchor, display = split_wikilink(raw)
            kind = EMBED if raw.startswith("!") else WIKILINK
            yield Link(kind, target, anchor, display, raw, line, column, in_frontmatter=True)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
