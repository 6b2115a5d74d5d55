"""The table of diagnostic rules: stable codes, short names and default severities.

Every diagnostic papervault reports carries one of these codes. ``vault check`` selects,
ignores and re-grades them by code or name, as ruff does. Codes never change meaning;
a retired rule keeps its number.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Severity


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str


RULES: tuple[Rule, ...] = (
    # scan and parse (PV1xx)
    Rule("PV101", "unreadable-file", "error", "a file or folder could not be read"),
    Rule("PV102", "invalid-utf8", "error", "a note is not valid UTF-8"),
    Rule("PV103", "binary-file", "error", "a .md file holds binary data (NUL bytes)"),
    Rule("PV104", "not-a-note", "warning", "a path ending in .md is not a regular file"),
    Rule("PV105", "symlink-escape", "warning", "a symlink leads outside the vault or loops"),
    Rule("PV110", "malformed-frontmatter", "error", "the YAML frontmatter does not parse"),
    Rule("PV111", "unclosed-frontmatter", "error", "a frontmatter block is never closed"),
    Rule("PV112", "frontmatter-not-mapping", "error", "the frontmatter is not a key: value mapping"),
    Rule("PV113", "deprecated-key", "warning", "singular tag:/alias: keys are deprecated"),
    Rule("PV114", "tags-comma-string", "warning", "tags or aliases written as one comma string"),
    Rule("PV115", "tag-with-hash", "warning", "a frontmatter tag written with a leading #"),
    Rule("PV116", "unquoted-arxiv-id", "warning", "an arXiv id written as an unquoted YAML number"),
    Rule("PV117", "unsafe-yaml", "error", "YAML that expands too far (alias bomb) was refused"),
    Rule("PV118", "bad-frontmatter-value", "warning", "a frontmatter value has an unusable type"),
    # link resolution (PV2xx)
    Rule("PV201", "broken-link", "error", "a link points at no note or file"),
    Rule("PV202", "broken-heading-anchor", "error", "a #heading anchor matches no heading"),
    Rule("PV203", "broken-block-anchor", "error", "a #^block anchor matches no block id"),
    Rule("PV204", "ambiguous-link", "error", "a link matches several notes"),
    Rule("PV205", "alias-only-link", "warning", "a link names only an alias"),
    Rule("PV206", "case-only-match", "warning", "a link matches only with another case"),
    Rule("PV207", "quartz-divergence", "warning", "Obsidian and Quartz resolve a link differently"),
    Rule("PV208", "empty-link", "error", "an empty link [[]]"),
    Rule("PV209", "link-to-unpublished", "warning", "a published note links to a draft or ignored note"),
    Rule("PV210", "link-outside-vault", "error", "a link leads outside the vault"),
    # vault-wide consistency (PV3xx)
    Rule("PV301", "tag-case-variants", "warning", "tags that differ only in case"),
    Rule("PV302", "filename-case-collision", "error", "file names that differ only in case"),
    Rule("PV303", "slug-collision", "warning", "two files publish to the same Quartz slug"),
    Rule("PV304", "duplicate-paper-note", "warning", "two notes describe the same paper"),
    # generated regions (PV4xx)
    Rule("PV401", "stale-generated-section", "error", "`vault sync` would change this file"),
    Rule("PV402", "malformed-markers", "error", "papervault markers are broken; file left alone"),
    Rule("PV403", "orphan-tag-page", "warning", "a tag page for a tag no note uses"),
    Rule("PV404", "write-failed", "error", "a file could not be written"),
    Rule("PV405", "changed-during-run", "warning", "a file changed while papervault ran; skipped"),
    Rule("PV406", "unclosed-code-fence", "error", "a note ends in an open code fence; no region added"),
    Rule("PV407", "safety-check-failed", "error", "internal error: an edit would touch user text"),
    Rule("PV408", "no-tag-page", "warning", "a tag cannot have a page (unsafe name, or Quartz's tag list)"),
)

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}


def lookup(code_or_name: str) -> Rule | None:
    """Find a rule by code (``PV201``) or name (``broken-link``)."""
    return BY_CODE.get(code_or_name.upper()) or BY_NAME.get(code_or_name.lower())
