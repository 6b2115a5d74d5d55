"""The pipeline, end to end: scan -> parse -> resolve -> graph -> render -> write.

:class:`Analysis` runs each stage once, on first use, and keeps its result, so every
command asks for what it needs and pays for nothing else (``vault check`` never imports
networkx; ``vault graph`` never renders backlinks sections).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .backlinks import Backlink, backlinks
from .config import Config
from .incremental import LinkFacts, edge_facts, link_facts
from .model import Diagnostic, Vault
from .papers import PaperIndex, index_papers

if TYPE_CHECKING:
    import networkx as nx

    from .resolve import ResolvedVault


@dataclass
class Analysis:
    """A loaded vault and every stage computed from it, lazily."""

    config: Config
    vault: Vault
    extra_diagnostics: list[Diagnostic] = field(default_factory=list)

    @cached_property
    def resolved(self) -> ResolvedVault:
        """Every link resolved (what the graph needs): loads every note in full."""
        from .resolve import resolve_vault

        if self.vault.state is not None:
            self.vault.state.complete(self.vault)
        return resolve_vault(self.vault, self.config.links.resolution, self.config.publish)

    @cached_property
    def link_facts(self) -> LinkFacts:
        """Backlink edges and resolution findings per note: from :attr:`resolved` if it
        was computed, else incrementally (only changed notes are resolved again)."""
        if "resolved" in self.__dict__:
            resolved = self.resolved
            facts = LinkFacts(resolved=len(resolved.resolutions))
            for path, found in resolved.resolutions.items():
                facts.edges[path] = edge_facts(path, found)
                facts.diagnostics[path] = []
            for diagnostic in resolved.diagnostics:
                facts.diagnostics[diagnostic.path].append(diagnostic)
            return facts
        return link_facts(self.vault, self.config)

    @cached_property
    def papers(self) -> PaperIndex:
        return index_papers(self.vault)

    @cached_property
    def backlinks(self) -> dict[str, list[Backlink]]:
        return backlinks(self.link_facts.edges, self.papers)

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        from .graph import build_graph

        return build_graph(self.vault, self.resolved, self.papers, publish_mode=self.config.publish)

    def diagnostics(self) -> list[Diagnostic]:
        """Findings of every stage so far: scan, parse, resolution and papers."""
        found = [
            *self.vault.all_diagnostics(),
            *self.link_facts.all_diagnostics(),
            *self.papers.diagnostics,
            *self.extra_diagnostics,
        ]
        return sorted(found, key=Diagnostic.sort_key)


def analyze(config: Config, vault: Vault) -> Analysis:
    return Analysis(config, vault)
