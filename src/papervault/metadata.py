"""Stage 2a, parse the frontmatter: split it off by hand, read it as strings, interpret it.

python-frontmatter's own split swallows blank lines and breaks CRLF pairs, so the
``---`` lines are found here and only the YAML text is handed to its handler, through a
string-only loader: every scalar stays the string that was written
(``arxiv: 2504.19160`` must never become the float 2504.1916) and keys like ``on:``
never turn into booleans. YAML tags such as ``!!python/object`` are never executed,
and alias bombs are refused before anything walks the expanded tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .model import Diagnostic, Tag

FENCE = "---"
#: the most nodes a frontmatter may expand to; real ones have tens
MAX_NODES = 10_000

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(slots=True)
class Frontmatter:
    """Where the frontmatter sits and what it says."""

    data: dict[str, Any] = field(default_factory=dict)
    yaml: str = ""
    #: 0-based line index of the first body line (the line after the closing ``---``)
    body_start_line: int = 0
    #: character offset of the body in the (BOM-less, newline-normalised) text
    body_offset: int = 0
    present: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)


_OPENING = re.compile(r"---[^\S\n]*\n")
_CLOSING = re.compile(r"^---[^\S\n]*$", re.MULTILINE)


def frontmatter_span(text: str, offset: int = 0) -> tuple[int, int, int] | None:
    """Where the frontmatter at ``offset`` lies: (YAML start, YAML end, body start).

    Frontmatter is a ``---`` first line up to the next ``---`` line (trailing blanks
    allowed). ``None`` when there is none, or when it is never closed. The one rule for
    every module that needs it (the parser, and the region finder's "no markers here").
    """
    opening = _OPENING.match(text, offset)
    if not opening:
        return None
    closing = _CLOSING.search(text, opening.end())
    if not closing:
        return None
    newline = text.find("\n", closing.end())
    return opening.end(), closing.start(), len(text) if newline == -1 else newline + 1


def split(text: str, path: str) -> Frontmatter:
    """Find a YAML block between ``---`` lines at the very top of ``text`` (LF newlines, no BOM)."""
    span = frontmatter_span(text)
    if span is None:
        if _OPENING.match(text):
            message = "frontmatter is never closed: add a '---' line after it; read as body text"
            return Frontmatter(diagnostics=[Diagnostic(path, 1, 1, "PV111", message)])
        return Frontmatter()
    yaml_start, yaml_end, body_offset = span
    front = Frontmatter(yaml=text[yaml_start:yaml_end], present=True)
    front.body_start_line = text.count("\n", 0, body_offset)
    front.body_offset = body_offset
    front.data = _load(front.yaml, path, front.diagnostics)
    return front


_handler: Any = None


def _yaml_handler() -> Any:
    """python-frontmatter's YAML handler with a string-only (BaseLoader) ``load``."""
    global _handler
    if _handler is None:
        import frontmatter
        import yaml

        loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

        class StringYAMLHandler(frontmatter.YAMLHandler):  # type: ignore[misc]
            def load(self, fm: str, **kwargs: object) -> Any:
                return yaml.load(fm, Loader=loader)

        _handler = StringYAMLHandler()
    return _handler


def _load(yaml_text: str, path: str, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    if not yaml_text.strip():
        return {}
    import yaml

    try:
        data = _yaml_handler().load(yaml_text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        # +1 for 1-based, +1 for the opening '---'; an error at the end points at the last line
        last_line = 1 + max(yaml_text.count("\n"), 1)
        line = min(mark.line + 2, last_line) if mark is not None else 2
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        diagnostics.append(Diagnostic(path, line, 0, "PV110", f"invalid YAML frontmatter: {problem}"))
        return {}
    except (TypeError, ValueError, RecursionError) as error:
        diagnostics.append(Diagnostic(path, 2, 0, "PV110", f"invalid YAML frontmatter: {error}"))
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        message = f"frontmatter is {kind}, not a 'key: value' mapping; ignored"
        diagnostics.append(Diagnostic(path, 2, 0, "PV112", message))
        return {}
    try:
        return _copy_bounded(data, [MAX_NODES])
    except _TooLarge:
        message = f"frontmatter expands to more than {MAX_NODES} values (YAML alias bomb?); ignored"
        diagnostics.append(Diagnostic(path, 2, 0, "PV117", message))
        return {}


class _TooLarge(Exception):
    pass


def _copy_bounded(value: Any, budget: list[int]) -> Any:
    """A fresh tree of dict/list/str without shared nodes, refusing to grow past the budget.

    BaseLoader shares aliased nodes, so a billion-laughs document loads instantly but
    would explode in anything that walks it (the cache's JSON encoder, for one).
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge
    if isinstance(value, dict):
        return {str(k): _copy_bounded(v, budget) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_bounded(v, budget) for v in value]
    return value


# ---------------------------------------------------------------------------
# interpretation of the fields Quartz and Obsidian read


@dataclass(slots=True)
class NoteMetadata:
    title: str
    aliases: tuple[str, ...]
    tags: tuple[Tag, ...]
    draft: bool
    publish: bool
    diagnostics: list[Diagnostic]


def interpret(front: Frontmatter, path: str, stem: str) -> NoteMetadata:
    """Title, aliases, tags, draft and publish, the way Quartz reads them, with warnings
    where Obsidian disagrees (comma strings, ``#`` in YAML, singular keys)."""
    data = front.data
    diagnostics: list[Diagnostic] = []
    title = data.get("title")
    title = title.strip() if isinstance(title, str) and title.strip() else stem
    tags = tuple(
        Tag(name, line, 0, "frontmatter")
        for name, line in _string_list(front, ("tags", "tag"), path, diagnostics, strip_hash=True)
    )
    aliases = tuple(name for name, _ in _string_list(front, ("aliases", "alias"), path, diagnostics))
    return NoteMetadata(
        title=title,
        aliases=aliases,
        tags=tags,
        draft=_is_true(data.get("draft")),
        publish=_is_true(data.get("publish")),
        diagnostics=diagnostics,
    )


def _is_true(value: Any) -> bool:
    # Quartz: draft === true || draft === "true"; js-yaml reads true/True/TRUE as booleans
    return isinstance(value, str) and value.strip() in ("true", "True", "TRUE")


def key_line(front: Frontmatter, key: str) -> int:
    """The 1-based file line of ``key:`` in the frontmatter (2 if it cannot be found)."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:", re.MULTILINE)
    match = pattern.search(front.yaml)
    return 2 + front.yaml.count("\n", 0, match.start()) if match else 2


def _string_list(
    front: Frontmatter,
    keys: tuple[str, str],
    path: str,
    diagnostics: list[Diagnostic],
    strip_hash: bool = False,
) -> list[tuple[str, int]]:
    """Values of the first present key (plural before singular) as ``(value, line)``.

    Accepts a YAML list, a single string, or a comma-separated string (Quartz splits
    those; Obsidian calls them legacy), as Quartz's coerceToArray does.
    """
    data = front.data
    key = next((k for k in keys if k in data), None)
    if key is None:
        return []
    line = key_line(front, key)
    value = data[key]
    if key == keys[1]:
        message = f"'{key}:' is deprecated (Obsidian 1.9 dropped it); use '{keys[0]}:'"
        diagnostics.append(Diagnostic(path, line, 1, "PV113", message, fix=f"rename to {keys[0]}:"))
    if value is None or value == "":
        return []
    if isinstance(value, str):
        # split, then strip: a regex like \s*,\s* is quadratic on a long run of blanks
        items = [item.strip() for item in value.strip().split(",")]
        if len(items) > 1:
            listed = ", ".join(items)
            message = f"'{key}' is one comma-separated string; write a YAML list: [{listed}]"
            diagnostics.append(Diagnostic(path, line, 1, "PV114", message))
    elif isinstance(value, list):
        items = [item for item in value if isinstance(item, str)]
        if len(items) != len(value):
            message = f"'{key}' holds nested lists or mappings; only plain values are used"
            diagnostics.append(Diagnostic(path, line, 1, "PV118", message))
    else:
        diagnostics.append(Diagnostic(path, line, 1, "PV118", f"'{key}' must be a list"))
        return []
    found: list[tuple[str, int]] = []
    seen: set[str] = set()  # not a scan of `found` per item: thousands of aliases stay linear
    for item in items:
        name = item.strip()
        if strip_hash and name.startswith("#"):
            message = f"tag '{name}' is written with '#' in YAML; write '{name.lstrip('#')}'"
            diagnostics.append(Diagnostic(path, line, 1, "PV115", message))
            name = name.lstrip("#")
        if name and name not in seen:
            seen.add(name)
            found.append((name, line))
    return found


def unquoted_numbers(front: Frontmatter, keys: tuple[str, ...]) -> list[tuple[str, int]]:
    """``key: 2504.19160`` lines where an id is written as a bare YAML number.

    A YAML 1.1 reader (PyYAML, Obsidian's number property) turns it into a float and
    can drop digits; papervault reads it right, other tools may not.
    """
    found = []
    for key in keys:
        value = front.data.get(key)
        if isinstance(value, str) and _NUMBER.fullmatch(value):
            pattern = re.compile(rf"^{re.escape(key)}\s*:\s*{re.escape(value)}\s*(?:#.*)?$", re.M)
            match = pattern.search(front.yaml)
            if match:
                found.append((key, 2 + front.yaml.count("\n", 0, match.start())))
    return found
