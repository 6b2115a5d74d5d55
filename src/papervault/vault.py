"""Scan and parse a whole vault into a :class:`~papervault.model.Vault`: the one-call API."""

from __future__ import annotations

import os
from pathlib import Path

from .config import Config, load_config
from .model import Diagnostic, Note, ScannedFile, Vault
from .parse import parse_note, unreadable_note
from .scan import read_file, scan_vault


def load_vault(path: str | os.PathLike[str] | None = None, config: Config | None = None) -> Vault:
    """Index the vault at ``path`` (or the configured vault) and return its notes.

    Bad files never stop the run: they come back as diagnostics, and the rest of the
    vault is still indexed.
    """
    if config is None:
        config = load_config(vault=path)
    elif path is not None:
        config = config.replace(vault=Path(path))
    root = Path(config.vault)
    scanned = scan_vault(root, config.ignore)
    diagnostics = list(scanned.diagnostics)
    notes: dict[str, Note] = {}
    for file in scanned.of_kind("note"):
        notes[file.path] = _read_and_parse(root, file)
    return Vault(
        root=str(root),
        notes=notes,
        attachments=tuple(f.path for f in scanned.of_kind("attachment")),
        ignored=tuple(f.path for f in scanned.of_kind("ignored")),
        diagnostics=tuple(diagnostics),
    )


def _read_and_parse(root: Path, file: ScannedFile) -> Note:
    try:
        data = read_file(root, file.path)
    except OSError as error:
        reason = error.strerror or str(error)
        return unreadable_note(file.path, Diagnostic(file.path, 1, 0, "PV101", f"cannot read: {reason}"))
    return parse_note(file.path, data)
