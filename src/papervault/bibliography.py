"""The vault's papers as a list and a bibliography: what ``vault papers`` prints.

:func:`paper_rows` turns a :class:`~papervault.papers.PaperIndex` into one
:class:`PaperRow` per paper (filtered to the reading list, or to the papers one note
cites), with what the describing note's frontmatter knows about it; :func:`render` prints
the rows as ``text``, ``json``, ``csv`` or ``bibtex``.

Decisions:

- Every paper the vault names is listed, cited or only described; ``count`` is the
  number of notes citing it (0 for a paper note nobody cites). Rows run most cited first,
  then by id, the order of :meth:`PaperIndex.missing`. BibTeX entries run by key, so a
  ``.bib`` file kept in git changes only where papers change.
- Citation keys are ``<first author surname><year><first title word>`` in lower-case
  ASCII (``zhao2025absolute``), the Google Scholar shape; without an author, the id
  (``arxiv_2504_19162``, ``openreview_SkT5Yg-RZ``). Keys are computed over the whole
  vault, never over a filtered list, so a paper keeps its key whatever is printed.
  Collisions (compared case-insensitively, as BibTeX does) go to papers in id order: the
  first keeps the key, the others get ``b``, ``c``, …
- The year is the frontmatter ``year``, else the arXiv id's (``2505.…`` is 2025), else
  the year of ``date``/``published``: in many vaults ``date`` is when the note was
  written, so the id is trusted before it.
- An arXiv paper is ``@misc`` with ``eprint``/``archivePrefix``/``primaryClass``, an
  arXiv DOI and the ``/abs/`` URL, as arXiv's own export has it; ``journal`` makes it an
  ``@article``, ``booktitle``/``venue``/``conference`` an ``@inproceedings``. An
  OpenReview-only paper has the forum URL (and ``howpublished = {OpenReview}`` when there
  is no venue); a paper with both ids has the OpenReview forum in ``note``.
- Values are escaped for BibTeX: ``\\ { } % & # _ $ ~ ^`` become LaTeX text commands
  (braces as ``\\textbraceleft{}`` because BibTeX counts even escaped braces); other
  characters, unicode included, stay as written. Title words with capitals after the
  first letter (``LLMs``, ``AlphaZero``) are braced so styles keep their case.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import string
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal, get_args

from .citations import ARXIV_DOI_PREFIX, normal_key
from .model import Vault
from .papers import Paper, PaperIndex

Format = Literal["text", "json", "csv", "bibtex"]
FORMATS: tuple[Format, ...] = get_args(Format)

# frontmatter keys (compared lower-case, with ' ' and '-' read as '_')
AUTHOR_KEYS = ("authors", "author")
YEAR_KEYS = ("year",)
DATE_KEYS = ("date", "published", "publication_date")
JOURNAL_KEYS = ("journal", "journaltitle")
BOOKTITLE_KEYS = ("booktitle", "venue", "conference", "proceedings")
PRIMARY_CLASS_KEYS = ("primaryclass", "primary_class", "primary_category")
DOI_KEYS = ("doi",)

ARXIV_ABS_URL = "https://arxiv.org/abs/{}"
OPENREVIEW_FORUM_URL = "https://openreview.net/forum?id={}"
ARXIV_DOI = "10.48550/arXiv.{}"


# -- what the describing note knows --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PaperRow:
    """One paper as ``vault papers`` lists it.

    ``note`` is the describing note (``None`` when no note describes the paper);
    ``described_by`` lists every note that claims it (more than one is a PV304 finding).
    ``cited_by`` maps each citing note to the lines of its citations. ``title``,
    ``authors``, ``year``, ``journal``, ``booktitle``, ``primary_class`` and ``doi`` come
    from the describing note's frontmatter (``year`` also from an arXiv id).
    """

    id: str
    ids: tuple[str, ...]
    key: str
    versions: tuple[str, ...]
    note: str | None
    described_by: tuple[str, ...]
    cited_by: dict[str, tuple[int, ...]]
    title: str | None = None
    authors: tuple[str, ...] = ()
    year: str | None = None
    journal: str | None = None
    booktitle: str | None = None
    primary_class: str | None = None
    doi: str | None = None

    @property
    def count(self) -> int:
        """How many notes cite the paper."""
        return len(self.cited_by)

    def id_in(self, scheme: str) -> str | None:
        """The paper's id in ``scheme`` (``arxiv``, ``openreview``) without the prefix."""
        prefix = f"{scheme}:"
        return next((i[len(prefix) :] for i in self.ids if i.startswith(prefix)), None)


def paper_rows(
    index: PaperIndex, vault: Vault, *, missing: bool = False, cited_by: str | None = None
) -> list[PaperRow]:
    """The vault's papers, most cited first, then by id.

    ``missing`` keeps the papers that are cited but described by no note (the reading
    list); ``cited_by`` (a note path) keeps the papers that note cites. Both together keep
    the papers that note cites and no note describes.
    """
    every = {paper.id: _row(paper, vault) for paper in index.papers.values()}
    keys = _assign_keys(every.values())  # over the whole vault, so filters never change a key
    papers = index.missing() if missing else list(index.papers.values())
    if cited_by is not None:
        cited = set(index.by_citer.get(cited_by, ()))
        papers = [paper for paper in papers if paper.id in cited]
    rows = [replace(every[paper.id], key=keys[paper.id]) for paper in papers]
    return sorted(rows, key=lambda row: (-row.count, row.id))


def _row(paper: Paper, vault: Vault, key: str = "") -> PaperRow:
    note = vault.notes.get(paper.note) if paper.note else None
    front = _Front(note.frontmatter if note else {})
    return PaperRow(
        id=paper.id,
        ids=tuple(paper.ids),
        key=key,
        versions=tuple(sorted(paper.versions, key=lambda v: int(v[1:]))),
        note=paper.note,
        described_by=tuple(paper.described_by),
        cited_by={path: tuple(c.line for c in found) for path, found in paper.cited_by.items()},
        title=note.title if note else None,
        authors=front.authors(),
        year=front.year() or _arxiv_year(paper.ids) or front.date_year(),
        journal=front.text(JOURNAL_KEYS),
        booktitle=front.text(BOOKTITLE_KEYS),
        primary_class=front.primary_class(),
        doi=front.doi(),
    )


# no '[' inside, as in the parser's wikilink rule (and a long unclosed run stays linear)
_WIKILINK = re.compile(r"\[\[([^\[\]|#]*)(?:#[^\[\]|]*)?(?:\|[^\[\]]*)?\]\]")
_YEAR = re.compile(r"(?<![0-9])(1[5-9][0-9]{2}|2[0-9]{3})(?![0-9])")
_PRIMARY_CLASS = re.compile(r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[A-Za-z]+)?)?")
_DOI = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.[0-9]{4,9}/\S+)", re.I)
_ET_AL = re.compile(r"(?:^|,?\s+)(?:et\.?\s*al\.?|and\s+others)\s*$", re.I)
_AUTHOR_SEPARATORS = re.compile(r"\s+and\s+|\s*;\s*|\s*&\s*")


class _Front:
    """Typed reads of a note's frontmatter (every scalar is the string that was written)."""

    def __init__(self, frontmatter: Mapping[str, Any]) -> None:
        self.values = {normal_key(key): value for key, value in frontmatter.items()}

    def _first(self, keys: Iterable[str]) -> Any:
        return next((self.values[k] for k in keys if self.values.get(k) not in (None, "", [])), None)

    def text(self, keys: Iterable[str]) -> str | None:
        value = self._first(keys)
        if isinstance(value, list):
            value = next((item for item in value if isinstance(item, str) and item.strip()), None)
        if not isinstance(value, str):
            return None
        return _plain(value) or None

    def authors(self) -> tuple[str, ...]:
        value = self._first(AUTHOR_KEYS)
        if isinstance(value, str):
            return tuple(split_authors(value))
        if isinstance(value, list):
            return tuple(_with_others(_plain(item) for item in value if isinstance(item, str)))
        return ()

    def year(self) -> str | None:
        found = _YEAR.search(self.text(YEAR_KEYS) or "")
        return found.group() if found else None

    def date_year(self) -> str | None:
        found = _YEAR.search(self.text(DATE_KEYS) or "")
        return found.group() if found else None

    def primary_class(self) -> str | None:
        value = self.text(PRIMARY_CLASS_KEYS)
        return value if value and _PRIMARY_CLASS.fullmatch(value) else None

    def doi(self) -> str | None:
        """A DOI that is not an arXiv one (the published version's): the arXiv DOI follows
        from the id."""
        value = self.text(DOI_KEYS)
        found = _DOI.fullmatch(value) if value else None
        if not found or found.group(1).lower().startswith(ARXIV_DOI_PREFIX):
            return None
        return found.group(1)


def _plain(value: str) -> str:
    """A frontmatter string as text: wikilinks as their target's name, blanks collapsed."""
    value = _WIKILINK.sub(lambda m: m.group(1).rsplit("/", 1)[-1], value)
    return " ".join(value.split())


def split_authors(value: str) -> list[str]:
    """Author names from one string: ``A and B``, ``A; B``, ``A, B, C`` (each name with a
    blank in it), or one ``Last, First`` name. A trailing ``et al.`` becomes ``others``,
    as BibTeX spells it."""
    value = _plain(value)
    bare = _ET_AL.sub("", value)
    names = [name.strip() for name in _AUTHOR_SEPARATORS.split(bare)]
    if len(names) == 1 and "," in bare:
        parts = [part.strip() for part in bare.split(",")]
        if all(" " in part for part in parts if part):  # 'Andrew Zhao, Yiran Wu', not 'Zhao, Andrew'
            names = parts
    return _with_others([*names, "others"] if bare != value else names)


def _with_others(names: Iterable[str]) -> list[str]:
    """Names without blanks and with ``et al.`` as BibTeX's ``others``, which must come last."""
    found: list[str] = []
    others = False
    for name in names:
        bare = _ET_AL.sub("", name)
        others = others or bare != name or name == "others"
        if bare and bare != "others":
            found.append(bare)
    return [*found, "others"] if others and found else found


def _arxiv_year(ids: Iterable[str]) -> str | None:
    """The year an arXiv id was first submitted: ``2505.03335`` is 2025, ``hep-th/9711200`` 1997."""
    for paper_id in ids:
        if paper_id.startswith("arxiv:"):
            number = paper_id.removeprefix("arxiv:").rsplit("/", 1)[-1]
            yy = int(number[:2])
            return str(1900 + yy if yy >= 91 else 2000 + yy)
    return None


# -- citation keys -------------------------------------------------------------------------

#: words a key skips at the start of a title, as Google Scholar's keys do
KEY_STOPWORDS = frozenset(
    {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "from", "by", "at", "via",
     "toward", "towards", "is", "are", "do", "does"}
)  # fmt: skip
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
#: letters NFKD does not take apart
_FOLDS = str.maketrans(
    {"ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "æ": "ae", "Æ": "AE", "œ": "oe",
     "Œ": "OE", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ı": "i"}
)  # fmt: skip
_NOT_KEY_CHARS = re.compile(r"[^A-Za-z0-9_-]+")


def ascii_fold(text: str) -> str:
    """``Rocktäschel`` -> ``Rocktaschel``; letters with no ASCII form are dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLDS))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", ascii_fold(text).lower())


def surname(name: str) -> str:
    """The key part of an author name: before the comma of ``Last, First``, else the last
    word that is not a suffix (``Jr.``)."""
    if "," in name:
        return "".join(_words(name.split(",", 1)[0]))
    words = [w for w in _words(name) if w not in _NAME_SUFFIXES]
    return words[-1] if words else ""


def base_key(row: PaperRow) -> str:
    """The key before disambiguation: ``zhao2025absolute``, else the id (``arxiv_2504_19162``)."""
    author = surname(row.authors[0]) if row.authors and row.authors[0] != "others" else ""
    if author:
        title_words = _words(row.title or "")
        word = next((w for w in title_words if w not in KEY_STOPWORDS), title_words[0] if title_words else "")
        return f"{author}{row.year or ''}{word}"
    scheme, _, identifier = row.id.partition(":")
    return _NOT_KEY_CHARS.sub("_", f"{scheme}_{identifier}")


def _suffixes() -> Iterator[str]:
    """``b`` … ``z``, then ``aa``, ``ab`` …: the suffixes of a shared key's later holders."""
    for length in itertools.count(1):
        for letters in itertools.product(string.ascii_lowercase, repeat=length):
            if letters != ("a",):
                yield "".join(letters)


def citation_keys(index: PaperIndex, vault: Vault) -> dict[str, str]:
    """A stable BibTeX key for every paper of the vault: ``{paper id: key}``."""
    return _assign_keys(_row(paper, vault) for paper in index.papers.values())


def _assign_keys(rows: Iterable[PaperRow]) -> dict[str, str]:
    bases = {row.id: base_key(row) for row in rows}
    groups: dict[str, list[str]] = {}
    for paper_id in sorted(bases):
        groups.setdefault(bases[paper_id].casefold(), []).append(paper_id)
    taken = set(groups)
    keys: dict[str, str] = {}
    for _, members in sorted(groups.items()):
        first, *others = members
        keys[first] = bases[first]
        suffixes = _suffixes()
        for paper_id in others:
            key = bases[paper_id] + next(suffixes)
            while key.casefold() in taken:
                key = bases[paper_id] + next(suffixes)
            taken.add(key.casefold())
            keys[paper_id] = key
    return keys


# -- output formats ------------------------------------------------------------------------


def render(rows: list[PaperRow], fmt: Format) -> str:
    """The rows in one of :data:`FORMATS`."""
    if fmt == "text":
        return format_text(rows)
    if fmt == "json":
        return format_json(rows)
    if fmt == "csv":
        return format_csv(rows)
    if fmt == "bibtex":
        return format_bibtex(rows)
    raise ValueError(f"unknown format {fmt!r}")


def summary(rows: list[PaperRow]) -> str:
    """One line for the end of a listing: ``5 papers: 3 cited, 2 of them without a paper note``."""
    cited = sum(1 for row in rows if row.count)
    unread = sum(1 for row in rows if row.count and row.note is None)
    noun = "paper" if len(rows) == 1 else "papers"
    return f"{len(rows)} {noun}: {cited} cited, {unread} of them without a paper note"


def format_text(rows: list[PaperRow]) -> str:
    """A block per paper: its ids and citing-note count, then the notes, one per line."""
    lines: list[str] = []
    for row in rows:
        noun = "note" if row.count == 1 else "notes"
        lines.append(f"{' = '.join(row.ids)}  cited by {row.count} {noun}")
        if row.versions:
            lines.append(f"  versions  {', '.join(row.versions)}")
        if row.title:
            lines.append(f"  title     {row.title}")
        labelled = [("note", path) for path in row.described_by] or [("note", "(none)")]
        labelled += [("cited by", f"{path}:{_joined(at)}") for path, at in row.cited_by.items()]
        previous = ""
        for label, value in labelled:
            lines.append(f"  {label if label != previous else '':<8}  {value}")
            previous = label
    return "".join(line + "\n" for line in lines)


def _joined(numbers: Iterable[int]) -> str:
    return ",".join(map(str, numbers))


def _record(row: PaperRow) -> dict[str, Any]:
    record = asdict(row)
    record["count"] = row.count
    record["cited_by"] = [{"note": path, "lines": list(lines)} for path, lines in row.cited_by.items()]
    return record


JSON_FIELDS = ("key", "id", "ids", "versions", "title", "authors", "year", "note", "described_by",
               "count", "cited_by", "journal", "booktitle", "primary_class", "doi")  # fmt: skip


def format_json(rows: list[PaperRow]) -> str:
    """A JSON list with one object per paper (:data:`JSON_FIELDS`); lists stay lists."""
    records = [{name: _record(row)[name] for name in JSON_FIELDS} for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


CSV_FIELDS = ("key", "id", "ids", "versions", "title", "authors", "year", "note", "count", "cited_by")
CSV_LIST_SEPARATOR = ";"


def format_csv(rows: list[PaperRow]) -> str:
    """One line per paper (:data:`CSV_FIELDS`); lists joined with ``;``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for row in rows:
        record = _record(row)
        record["cited_by"] = list(row.cited_by)
        writer.writerow(
            CSV_LIST_SEPARATOR.join(v)
            if isinstance(v := record[name], list | tuple)
            else ("" if v is None else v)
            for name in CSV_FIELDS
        )
    return out.getvalue()


# -- BibTeX --------------------------------------------------------------------------------

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL = re.compile("[" + re.escape("".join(_SPECIALS)) + "]")


def bibtex_escape(text: str) -> str:
    """``text`` as a braced BibTeX value: LaTeX specials escaped, blanks collapsed, unicode kept."""
    return _SPECIAL.sub(lambda m: _SPECIALS[m.group()], " ".join(text.split()))


#: a run of non-word characters: at a word's start, or at its end in the reversed word
_NON_WORD_RUN = re.compile(r"\W*")


def _split_punctuation(word: str) -> tuple[str, str, str]:
    """``word`` as (leading non-word characters, the rest, trailing non-word characters),
    as ``(\\W*)(.*?)(\\W*)`` splits it with ``re.S``, in linear time (that pattern retries its
    lazy middle against the greedy tail at every length: quadratic on a long punctuation word)."""
    lead = _NON_WORD_RUN.match(word).end()  # type: ignore[union-attr]
    if lead == len(word):
        return word, "", ""
    tail = len(word) - _NON_WORD_RUN.match(word[::-1]).end()  # type: ignore[union-attr]
    return word[:lead], word[lead:tail], word[tail:]


def _protect_case(escaped: str) -> str:
    """Brace the words whose capitals after the first letter a style must keep (``{LLMs}``,
    ``({OpenReview}``); the braces go inside surrounding punctuation."""

    def protect(word: str) -> str:
        letters = [c for c in word if c.isalpha()]
        if not any(c.isupper() for c in letters[1:]):
            return word
        before, core, after = _split_punctuation(word)
        if set(before + after) & set("\\{}"):  # part of an escape (\#, \textbraceleft{}): keep whole
            before, core, after = "", word, ""
        return f"{before}{{{core}}}{after}"

    return " ".join(protect(word) for word in escaped.split(" "))


def _author_field(names: tuple[str, ...]) -> str:
    # a name containing the word 'and' is braced, or BibTeX would split it in two
    parts = [f"{{{n}}}" if re.search(r"\band\b", n, re.I) else n for n in map(bibtex_escape, names)]
    return " and ".join(parts)


@dataclass(frozen=True, slots=True)
class BibEntry:
    """One BibTeX entry: ``fields`` are (name, value as written between the braces)."""

    type: str
    key: str
    fields: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in self.fields)
        return f"@{self.type}{{{self.key},\n{body}\n}}\n"


def bibtex_entry(row: PaperRow) -> BibEntry:
    """The BibTeX entry for one paper (see the module notes for the fields)."""
    arxiv, openreview = row.id_in("arxiv"), row.id_in("openreview")
    title = row.title or (f"arXiv:{arxiv}" if arxiv else f"OpenReview {openreview}")
    fields: list[tuple[str, str]] = [("title", _protect_case(bibtex_escape(title)))]
    if row.authors:
        fields.append(("author", _author_field(row.authors)))
    if row.year:
        fields.append(("year", row.year))
    entry_type = "misc"
    if row.journal:
        entry_type = "article"
        fields.append(("journal", bibtex_escape(row.journal)))
    elif row.booktitle:
        entry_type = "inproceedings"
        fields.append(("booktitle", bibtex_escape(row.booktitle)))
    elif arxiv is None:
        fields.append(("howpublished", "OpenReview"))
    if arxiv:
        fields += [("eprint", arxiv), ("archivePrefix", "arXiv")]
        if row.primary_class:
            fields.append(("primaryClass", row.primary_class))
    doi = row.doi or (ARXIV_DOI.format(arxiv) if arxiv else None)
    if doi:
        fields.append(("doi", bibtex_escape(doi)))
    url = ARXIV_ABS_URL.format(arxiv) if arxiv else OPENREVIEW_FORUM_URL.format(openreview)
    fields.append(("url", url))
    if arxiv and openreview:
        fields.append(("note", bibtex_escape(f"OpenReview: {OPENREVIEW_FORUM_URL.format(openreview)}")))
    return BibEntry(entry_type, row.key, tuple(fields))


def format_bibtex(rows: list[PaperRow]) -> str:
    """A ``.bib`` file: one entry per paper, sorted by key, a blank line between entries."""
    entries = sorted((bibtex_entry(row) for row in rows), key=lambda e: e.key.casefold())
    return "\n".join(str(entry) for entry in entries)
