"""Plain data passed between the pipeline stages.

scan -> parse -> resolve -> graph -> render -> write: every stage takes and returns
these dataclasses (or plain containers of them). Nothing here touches the disk and
nothing here imports from the rest of the package.

They are treated as immutable, but not declared ``frozen``: a frozen dataclass costs
about 1.5x as much to build, and a warm run builds hundreds of thousands of them from
the cache. (They stay hashable and comparable by value.)

Conventions:
- paths are vault-relative POSIX strings (``papers/Attention.md``), case as on disk;
- ``line`` and ``column`` are 1-based; a column of 0 means "not known";
- lines count from the top of the file, frontmatter included, so an editor jumps
  straight to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

#: bump whenever parsing (parse.py) would produce a different Note for the same bytes: it
#: invalidates every cached parse. Kept here, with the layout it versions, so that a warm
#: run can check the cache without importing the parser.
PARSER_VERSION = 8

LinkKind = Literal["wikilink", "embed", "markdown"]
TagSource = Literal["frontmatter", "inline"]
Severity = Literal["error", "warning"]

WIKILINK: LinkKind = "wikilink"
EMBED: LinkKind = "embed"
MARKDOWN: LinkKind = "markdown"


@dataclass(slots=True, unsafe_hash=True)
class Link:
    """One internal link as written: a wikilink, an embed or a markdown link.

    ``target`` is the path part without the anchor (markdown links URL-decoded and
    with ``<...>`` removed); ``anchor`` is everything after the first ``#`` (``Heading``,
    ``H1#H2``, ``^block-id``, ``page=3``), or ``""``.
    """

    kind: LinkKind
    target: str
    anchor: str
    display: str | None
    raw: str
    line: int
    column: int
    section: str = ""
    in_frontmatter: bool = False

    @property
    def is_block_ref(self) -> bool:
        return self.anchor.startswith("^")


@dataclass(slots=True, unsafe_hash=True)
class ExternalLink:
    """A link with a URL scheme (``https://…``, ``mailto:…``): never a note link."""

    url: str
    line: int
    column: int
    section: str = ""


@dataclass(slots=True, unsafe_hash=True)
class Citation:
    """One reference to an arXiv or OpenReview paper.

    ``id`` is canonical (``arxiv:2504.19162``, ``arxiv:hep-th/9901001``,
    ``openreview:SkT5Yg-RZ``); ``version`` is ``"v2"`` or ``None``; ``text`` is the
    matched source text.
    """

    id: str
    version: str | None
    line: int
    column: int
    text: str
    section: str = ""

    @property
    def scheme(self) -> str:
        return self.id.split(":", 1)[0]


@dataclass(slots=True, unsafe_hash=True)
class Tag:
    """A tag as written (``#`` removed, case kept); ``source`` says where it came from."""

    name: str
    line: int
    column: int
    source: TagSource


@dataclass(slots=True, unsafe_hash=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(slots=True, unsafe_hash=True)
class BlockId:
    id: str
    line: int


@dataclass(slots=True, unsafe_hash=True)
class Region:
    """A managed region written by papervault: marker lines included.

    ``text`` is the region exactly as it stands in the file (LF line endings), so a
    later sync can tell "unchanged" from the cached parse alone.
    """

    name: str
    start_line: int
    end_line: int
    text: str


@dataclass(slots=True, unsafe_hash=True)
class Diagnostic:
    """A finding about the vault. ``code`` is a stable rule code (see ``rules.py``)."""

    path: str
    line: int
    column: int
    code: str
    message: str
    fix: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def __str__(self) -> str:
        location = f"{self.path}:{self.line}:{self.column}" if self.column else f"{self.path}:{self.line}"
        text = f"{location}: {self.code} {self.message}"
        text = f"{text} (fix: {self.fix})" if self.fix else text
        # one line per finding, whatever a quoted tag or title holds
        return text.replace("\r", "\\r").replace("\n", "\\n")


@dataclass(slots=True, unsafe_hash=True)
class PaperRef:
    """A paper a note describes, from its frontmatter (``arxiv:``, ``doi:``, ``url:`` …)."""

    id: str
    version: str | None
    key: str
    line: int


@dataclass(slots=True, unsafe_hash=True)
class Note:
    """Everything parsing learned about one markdown file.

    ``frontmatter`` holds the YAML mapping with every scalar kept as the string that
    was written (``arxiv: 2504.19160`` stays ``"2504.19160"``).
    """

    path: str
    title: str
    frontmatter: dict[str, Any]
    aliases: tuple[str, ...] = ()
    tags: tuple[Tag, ...] = ()
    draft: bool = False
    publish: bool = False
    links: tuple[Link, ...] = ()
    external_links: tuple[ExternalLink, ...] = ()
    citations: tuple[Citation, ...] = ()
    papers: tuple[PaperRef, ...] = ()
    headings: tuple[Heading, ...] = ()
    block_ids: tuple[BlockId, ...] = ()
    regions: tuple[Region, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    body_line: int = 1
    readable: bool = True
    #: the line of a code fence still open at the end of the note (0: none); text
    #: appended there would be code, so no region can be added
    open_fence: int = 0

    @property
    def stem(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return name[:-3] if name.endswith(".md") else name

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""

    def region(self, name: str) -> Region | None:
        return next((r for r in self.regions if r.name == name), None)

    # Quartz's page metadata, as the strings written (Quartz keeps dates as strings too)

    @property
    def created(self) -> str | None:
        return _date(self.frontmatter, CREATED_KEYS)

    @property
    def modified(self) -> str | None:
        """The modified date, else the created one (as Quartz shows it)."""
        return _date(self.frontmatter, MODIFIED_KEYS) or self.created

    @property
    def published(self) -> str | None:
        return _date(self.frontmatter, PUBLISHED_KEYS)

    @property
    def description(self) -> str | None:
        value = self.frontmatter.get("description")
        return value if isinstance(value, str) and value else None

    @property
    def permalink(self) -> str | None:
        """The ``permalink`` as resolution reads it: any value but null or empty, as text."""
        value = self.frontmatter.get("permalink")
        return None if value is None or str(value) == "" else str(value)


#: frontmatter keys Quartz reads each date from (``coalesceAliases``): the first key that
#: is present and not null wins, even when its value is no date
CREATED_KEYS = ("created", "date")
MODIFIED_KEYS = ("modified", "lastmod", "updated", "last-modified")
PUBLISHED_KEYS = ("published", "publishDate", "date")


def _date(frontmatter: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    """The value of the first of ``keys`` present, if it is usable text (Quartz warns
    about an unusable date and takes the file's git or file-system date instead)."""
    value = next((frontmatter[key] for key in keys if frontmatter.get(key) is not None), None)
    return value if isinstance(value, str) and value else None


@dataclass(slots=True, unsafe_hash=True)
class ScannedFile:
    """A file found by the scan. ``kind`` is ``note``, ``attachment`` or ``ignored``
    (a note in an ignored folder: not parsed, but still a link target as in Quartz)."""

    path: str
    kind: Literal["note", "attachment", "ignored"]
    size: int
    mtime_ns: int


@dataclass(slots=True)
class Vault:
    """The parsed vault: notes by path (sorted), attachments, and scan diagnostics.

    ``notes`` is any mapping: the loader hands out one that decodes notes from the cache
    on first use. ``state`` says how the vault was loaded (content hashes, the cache, and
    which notes came without their links); it is ``None`` for a vault built by hand.
    """

    root: str
    notes: Mapping[str, Note] = field(default_factory=dict)
    attachments: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    state: Any = field(default=None, compare=False, repr=False)

    def all_diagnostics(self) -> list[Diagnostic]:
        found = list(self.diagnostics)
        for note in self.notes.values():
            found.extend(note.diagnostics)
        return sorted(found, key=Diagnostic.sort_key)


PublishMode = Literal["drafts", "explicit"]


def is_published(note: Note, mode: PublishMode = "drafts") -> bool:
    """Whether Quartz would publish the note.

    ``drafts`` is Quartz's default RemoveDrafts filter (everything but ``draft: true``);
    ``explicit`` is its ExplicitPublish filter (only ``publish: true``).
    """
    if not note.readable:
        return False
    return note.publish if mode == "explicit" else not note.draft
