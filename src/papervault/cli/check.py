"""``vault check``: report every finding as ``path:line:col: CODE message``."""

from __future__ import annotations

import click

from .session import Session, errors_to_exit_codes


@click.command()
@click.pass_obj
def check(session: Session) -> None:
    """Check the vault and report findings. Exit 1 when any is an error."""
    with errors_to_exit_codes():
        from ..rules import BY_CODE

        vault = session.load()
        findings = vault.all_diagnostics()
        errors = 0
        for finding in findings:
            click.echo(str(finding))
            errors += BY_CODE[finding.code].severity == "error"
        warnings = len(findings) - errors
        click.echo(f"{len(vault.notes)} notes checked: {errors} errors, {warnings} warnings", err=True)
        raise SystemExit(1 if errors else 0)
