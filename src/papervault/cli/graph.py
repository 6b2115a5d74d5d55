"""``vault graph``: inspect the note and citation graph."""

from __future__ import annotations

import click

from .session import Session, errors_to_exit_codes


@click.command()
@click.pass_obj
def graph(session: Session) -> None:
    """Summarise the vault's notes, links, tags and citations."""
    with errors_to_exit_codes():
        vault = session.load()
        notes = vault.notes.values()
        click.echo(f"notes        {len(vault.notes)}")
        click.echo(f"attachments  {len(vault.attachments)}")
        click.echo(f"links        {sum(len(n.links) for n in notes)}")
        click.echo(f"tags         {len({t.name.casefold() for n in notes for t in n.tags})}")
        click.echo(f"URLs         {sum(len(n.external_links) for n in notes)}")
        click.echo(f"citations    {sum(len(n.citations) for n in notes)}")
        click.echo(f"diagnostics  {len(vault.all_diagnostics())}")
