"""papervault: index an Obsidian vault of paper notes, resolve its links and citations
into one graph, and write backlinks and tag index pages back into the files."""

from __future__ import annotations

__version__ = "0.1.0"
