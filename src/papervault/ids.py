"""Graph node ids. Every node id in papervault is built here and nowhere else."""

from __future__ import annotations

NOTE = "note"
TAG = "tag"
UNRESOLVED = "unresolved"
PAPER_SCHEMES = ("arxiv", "openreview")


def note_id(path: str) -> str:
    """``note:<vault-relative posix path>``, case as on disk."""
    return f"{NOTE}:{path}"


def paper_id(scheme: str, identifier: str) -> str:
    """``arxiv:<id>`` or ``openreview:<id>``; ``identifier`` must already be canonical."""
    if scheme not in PAPER_SCHEMES:
        raise ValueError(f"unknown paper scheme {scheme!r}")
    return f"{scheme}:{identifier}"


def tag_id(tag: str) -> str:
    """``tag:<tag>``, case-folded: tags that differ only in case are one tag."""
    return f"{TAG}:{tag.casefold()}"


def unresolved_id(target: str) -> str:
    return f"{UNRESOLVED}:{target}"


def kind_of(node_id: str) -> str:
    """The node kind an id stands for: ``note``, ``paper``, ``tag`` or ``unresolved``."""
    prefix = node_id.split(":", 1)[0]
    return "paper" if prefix in PAPER_SCHEMES else prefix


def path_of(node_id: str) -> str:
    """The vault path of a ``note:`` id."""
    prefix, _, rest = node_id.partition(":")
    if prefix != NOTE:
        raise ValueError(f"not a note id: {node_id!r}")
    return rest
