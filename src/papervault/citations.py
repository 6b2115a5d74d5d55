"""arXiv and OpenReview citations: recognise, validate and canonicalise paper ids.

The rules are those of ``shared/docs/identifiers.md``; the tables below read like its
§1.3 (arXiv URL forms) and §2 (OpenReview URL forms). Three entry points feed the parser:

- :func:`match_url` for one link destination, autolink or bare URL;
- :func:`find_mentions` for plain text (``arXiv:ID``, arXiv DOIs, scheme-less host forms);
- :func:`papers_from_frontmatter` for the paper a note describes.

:func:`scan_text` combines the first two over any text (raw HTML, a frontmatter value);
:func:`extract` is the public one-call API over a whole markdown document.

Decisions the spec left open (each covered by a test):

- ``openreview.net/revisions?id=X`` cites ``openreview:X``: the page is the history of
  note X, and people link it for a submission, as they do ``pdf?id=X``.
- ``arXiv ID`` separated by blanks only, and ``arxivID`` with no separator at all (seen in
  real abstracts: ``arxiv2103.03386``) both count: the marker is explicit and the id shape
  is validated, so ``arXiv 2020`` or ``arXiv, a database`` never match.
- ``export.arxiv.org/api/query`` names the ids in ``id_list`` even when a
  ``search_query`` narrows them; without ``id_list`` it is a search and names nothing.
- New-style ids run from ``0704`` to ``9912``; the ``00``-``06`` = 2100s reading is not
  accepted. Old-style ids run from ``9101`` to ``0703``.
- OpenReview ids are 9 to 12 characters of ``[A-Za-z0-9_-]`` (seen: 9 to 11); a shorter
  run is a truncated id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .ids import paper_id

if TYPE_CHECKING:
    from .model import Citation

ARXIV = "arxiv"
OPENREVIEW = "openreview"

#: (canonical id, version or None)
PaperMatch = tuple[str, str | None]
#: (start, end, canonical id, version or None); ``text[start:end]`` is the matched text
Mention = tuple[int, int, str, str | None]

# -- arXiv identifiers (identifiers.md §1.1) -----------------------------------------------

#: old-style archive names: the Zotero translator's table plus the arxiv-docs examples
OLD_ARCHIVES: tuple[str, ...] = (
    "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an",
    "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an",
    "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th", "nlin",
    "nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph",
    "solv-int", "supr-con",
)  # fmt: skip

#: the first month of 5-digit numbers; before it numbers have 4 digits
FIVE_DIGITS_FROM = "1501"
#: new-style ids start in April 2007
NEW_SCHEME_FROM = "0704"
#: old-style ids ran from 1991 to March 2007
OLD_SCHEME_FROM, OLD_SCHEME_UNTIL = "9101", "0703"

_ARCHIVE = "|".join(re.escape(name) for name in sorted(OLD_ARCHIVES, key=len, reverse=True))
# The id shape only; dates, digit counts and zero sequences are checked in _arxiv_from_match.
# The lookahead rejects longer runs (6 digits, 'v0', '1706.03762abc') instead of cutting them.
ARXIV_ID_PATTERN = (
    r"(?:(?P<yymm>[0-9]{4})\.(?P<number>[0-9]{4,5})"
    rf"|(?P<archive>(?i:{_ARCHIVE}))(?:\.(?P<subject>[A-Za-z]+(?:-[A-Za-z]+)?))?"
    r"/(?P<old>[0-9]{7}))"
    r"(?:v(?P<version>[1-9][0-9]*))?"
    r"(?![0-9A-Za-z_])"
)
_BARE_ARXIV = re.compile(r"(?:(?i:arxiv)\s*:\s*)?" + ARXIV_ID_PATTERN)


def _valid_month(yymm: str) -> bool:
    return "01" <= yymm[2:] <= "12"


def _arxiv_from_match(match: re.Match[str]) -> PaperMatch | None:
    """Validate an :data:`ARXIV_ID_PATTERN` match and return its canonical id and version."""
    version = match["version"]
    version = f"v{version}" if version else None
    yymm = match["yymm"]
    if yymm is not None:
        number = match["number"]
        if not _valid_month(yymm) or yymm < NEW_SCHEME_FROM or int(number) == 0:
            return None
        if len(number) != (4 if yymm < FIVE_DIGITS_FROM else 5):
            return None  # never convert between 4- and 5-digit forms
        return paper_id(ARXIV, f"{yymm}.{number}"), version
    old = match["old"]
    yymm = old[:4]
    in_range = yymm >= OLD_SCHEME_FROM or yymm <= OLD_SCHEME_UNTIL
    if not _valid_month(yymm) or not in_range or old[4:] == "000":
        return None
    # the subject class is dropped: math.GT/0309136 is arxiv:math/0309136
    return paper_id(ARXIV, f"{match['archive'].lower()}/{old}"), version


def parse_arxiv_id(value: str) -> PaperMatch | None:
    """A whole string that is one arXiv id (``2504.19162v2``, ``arXiv:hep-th/9901001``)."""
    match = _BARE_ARXIV.fullmatch(value.strip())
    return _arxiv_from_match(match) if match else None


# -- OpenReview identifiers (identifiers.md §2) --------------------------------------------

OPENREVIEW_ID_LENGTH = (9, 12)
_OPENREVIEW_ID = re.compile(r"[A-Za-z0-9_-]+")
# After the id: the end, or a character that ends an id in a URL or in prose. '.' or '/'
# followed by more (``ICLR.cc/2024``) means the value was a group name, not a note id.
_OPENREVIEW_AFTER = re.compile(r"(?:[&#%)\]\"'<>\s]|[.,;:!?]*(?:\s|$)|[^\x00-\x7f]).*|", re.S)


def parse_openreview_id(value: str) -> PaperMatch | None:
    """An OpenReview note id at the start of ``value``, the rest being only a terminator."""
    match = _OPENREVIEW_ID.match(value)
    if not match:
        return None
    low, high = OPENREVIEW_ID_LENGTH
    if not low <= match.end() <= high:
        return None
    if not _OPENREVIEW_AFTER.fullmatch(value, match.end()):
        return None
    return paper_id(OPENREVIEW, match.group()), None  # never case-folded, trailing '-' kept


# -- URL forms (identifiers.md §1.3 and §2) ------------------------------------------------

#: host (lower-case, ``www.`` removed) -> the site whose URL forms apply.
#: Any other ``*.arxiv.org`` host is arXiv too (export., lanl., ar5iv.labs., country mirrors).
SITES: dict[str, str] = {
    "arxiv.org": "arxiv",
    "xxx.lanl.gov": "arxiv",
    "doi.org": "doi",
    "dx.doi.org": "doi",
    "ar5iv.org": "ar5iv",
    "alphaxiv.org": "alphaxiv",
    "huggingface.co": "huggingface",
    "hf.co": "huggingface",
    "emergentmind.com": "emergentmind",
    "arxiv-vanity.com": "arxiv-vanity",
    "scirate.com": "scirate",
    "semanticscholar.org": "semanticscholar",
    "openreview.net": "openreview",
}
#: arxiv.org subdomains that serve no papers: help pages and feeds
NOT_ARXIV_HOSTS = frozenset({"info.arxiv.org", "rss.arxiv.org"})


@dataclass(frozen=True, slots=True)
class UrlForm:
    """One row of the URL-form table.

    ``path`` is matched at the start of the URL path. Without ``query`` the arXiv id
    follows it directly in the path (``/abs/<id>``); with ``query`` the path must match
    whole and the id(s) sit in that query parameter (``/forum?id=<id>``).
    """

    site: str
    scheme: str
    path: str
    query: str | None = None
    many: bool = False  # the parameter holds a comma-separated list of ids

    def compile(self) -> re.Pattern[str]:
        if self.query is None:
            return re.compile(self.path + r"(?:(?i:arxiv):)?" + ARXIV_ID_PATTERN)
        return re.compile(self.path)


URL_FORMS: tuple[UrlForm, ...] = (
    # arxiv.org/abs|pdf|html|format|ps|src|e-print/ID[vN][.pdf][/...]: one article each
    UrlForm("arxiv", ARXIV, r"/(?:abs|pdf|html|format|ps|src|e-print)/"),
    # export.arxiv.org/api/query?id_list=ID,ID: one paper per id; search_query= alone: none
    UrlForm("arxiv", ARXIV, r"/api/query/?", query="id_list", many=True),
    # doi.org/10.48550/arXiv.ID: DataCite DOIs, any case
    UrlForm("doi", ARXIV, r"/10\.48550/(?i:arxiv)\."),
    # ar5iv.org/abs|html/ID (ar5iv.labs.arxiv.org/html/ID is an arxiv.org host)
    UrlForm("ar5iv", ARXIV, r"/(?:abs|html|pdf)/"),
    # alphaxiv.org/abs|overview|pdf/ID, sometimes with a '.md' suffix
    UrlForm("alphaxiv", ARXIV, r"/(?:abs|overview|pdf)/"),
    # aggregators keyed by arXiv id
    UrlForm("huggingface", ARXIV, r"/papers/"),
    UrlForm("emergentmind", ARXIV, r"/papers/"),
    UrlForm("arxiv-vanity", ARXIV, r"/papers/"),
    UrlForm("scirate", ARXIV, r"/arxiv/"),
    UrlForm("semanticscholar", ARXIV, r"/arxiv/"),
    # openreview.net/forum|pdf|attachment|revisions?id=X (noteId= ignored: X is the forum).
    # references/pdf (a revision id), group and profile pages match no row.
    UrlForm("openreview", OPENREVIEW, r"/(?:forum|pdf|attachment|revisions)/?", query="id"),
)

_FORMS_BY_SITE: dict[str, tuple[tuple[UrlForm, re.Pattern[str]], ...]] = {
    site: tuple((form, form.compile()) for form in URL_FORMS if form.site == site)
    for site in {form.site for form in URL_FORMS}
}

# scheme (optional: link destinations and prose may omit it) and host; then port, path, query.
# Two steps, so that the common case, a URL on another host, costs one short match.
_URL_HOST = re.compile(r"\s*<?(?:[A-Za-z][A-Za-z0-9+.-]*:)?(?://)?([A-Za-z0-9.-]+)")
_URL_REST = re.compile(r"(?::[0-9]*)?(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?", re.S)
_DOUBLE_SLASH = re.compile(r"//+")
_ENCODED_SLASH = re.compile(r"%2[Ff]")
_ENCODED_COMMA = re.compile(r"%2[Cc]")


def _site(host: str) -> str | None:
    host = host.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    site = SITES.get(host)
    if site is None and host.endswith(".arxiv.org") and host not in NOT_ARXIV_HOSTS:
        site = "arxiv"
    return site


def _query_values(query: str, name: str) -> list[str]:
    query = query.replace("&amp;", "&")
    prefix = name + "="
    return [part[len(prefix) :] for part in query.split("&") if part.startswith(prefix)]


def match_url(url: str) -> list[PaperMatch]:
    """Canonical paper ids (+ version or None) named by one URL or link destination.

    Returns ``[]`` for anything that is not a paper form: listing, search, author and help
    pages, OpenReview group and profile pages, invalid or truncated ids, other hosts
    (badge images on img.shields.io included). ``export.arxiv.org/api/query?id_list=a,b``
    gives one entry per listed id.
    """
    host = _URL_HOST.match(url)
    site = _site(host[1]) if host else None
    if host is None or site is None:
        return []
    parts = _URL_REST.match(url, host.end())
    path = parts["path"]
    if "//" in path:
        path = _DOUBLE_SLASH.sub("/", path)
    if "%2" in path:
        path = _ENCODED_SLASH.sub("/", path)
    found: list[PaperMatch] = []
    for form, pattern in _FORMS_BY_SITE[site]:
        if form.query is None:
            match = pattern.match(path)
            paper = _arxiv_from_match(match) if match else None
            if paper:
                found.append(paper)
            continue
        if not pattern.fullmatch(path) or not parts["query"]:
            continue
        for value in _query_values(parts["query"], form.query):
            items = _ENCODED_COMMA.sub(",", value).split(",") if form.many else [value]
            for item in items:
                paper = parse_arxiv_id(item) if form.scheme == ARXIV else parse_openreview_id(item)
                if paper and paper not in found:
                    found.append(paper)
    return found


# -- plain-text mentions -----------------------------------------------------------------
#
# Speed: every pattern below starts with a literal or a plain character class, so that
# re's fast scan for the first character applies (a leading look-behind or a
# case-insensitive alternation made them 10-20x slower). Left boundaries are checked in
# Python, on the few hits only.

#: punctuation that ends a sentence, never a URL: ASCII and full-width forms
TRAILING_PUNCTUATION = ".,;:!?)]}>'\"。，；：！？、）】」』》"

#: characters of a URL written in text: printable ASCII except blanks, quotes, angle and
#: square brackets and backticks (so '[![b](u1)](u2)' gives two URLs)
_URL_CHARS = frozenset(map(chr, range(0x21, 0x7F))) - frozenset("\"'<>[]`")
_URL_TAIL = re.compile("[" + re.escape("".join(sorted(_URL_CHARS))) + "]*")
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_SCHEME_CHARS = _HOST_CHARS | frozenset("+")
#: how far back a URL or host may start; longer runs are not looked into
_LOOK_BACK = 2048

_HOSTS = "|".join(re.escape(host) for host in sorted(SITES, key=len, reverse=True))
# Host forms are found from their top-level domain ('.org/'), then matched from the host's start.
_TOP_LEVEL = re.compile(r"\.(?:[Oo][Rr][Gg]|[Nn][Ee][Tt]|[Gg][Oo][Vv]|[Cc][Oo][Mm]?)/")
_HOST_FORM = re.compile(rf"(?i:(?:[a-z0-9-]+\.)*(?:{_HOSTS}))/{_URL_TAIL.pattern}")
#: what may not stand right before a host form: it would be part of a longer host or URL
_NOT_BEFORE_HOST = frozenset("_@/:")
# 'arXiv:ID', 'arXiv: ID', 'arXiv ID', 'arXiv id: ID', 'arxivID'.
_ARXIV_MENTION = re.compile(
    r"[Aa][Rr][Xx][Ii][Vv](?:[ \t]+[Ii][Dd])?"
    r"(?:[ \t\u00a0]*[:：][ \t\u00a0]*\n?[ \t\u00a0]*|[ \t\u00a0]+|)" + ARXIV_ID_PATTERN
)
#: what may not stand right before 'arXiv': a word ('myarxiv'), a host ('export.arxiv.org'),
#: a path ('/arxiv/ID'), the 'arXiv.' inside a DOI
_NOT_BEFORE_ARXIV = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./")
# '10.48550/arXiv.ID', optionally after 'doi:' or 'DOI: ' (found by looking back)
_ARXIV_DOI = re.compile(r"10\.48550/(?i:arxiv)\." + ARXIV_ID_PATTERN)
_DOI_PREFIX = re.compile(r"[Dd][Oo][Ii][ \t]*:[ \t]*\Z")
_NOT_BEFORE_DOI = _NOT_BEFORE_ARXIV | frozenset("-")


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in TRAILING_PUNCTUATION:
        end -= 1
    return end


def _run_start(text: str, position: int, chars: frozenset[str]) -> int:
    """Where the run of ``chars`` that ends at ``position`` begins."""
    start, limit = position, max(0, position - _LOOK_BACK)
    while start > limit and text[start - 1] in chars:
        start -= 1
    return start


def _inside_url(text: str, position: int) -> bool:
    """Whether ``position`` is inside a URL with a scheme (those are match_url's)."""
    return "://" in text[_run_start(text, position, _URL_CHARS) : position]


def _host_forms(text: str) -> Iterator[Mention]:
    end = 0
    for top_level in _TOP_LEVEL.finditer(text):
        start = _run_start(text, top_level.start(), _HOST_CHARS)
        if start < end or (start and text[start - 1] in _NOT_BEFORE_HOST):
            continue
        match = _HOST_FORM.match(text, start)
        if match is None or _inside_url(text, start):
            continue
        end = _trim_end(text, start, match.end())
        for paper, version in match_url(text[start:end]):
            yield start, end, paper, version
        end = match.end()


def _arxiv_mentions(text: str) -> Iterator[Mention]:
    for match in _ARXIV_MENTION.finditer(text):
        start = match.start()
        if (start and text[start - 1] in _NOT_BEFORE_ARXIV) or _inside_url(text, start):
            continue
        paper = _arxiv_from_match(match)
        if paper:
            yield start, match.end(), *paper


def _doi_mentions(text: str) -> Iterator[Mention]:
    for match in _ARXIV_DOI.finditer(text):
        start = match.start()
        prefix = _DOI_PREFIX.search(text, max(0, start - 16), start)
        if prefix and not (prefix.start() and text[prefix.start() - 1] in _NOT_BEFORE_DOI):
            start = prefix.start()
        elif start and text[start - 1] in _NOT_BEFORE_DOI:
            continue
        if _inside_url(text, start):
            continue
        paper = _arxiv_from_match(match)
        if paper:
            yield start, match.end(), *paper


#: every mention holds one of these: a cheap test that lets most text skip the scanners
_MENTION_HINT = re.compile(r"[Aa][Rr][Xx][Ii][Vv]|10\.48550|" + _TOP_LEVEL.pattern)


def might_mention(text: str) -> bool:
    """False when :func:`find_mentions` certainly finds nothing in ``text``."""
    return _MENTION_HINT.search(text) is not None


def find_mentions(text: str) -> list[Mention]:
    """Paper references written without a URL scheme, in document order.

    Finds ``arXiv:ID`` (also ``arXiv: ID``, ``arxiv:ID``, ``arXiv ID``, ``arXiv id: ID``,
    ``arxivID``), ``doi:10.48550/arXiv.ID`` and the bare DOI, and host forms written
    without ``http(s)://`` (``arxiv.org/abs/ID``, ``openreview.net/forum?id=X``). URLs with
    a scheme are :func:`match_url`'s job, so nothing inside one is reported. Never matches
    a bare ``NNNN.NNNNN`` or Atom names such as ``arxiv:primary_category``.
    Returns ``(start, end, id, version)``; ``text[start:end]`` is the matched text without
    trailing punctuation.
    """
    found = list(_host_forms(text))
    hosts = [(start, end) for start, end, _, _ in found]
    for mention in (*_arxiv_mentions(text), *_doi_mentions(text)):
        if not any(start <= mention[0] < end for start, end in hosts):
            found.append(mention)
    found.sort(key=lambda mention: mention[:2])
    return found


def iter_urls(text: str) -> Iterator[tuple[int, int, str]]:
    """URLs with a scheme in free text (raw HTML, a frontmatter value): start, end, URL.

    The end excludes trailing punctuation; the URL stops at blanks, quotes, angle and
    square brackets, backticks and non-ASCII characters.
    """
    position = text.find("://")
    while position >= 0:
        start = _run_start(text, position, _SCHEME_CHARS)
        while start < position and not text[start].isalpha():
            start += 1  # a scheme starts with a letter
        tail = _URL_TAIL.match(text, position + 3).end()
        if start < position:
            end = _trim_end(text, start, tail)
            yield start, end, text[start:end]
        position = text.find("://", tail)


def scan_text(text: str) -> list[Mention]:
    """All references in free text: URLs with a scheme (via :func:`match_url`) and
    :func:`find_mentions`, in order. For raw HTML (``href``/``src`` values), frontmatter
    values and a parser-free look at a text; it knows nothing about code or comments."""
    found = [
        (start, end, paper, version)
        for start, end, url in iter_urls(text)
        for paper, version in match_url(url)
    ]
    found.extend(find_mentions(text))
    found.sort(key=lambda mention: mention[:2])
    return found


# -- frontmatter (identifiers.md §3) -------------------------------------------------------

#: keys (normalised: lower case, ' ' and '-' as '_') whose value is an arXiv id
ARXIV_KEYS = frozenset({"arxiv", "arxiv_id", "arxivid", "paper_id", "archiveid"})
#: keys whose value is an OpenReview id or forum URL
OPENREVIEW_KEYS = frozenset({"openreview", "openreview_id"})
#: keys whose value is a DOI; only arXiv DOIs (10.48550/arXiv.ID) give a paper
DOI_KEYS = frozenset({"doi"})
ARXIV_DOI_PREFIX = "10.48550/arxiv."
#: BibTeX/BibLaTeX: ``eprint`` is an arXiv id when one of these keys says "arxiv"
EPRINT_KEY = "eprint"
EPRINT_TYPE_KEYS = ("eprinttype", "archiveprefix")
#: keys whose value may be an arXiv or OpenReview paper URL
URL_KEYS = frozenset(
    {"url", "link", "source", "pdf", "paper", "source_url", "abs_url", "pdf_url", "arxiv_url"}
)


def normal_key(key: object) -> str:
    """A frontmatter key as the rules compare it: lower case, spaces and hyphens as '_'."""
    return str(key).strip().lower().replace(" ", "_").replace("-", "_")


def is_arxiv_key(key: object) -> bool:
    """Whether a frontmatter key holds an arXiv id (``arxiv``, ``arxiv_id``, ``eprint``, …)."""
    name = normal_key(key)
    return name in ARXIV_KEYS or name == EPRINT_KEY


def _scalars(value: object) -> Iterator[str]:
    """The strings of a frontmatter value: itself, or the items of a list."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield str(value)  # only if a caller used a typed loader; a coerced float stays invalid
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _scalars(item)


def _papers_in_value(value: str, kind: str) -> list[PaperMatch]:
    """Papers in one frontmatter string under a key of ``kind``: arxiv, marked (an eprint
    of unknown type), openreview, doi or url. A value that is not a bare id is scanned as text."""
    value = value.strip()
    if not value:
        return []
    if kind == ARXIV and (paper := parse_arxiv_id(value)):
        return [paper]
    if kind == "marked":  # an eprint without an eprint type: only 'arXiv:ID' says arXiv
        paper = parse_arxiv_id(value) if value.lower().startswith("arxiv") else None
        return [paper] if paper else []
    if kind == OPENREVIEW and _OPENREVIEW_ID.fullmatch(value):
        paper = parse_openreview_id(value)
        return [paper] if paper else []
    if kind == "doi" and value.lower().startswith(ARXIV_DOI_PREFIX):
        paper = parse_arxiv_id(value[len(ARXIV_DOI_PREFIX) :])
        return [paper] if paper else []
    papers = [(mention[2], mention[3]) for mention in scan_text(value)]
    if kind == OPENREVIEW:
        return [paper for paper in papers if paper[0].startswith(OPENREVIEW)]
    return papers


def papers_from_frontmatter(frontmatter: Mapping[str, object]) -> list[tuple[str, str | None, str]]:
    """Papers a note describes, from its frontmatter: ``(canonical id, version, key)``.

    Values are strings (or lists of strings) exactly as written. Keys are matched case-,
    blank- and hyphen-insensitively; the returned key is the one written. Each id appears
    once, with the first key that named it (and the first version given anywhere).
    """
    eprint_is_arxiv = any(
        normal_key(key) in EPRINT_TYPE_KEYS and isinstance(value, str) and value.strip().lower() == "arxiv"
        for key, value in frontmatter.items()
    )
    found: dict[str, tuple[str | None, str]] = {}
    for key, value in frontmatter.items():
        name = normal_key(key)
        if name in ARXIV_KEYS or (name == EPRINT_KEY and eprint_is_arxiv):
            kind = ARXIV
        elif name == EPRINT_KEY:
            kind = "marked"  # only 'arXiv:ID' counts without an eprint type
        elif name in OPENREVIEW_KEYS:
            kind = OPENREVIEW
        elif name in DOI_KEYS:
            kind = "doi"
        elif name in URL_KEYS:
            kind = "url"
        else:
            continue
        for text in _scalars(value):
            for identifier, version in _papers_in_value(text, kind):
                if identifier not in found:
                    found[identifier] = (version, str(key))
                elif found[identifier][0] is None and version:
                    found[identifier] = (version, found[identifier][1])
    return [(identifier, version, key) for identifier, (version, key) in found.items()]


# -- the public one-call API -------------------------------------------------------------------


def extract(markdown: str) -> list[Citation]:
    """Citations in a markdown text, in document order.

    Skips code (fenced, indented, inline), HTML comments, ``%%comments%%`` and papervault's
    managed regions: the note parser does the masking and calls this module's matchers.
    """
    from .parse import parse_text  # parse imports this module

    return list(parse_text(markdown).citations)
