"""Stage 5, render: the text of papervault's generated sections. Pure functions.

Two kinds of generated text:

- a **backlinks section** at the end of a note: who links to or embeds it ("Linked
  from"), and, for a paper note, who cites its paper ("Cited by"), each entry with the
  section heading(s) it comes from;
- a **tag index page** per tag: the notes carrying the tag (nested tags roll up, as in
  Quartz) and the child tags.

Entries link back in one of three styles (``backlinks.style``, ``tags.style``):
``wikilink`` (clickable in Obsidian), ``markdown`` (a root-relative path, which Obsidian
and Quartz both resolve) or ``text`` (no link at all, so Quartz does not count generated
entries as links; see the README). A link names its target in the shortest form that
Obsidian *and* Quartz resolve to exactly that note, so it never becomes ambiguous.

Rendered text uses LF; the splice writes it in the file's own newline style. Blank lines
around the heading and lists keep markdownlint (MD022, MD032) quiet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from .backlinks import Backlink
from .config import LinkStyle
from .model import Note

BACKLINKS_REGION = "backlinks"
TAG_INDEX_REGION = "tag-index"
LINKED_FROM = "Linked from:"
CITED_BY = "Cited by:"

#: turns a note path into the wikilink name both tools resolve to it (see LinkNames)
NameFor = Callable[[str], str]
#: a link to a note: (path, title) -> markdown
LinkFor = Callable[[str, str], str]


@dataclass(frozen=True, slots=True)
class Entry:
    """One note in a generated list, with the section headings it points from."""

    path: str
    title: str
    sections: tuple[str, ...] = ()
    embeds: bool = False


def note_link(path: str, title: str, style: LinkStyle, name_for: NameFor) -> str:
    """A link to the note at ``path`` showing ``title``, in the given style."""
    title = _one_line(title)  # a title may hold line breaks (a quoted YAML string)
    if style == "text":
        return _escape_text(title)
    if style == "markdown":
        target = quote(path, safe="/")
        return f"[{_escape_text(title)}]({target})"
    name = name_for(path)
    shown = title.replace("|", "-").replace("[", "(").replace("]", ")")
    stem = name.rsplit("/", 1)[-1]
    return f"[[{name}]]" if shown == stem else f"[[{name}|{shown}]]"


class NoteLinks:
    """Links to notes in one style, each built once per run: a note turns up in many
    lists (every backlinks section it links into, every tag page of its tags)."""

    def __init__(self, style: LinkStyle, name_for: NameFor) -> None:
        self._style = style
        self._name_for = name_for
        self._built: dict[tuple[str, str], str] = {}

    def __call__(self, path: str, title: str) -> str:
        key = (path, title)
        link = self._built.get(key)
        if link is None:
            link = self._built[key] = note_link(path, title, self._style, self._name_for)
        return link


def _escape_text(text: str) -> str:
    """Plain text that markdown will not read as a link, tag or emphasis."""
    escaped = []
    for char in text:
        if char in "\\[]*_`#<>|":
            escaped.append("\\" + char)
        else:
            escaped.append(char)
    return "".join(escaped)


def _entry_line(entry: Entry, link_for: LinkFor) -> str:
    line = "- " + link_for(entry.path, entry.title)
    if entry.embeds:
        line += " (embeds it)"
    sections = [s for s in entry.sections if s]
    if sections:
        line += " — " + "; ".join(_escape_text(_one_line(s)) for s in sections)
    return line


def _one_line(text: str) -> str:
    return " ".join(text.split())


def group_backlinks(backlinks: Iterable[Backlink], titles: dict[str, str]) -> tuple[list[Entry], list[Entry]]:
    """Backlinks as two lists of entries, one per source note: linked-from and cited-by."""
    linked: dict[str, list[Backlink]] = {}
    cited: dict[str, list[Backlink]] = {}
    for backlink in backlinks:
        group = cited if backlink.kind == "cites" else linked
        group.setdefault(backlink.source, []).append(backlink)

    def entries(groups: dict[str, list[Backlink]]) -> list[Entry]:
        found = []
        for source, items in groups.items():
            sections = tuple(dict.fromkeys(b.section for b in items))
            embeds = any(b.kind == "embeds" for b in items)
            found.append(Entry(source, titles[source], sections, embeds))
        return sorted(found, key=lambda e: (e.title.casefold(), e.path))

    return entries(linked), entries(cited)


def backlinks_body(heading: str, linked: list[Entry], cited: list[Entry], link_for: LinkFor) -> str | None:
    """The markdown inside a note's backlinks region, or ``None`` when there is nothing to list."""
    if not linked and not cited:
        return None
    lines = ["", heading, ""]
    for label, entries in ((LINKED_FROM, linked), (CITED_BY, cited)):
        if entries:
            lines += [label, "", *(_entry_line(e, link_for) for e in entries), ""]
    return "\n".join(lines) + "\n"  # a blank line before the end marker


# --------------------------------------------------------------------------- tag pages


def tag_page_preamble(tag: str) -> str:
    """The frontmatter of a tag page papervault creates. Quartz shows a ``title`` equal to
    the tag as "Tag: <tag>" and the ``description`` when the page has no other text."""
    title = _yaml_string(tag)
    description = _yaml_string(f"Notes tagged {tag}, listed by papervault.")
    return f"---\ntitle: {title}\ndescription: {description}\n---\n"


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar (always valid, whatever the tag holds)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    # a line break would end the scalar's line (and could start a marker-like line)
    escaped = "".join(c if c.isprintable() else f"\\U{ord(c):08x}" for c in escaped)
    return f'"{escaped}"'


def tag_index_body(
    tag: str,
    notes: list[Note],
    children: list[tuple[str, str]],
    link_for: LinkFor,
    tag_page_link: Callable[[str], str],
) -> str:
    """The list inside a tag page's region: child tags, then the tagged notes.

    ``children`` holds (child tag, its page path); ``tag_page_link`` renders a link to it.
    """
    count = len(notes)
    lines = [""]
    if children:
        lines += ["Nested tags:", "", *(f"- {tag_page_link(page)}" for _, page in children), ""]
    # no '#tag' text here: Quartz would read it as an inline tag of the tag page itself
    noun = "note" if count == 1 else "notes"
    tag = _one_line(tag)
    lines += [f"{count} {noun} tagged `{tag}`:" if count else f"No note is tagged `{tag}` itself.", ""]
    ordered = sorted(notes, key=lambda n: (n.title.casefold(), n.path))
    lines += [f"- {link_for(n.path, n.title)}" for n in ordered]
    lines.append("")
    return "\n".join(lines) + "\n"  # a blank line before the end marker
