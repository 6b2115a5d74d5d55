"""``vault sync``: write backlinks sections and tag pages; the pre-commit fixer."""

from __future__ import annotations

import click

from .session import Session, errors_to_exit_codes, vault_options


@click.command()
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if anything would change.")
@click.option("--diff", is_flag=True, help="Print a unified diff of the changes; write nothing.")
@click.option("--backlinks/--no-backlinks", default=True, help="Update backlinks sections (default: yes).")
@click.option("--tags/--no-tags", default=True, help="Update tag index pages (default: yes).")
@vault_options
@click.pass_obj
def sync(session: Session, check: bool, diff: bool, backlinks: bool, tags: bool) -> None:
    """Write backlinks sections and tag index pages into the vault.

    Only papervault's own marked regions change; everything you wrote stays byte for
    byte. Prints one line per changed file. Exits 1 when it changed (or, with --check
    or --diff, would change) anything, as pre-commit fixers do, and 0 when the vault
    was already in sync.
    """
    with errors_to_exit_codes():
        from ..sync import sync_vault
        from ..vault import IndexStats

        stats = IndexStats()
        result = sync_vault(
            session.config, check=check, diff=diff, backlinks=backlinks, tags=tags, stats=stats
        )
        for warning in stats.warnings:
            click.echo(f"warning: {warning}", err=True)
        for path in result.removed_temp_files:
            click.echo(f"removed a temp file left by an interrupted run: {path}", err=True)
        dry = check or diff
        for outcome in result.changed:
            reason = result.plan.reasons.get(outcome.path, "changed")
            click.echo(f"{outcome.path}: {'would be ' if dry else ''}{reason}")
            if diff and outcome.diff:
                click.echo(outcome.diff, nl=False)
        problems = result.diagnostics()
        for finding in problems:
            click.echo(str(finding), err=True)
        changed = len(result.changed)
        if changed:
            verb = "would change" if dry else "changed"
            click.echo(f"{changed} file{'s' if changed != 1 else ''} {verb}", err=True)
        else:
            click.echo(f"{stats.notes} notes: generated sections are in sync", err=True)
        raise SystemExit(1 if changed or problems else 0)
