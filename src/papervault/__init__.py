"""papervault: index an Obsidian vault of paper notes, resolve its links and citations
into one graph, and write backlinks and tag index pages back into the files.

The public API is imported lazily, so ``import papervault`` (and the CLI's start-up)
stays cheap: networkx, mistune and YAML load only when a stage that needs them runs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_vault": "papervault.vault",
    "load_config": "papervault.config",
    "Config": "papervault.config",
    "parse_note": "papervault.parse",
    "parse_text": "papervault.parse",
    "Vault": "papervault.model",
    "Note": "papervault.model",
    "Link": "papervault.model",
    "Diagnostic": "papervault.model",
}

__all__ = [
    "Config",
    "Diagnostic",
    "Link",
    "Note",
    "Vault",
    "__version__",
    "load_config",
    "load_vault",
    "parse_note",
    "parse_text",
]

if TYPE_CHECKING:
    from .config import Config, load_config
    from .model import Diagnostic, Link, Note, Vault
    from .parse import parse_note, parse_text
    from .vault import load_vault


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'papervault' has no attribute {name!r}")
