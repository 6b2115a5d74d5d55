"""Warm runs: resolve only the notes that changed, and reuse whole results when nothing did.

Resolving a note's links depends on its own text and on the *context*: what every other
note offers as a link target (paths, titles, aliases, permalinks, headings, block ids,
draft and publish flags), the attachments and ignored files, and the settings that steer
resolution. The context key hashes exactly that. Per note, the cache keeps what resolution
produced (the edges backlinks are made of, and the note's resolution findings) under the
note's content hash and the context key. A warm run re-resolves a note only when one of
the two changed; an edit that changes no heading, title or alias re-resolves one note.

Above that, a whole result (a check's findings) is kept under the vault's state key,
which changes with any input at all (see :class:`~papervault.vault.VaultState`), plus the
settings: with nothing changed, the result is read back, not recomputed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import TYPE_CHECKING, Any

from .config import Config
from .model import EMBED, Diagnostic, Note, Vault

if TYPE_CHECKING:
    from .resolve import Resolution

#: one resolved link that makes a backlink: target note, is it an embed, line, section
EdgeFact = tuple[str, bool, int, str]


@dataclasses.dataclass(slots=True)
class LinkFacts:
    """What resolution gives the later stages, per note: backlink edges and findings."""

    edges: dict[str, list[EdgeFact]] = dataclasses.field(default_factory=dict)
    diagnostics: dict[str, list[Diagnostic]] = dataclasses.field(default_factory=dict)
    #: how many notes were resolved in this run (the rest came from the cache)
    resolved: int = 0

    def all_diagnostics(self) -> list[Diagnostic]:
        return [d for found in self.diagnostics.values() for d in found]


def edge_facts(source: str, resolutions: tuple[Resolution, ...]) -> list[EdgeFact]:
    """The links of ``source`` that make backlinks: resolved to another note."""
    return [
        (r.target, r.link.kind == EMBED, r.link.line, r.link.section)
        for r in resolutions
        if r.target is not None and r.target != source and r.target_kind == "note"
    ]


def config_fingerprint(config: Config) -> str:
    """Every setting, as text (the config file's own path left out)."""
    values = dataclasses.asdict(dataclasses.replace(config, source=None))
    return json.dumps(values, sort_keys=True, default=str)


def index_signature(note: Note) -> tuple[Any, ...]:
    """What resolving *other* notes' links can read of this note."""
    return (
        note.path,
        note.title,
        note.aliases,
        note.permalink,
        tuple((h.level, h.text) for h in note.headings),
        tuple(b.id for b in note.block_ids),
        note.draft,
        note.publish,
        note.readable,
    )


def context_key(vault: Vault, config: Config) -> str:
    digest = hashlib.sha256(f"{config.links.resolution}\0{config.publish}\0".encode())
    for note in vault.notes.values():
        digest.update(repr(index_signature(note)).encode())
    for kind, paths in (("a", vault.attachments), ("i", vault.ignored)):
        for path in paths:
            digest.update(f"\0{kind}{path}".encode())
    return digest.hexdigest()


def _encode(edges: list[EdgeFact], diagnostics: list[Diagnostic]) -> bytes:
    value = [edges, diagnostics_to_json(diagnostics)]
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _decode(data: bytes) -> tuple[list[EdgeFact], list[Diagnostic]]:
    edges, found = json.loads(data)
    return [tuple(edge) for edge in edges], diagnostics_from_json(found)


def link_facts(vault: Vault, config: Config) -> LinkFacts:
    """Backlink edges and resolution findings for every note, resolving as few as possible."""
    state = vault.state
    cache = state.open_cache() if state is not None else None
    context = context_key(vault, config)
    facts = LinkFacts()
    stale: set[str] = set()
    stored = cache.derived() if cache is not None else {}
    for path in vault.notes:
        row = stored.get(path)
        if row is not None and row[0] == state.shas.get(path) and row[1] == context:
            try:
                facts.edges[path], facts.diagnostics[path] = _decode(row[2])
                continue
            except (ValueError, TypeError):
                pass  # a damaged row: resolve the note again
        stale.add(path)
    if stale:
        from .resolve import resolve_vault  # not needed when every note's result is cached

        if state is not None:
            state.complete(vault, stale)
        resolved = resolve_vault(vault, config.links.resolution, config.publish, only=stale)
        by_path: dict[str, list[Diagnostic]] = {path: [] for path in stale}
        for diagnostic in resolved.diagnostics:
            by_path[diagnostic.path].append(diagnostic)
        rows = []
        for path in stale:
            facts.edges[path] = edge_facts(path, resolved.outgoing(path))
            facts.diagnostics[path] = by_path[path]
            if state is not None and path in state.shas:
                rows.append((path, state.shas[path], context, _encode(facts.edges[path], by_path[path])))
        facts.resolved = len(stale)
        if cache is not None:
            cache.put_derived(rows)
    if cache is not None:
        cache.close()
    return facts


# --------------------------------------------------------------------------- whole results


def memo_key(vault: Vault, config: Config, *parts: str) -> str | None:
    """The key a whole result is stored under, or ``None`` when there is no cache."""
    state = vault.state
    if state is None or state.cache_root is None:
        return None
    return hashlib.sha256("\0".join((state.key, config_fingerprint(config), *parts)).encode()).hexdigest()


def recall(vault: Vault, kind: str, key: str | None) -> Any | None:
    """A result stored for exactly ``key``, decoded from JSON, or ``None``."""
    if key is None:
        return None
    cache = vault.state.open_cache()
    if cache is None:
        return None
    data = cache.memo(kind, key)
    cache.close()
    try:
        return json.loads(data) if data is not None else None
    except ValueError:
        return None


def remember(vault: Vault, kind: str, key: str | None, value: Any) -> None:
    if key is None:
        return
    cache = vault.state.open_cache()
    if cache is not None:
        cache.put_memo(kind, key, json.dumps(value, ensure_ascii=False).encode())
        cache.close()


def diagnostics_to_json(diagnostics: list[Diagnostic]) -> list[list[Any]]:
    return [[d.path, d.line, d.column, d.code, d.message, d.fix] for d in diagnostics]


def diagnostics_from_json(rows: list[list[Any]]) -> list[Diagnostic]:
    return [Diagnostic(*row) for row in rows]
