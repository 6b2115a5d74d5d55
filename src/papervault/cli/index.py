"""``vault index``: build or refresh the index cache, and say what it did."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .session import Session, errors_to_exit_codes, vault_options


@click.command()
@click.option("--rebuild", is_flag=True, help="Discard the cache and parse every note again.")
@vault_options
@click.pass_obj
def index(session: Session, rebuild: bool) -> None:
    """Build or refresh the index cache in <vault>/.papervault/."""
    with errors_to_exit_codes():
        from ..cache import CACHE_DIR
        from ..vault import IndexStats

        stats = IndexStats()
        vault = session.load(rebuild=rebuild, stats=stats)
        where = "no cache" if not stats.cache_used else f"cache in {_shown(Path(vault.root) / CACHE_DIR)}/"
        workers = f" with {stats.workers} workers" if stats.workers > 1 else ""
        click.echo(
            f"{stats.notes} notes: {stats.parsed} parsed{workers}, {stats.reused} from the cache, "
            f"{stats.deleted} dropped; {len(vault.attachments)} attachments "
            f"({stats.seconds:.2f} s, {where})"
        )


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it lies below it, else absolute."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()
