"""``vault check``: every finding of every stage, as rules with codes, severities and fixes.

Findings come from scanning and parsing (PV1xx), link resolution (PV2xx), vault-wide
consistency (PV3xx, computed here) and the generated regions (PV4xx: a stale section is
one that ``vault sync --check`` would change). ``select``/``ignore`` take codes, names or
code prefixes (``PV2``), as ruff does; severities can be re-graded per rule.

A **baseline** records today's findings so that only new ones fail. A finding is matched
by rule, path and a fingerprint of its message (with line numbers taken out), never by
its line, so editing above a finding does not make it new.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .incremental import diagnostics_from_json, diagnostics_to_json, memo_key, recall, remember
from .model import Diagnostic, Severity, Vault
from .pipeline import Analysis
from .rules import RULES, Rule, lookup

BASELINE_VERSION = 1
_LINE_NUMBERS = re.compile(r"\blines? \d+(?:[-–]\d+)?")


@dataclass(frozen=True, slots=True)
class Finding:
    diagnostic: Diagnostic
    rule: Rule
    severity: Severity
    fingerprint: str

    def as_dict(self) -> dict[str, Any]:
        d = self.diagnostic
        return {
            "path": d.path,
            "line": d.line,
            "column": d.column,
            "code": d.code,
            "name": self.rule.name,
            "severity": self.severity,
            "message": d.message,
            "fix": d.fix,
            "fingerprint": self.fingerprint,
        }


@dataclass(slots=True)
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    baselined: int = 0
    notes: int = 0

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    def summary(self) -> str:
        parts = [f"{self.errors} error{'s' if self.errors != 1 else ''}"]
        parts.append(f"{self.warnings} warning{'s' if self.warnings != 1 else ''}")
        if self.baselined:
            parts.append(f"{self.baselined} in the baseline")
        return f"{self.notes} notes checked: {', '.join(parts)}"


@dataclass(frozen=True, slots=True)
class RuleSelection:
    """Which rules report, and at what severity."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for pattern in (*self.select, *self.ignore, *self.severity):
            if not _matching_rules(pattern):
                raise ConfigError(f"no rule matches '{pattern}' (codes like PV201, names like broken-link)")

    def rule_for(self, code: str) -> Rule | None:
        """The rule if it reports, else ``None``."""
        rule = lookup(code)
        if rule is None:
            raise ValueError(f"diagnostic with unknown code {code}")  # a bug, not user input
        if self.select and not any(rule in _matching_rules(p) for p in self.select):
            return None
        if any(rule in _matching_rules(p) for p in self.ignore):
            return None
        return rule

    def severity_of(self, rule: Rule) -> Severity:
        for pattern, severity in self.severity.items():
            if rule in _matching_rules(pattern):
                return severity
        return rule.severity


def _matching_rules(pattern: str) -> list[Rule]:
    """Rules a pattern names: a code, a name, a code prefix (``PV2``) or ``ALL``."""
    exact = lookup(pattern)
    if exact is not None:
        return [exact]
    upper = pattern.upper()
    if upper == "ALL":
        return list(RULES)
    return [rule for rule in RULES if rule.code.startswith(upper)] if upper.startswith("PV") else []


def fingerprint(diagnostic: Diagnostic) -> str:
    """Rule, path and message, line numbers taken out: stable while lines move."""
    message = _LINE_NUMBERS.sub("line N", diagnostic.message)
    data = f"{diagnostic.code}\0{diagnostic.path}\0{message}".encode()
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()[:16]


# --------------------------------------------------------------------------- vault-wide rules


def consistency_findings(vault: Vault) -> list[Diagnostic]:
    """PV301 tags differing only in case, PV302 file names differing only in case, PV303
    files that Quartz publishes under one slug."""
    from .slugs import slugify_path

    found: list[Diagnostic] = []
    spellings: dict[str, dict[str, tuple[str, int, int]]] = defaultdict(dict)
    for path, note in vault.notes.items():
        for tag in note.tags:
            spellings[tag.name.casefold()].setdefault(tag.name, (path, tag.line, tag.column))
    for variants in spellings.values():
        if len(variants) > 1:
            first, *others = variants
            where = variants[first][0]
            for other in others:
                path, line, column = variants[other]
                message = f"tag '{other}' is also written '{first}' (in {where}); Quartz makes two tag pages"
                found.append(Diagnostic(path, line or 1, column, "PV301", message, fix=first))

    paths = [*vault.notes, *vault.attachments, *vault.ignored]
    for group in _groups(paths, str.casefold):
        for path in group[1:]:
            message = f"{path} and {group[0]} differ only in case; they collide on macOS and Windows"
            found.append(Diagnostic(path, 1, 0, "PV302", message))
    for group in _groups(vault.notes, slugify_path):
        for path in group[1:]:
            message = f"{path} and {group[0]} publish to the same Quartz page '{slugify_path(path)}'"
            found.append(Diagnostic(path, 1, 0, "PV303", message))
    return found


def _groups(paths: Iterable[str], key: Any) -> list[list[str]]:
    buckets: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        buckets[key(path)].append(path)
    return [sorted(group) for group in buckets.values() if len(group) > 1]


def stale_section_findings(analysis: Analysis) -> list[Diagnostic]:
    """PV401 for every file ``vault sync`` would change, plus what blocks a sync."""
    from .sync import pending_changes

    plan = pending_changes(analysis)
    found = list(plan.diagnostics)
    for path, reason in sorted(plan.reasons.items()):
        note = analysis.vault.notes.get(path)
        region = next(iter(note.regions), None) if note else None
        line = region.start_line if region else 1
        found.append(Diagnostic(path, line, 0, "PV401", f"{reason} by `vault sync`", fix="vault sync"))
    return found


# --------------------------------------------------------------------------- the check


def all_diagnostics(analysis: Analysis, *, generated: bool = True) -> list[Diagnostic]:
    """Every finding, before rule selection. With nothing changed since the last run, the
    findings are read back from the cache (keyed by every input and setting)."""
    key = memo_key(analysis.vault, analysis.config, "check", str(generated))
    remembered = recall(analysis.vault, "check", key)
    if remembered is not None:
        return diagnostics_from_json(remembered)
    found = analysis.diagnostics() + consistency_findings(analysis.vault)
    if generated:
        found += stale_section_findings(analysis)
    unique = {(d.path, d.line, d.column, d.code, d.message): d for d in found}
    result = sorted(unique.values(), key=Diagnostic.sort_key)
    remember(analysis.vault, "check", key, diagnostics_to_json(result))
    return result


def run_check(analysis: Analysis, selection: RuleSelection, baseline: Baseline | None = None) -> CheckReport:
    report = CheckReport(notes=len(analysis.vault.notes))
    seen: Counter[tuple[str, str, str]] = Counter()
    for diagnostic in all_diagnostics(analysis):
        rule = selection.rule_for(diagnostic.code)
        if rule is None:
            continue
        base = fingerprint(diagnostic)
        key = (diagnostic.code, diagnostic.path, base)
        seen[key] += 1
        # the n-th identical finding in a file gets its own fingerprint
        print_ = base if seen[key] == 1 else f"{base}-{seen[key]}"
        if baseline is not None and baseline.contains(diagnostic.code, diagnostic.path, print_):
            report.baselined += 1
            continue
        report.findings.append(Finding(diagnostic, rule, selection.severity_of(rule), print_))
    return report


# --------------------------------------------------------------------------- baseline


@dataclass(slots=True)
class Baseline:
    entries: set[tuple[str, str, str]] = field(default_factory=set)

    def contains(self, code: str, path: str, print_: str) -> bool:
        return (code, path, print_) in self.entries

    @classmethod
    def read(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = {(e["code"], e["path"], e["fingerprint"]) for e in data["findings"]}
        except FileNotFoundError:
            raise ConfigError("baseline file not found", path=str(path)) from None
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ConfigError(f"not a papervault baseline: {error}", path=str(path)) from None
        return cls(entries)

    @staticmethod
    def render(report: CheckReport) -> str:
        findings = [
            {
                "code": f.diagnostic.code,
                "path": f.diagnostic.path,
                "fingerprint": f.fingerprint,
                "message": f.diagnostic.message,
            }
            for f in report.findings
        ]
        return (
            json.dumps({"version": BASELINE_VERSION, "findings": findings}, indent=1, ensure_ascii=False)
            + "\n"
        )


# --------------------------------------------------------------------------- output


def format_text(report: CheckReport) -> str:
    return "".join(f"{f.diagnostic}\n" for f in report.findings)


def format_json(report: CheckReport) -> str:
    body = {
        "findings": [f.as_dict() for f in report.findings],
        "summary": {
            "errors": report.errors,
            "warnings": report.warnings,
            "baselined": report.baselined,
            "notes": report.notes,
        },
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def format_github(report: CheckReport) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    for finding in report.findings:
        d = finding.diagnostic
        properties = f"file={_escape_property(d.path)},line={d.line}"
        if d.column:
            properties += f",col={d.column}"
        properties += f",title={_escape_property(f'{d.code} {finding.rule.name}')}"
        message = d.message + (f" (fix: {d.fix})" if d.fix else "")
        lines.append(f"::{finding.severity} {properties}::{_escape_data(message)}\n")
    return "".join(lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}
