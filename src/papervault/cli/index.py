"""``vault index``: build or refresh the index cache, and say what it did."""

from __future__ import annotations

import click

from .session import Session, errors_to_exit_codes, vault_options


@click.command()
@click.option("--rebuild", is_flag=True, help="Discard the cache and parse every note again.")
@vault_options
@click.pass_obj
def index(session: Session, rebuild: bool) -> None:
    """Build or refresh the index cache in <vault>/.papervault/."""
    with errors_to_exit_codes():
        from ..vault import IndexStats

        stats = IndexStats()
        vault = session.load(rebuild=rebuild, stats=stats)
        where = "no cache" if not stats.cache_used else f"cache in {vault.root}/.papervault/"
        workers = f" with {stats.workers} workers" if stats.workers > 1 else ""
        click.echo(
            f"{stats.notes} notes: {stats.parsed} parsed{workers}, {stats.reused} from the cache, "
            f"{stats.deleted} dropped; {len(vault.attachments)} attachments "
            f"({stats.seconds:.2f} s, {where})"
        )
