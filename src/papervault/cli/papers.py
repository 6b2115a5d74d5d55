"""``vault papers``: the papers the vault cites, the notes that describe and cite them."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .session import Session, errors_to_exit_codes, vault_options

FORMATS = ("text", "json", "csv", "bibtex")


@click.command()
@click.option("--missing", is_flag=True, help="Only cited papers no note describes, most cited first.")
@click.option(
    "--cited-by", "cited_by", metavar="NOTE", help="Only papers NOTE cites (a path, name, alias or title)."
)
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format."
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@vault_options
@click.pass_obj
def papers(session: Session, missing: bool, cited_by: str | None, fmt: str, output: Path | None) -> None:
    """List the vault's papers: ids, describing note, citing notes and count.

    Every arXiv and OpenReview paper a note cites or describes, most cited first.
    --format bibtex writes a .bib file from what the paper notes' frontmatter knows.
    """
    with errors_to_exit_codes():
        from ..bibliography import paper_rows, render, summary
        from ..papers import index_papers
        from ..query import find_note

        vault = session.load()
        citer = find_note(vault, cited_by, cwd=os.getcwd()) if cited_by is not None else None
        rows = paper_rows(index_papers(vault), vault, missing=missing, cited_by=citer)
        text = render(rows, fmt)  # type: ignore[arg-type]
        if output is None:
            click.echo(text, nl=False)
        else:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as error:
                raise click.FileError(str(output), hint=error.strerror) from None
        click.echo(summary(rows) + (f"; written to {output}" if output else ""), err=True)
