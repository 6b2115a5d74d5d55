"""``vault check``: the vault linter. ``path:line:col: CODE message`` per finding."""

from __future__ import annotations

from pathlib import Path

import click

from .session import Session, errors_to_exit_codes, vault_options


def _severity_pairs(values: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for value in values:
        code, _, level = value.partition("=")
        if level not in ("error", "warning"):
            raise click.BadParameter(f"'{value}': write CODE=error or CODE=warning", param_hint="--severity")
        pairs[code] = level
    return pairs


@click.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    help="text (path:line:col: CODE message), json, or GitHub Actions annotations.",
)
@click.option(
    "--select", multiple=True, metavar="RULE", help="Report only these rules (code, name or prefix)."
)
@click.option("--ignore", multiple=True, metavar="RULE", help="Never report these rules.")
@click.option("--severity", multiple=True, metavar="RULE=LEVEL", help="Re-grade a rule: PV206=error.")
@click.option(
    "--baseline", type=click.Path(dir_okay=False, path_type=Path), help="Ignore findings recorded here."
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record today's findings in this file and exit 0.",
)
@click.option("--fix", is_flag=True, help="Apply the safe fixes, then report what is left.")
@vault_options
@click.pass_obj
def check(
    session: Session,
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    severity: tuple[str, ...],
    baseline: Path | None,
    write_baseline: Path | None,
    fix: bool,
) -> None:
    """Check the vault: broken links and anchors, ambiguous and alias-only links, tag and
    frontmatter problems, duplicate paper notes, stale generated sections, and more.

    Exits 0 when no finding is an error, 1 when one is, 2 on a usage or config error.
    """
    with errors_to_exit_codes():
        from ..check import FORMATTERS, Baseline, RuleSelection, all_diagnostics, run_check
        from ..pipeline import Analysis

        config = session.config
        selection = RuleSelection(
            select=(*config.check.select, *select),
            ignore=(*config.check.ignore, *ignore),
            severity={**config.check.severity, **_severity_pairs(severity)},
        )
        analysis = Analysis(config, session.load(links=False))
        unwritten = []
        if fix:
            from ..fixes import plan_fixes
            from ..write import apply_edits

            root = Path(config.vault)
            wanted = [d for d in all_diagnostics(analysis, generated=False) if selection.rule_for(d.code)]
            if analysis.vault.state is not None:  # the notes to fix, with their links
                analysis.vault.state.complete(analysis.vault, {d.path for d in wanted})
            edits, fixed = plan_fixes(root, analysis.vault.notes, wanted)
            outcomes = apply_edits(root, edits)
            changed = {o.path for o in outcomes if o.changed}
            # a fix that could not be written (disk full, permissions, safety check) is
            # reported, and fails the run
            unwritten = [d for o in outcomes if (d := o.diagnostic()) is not None]
            for problem in unwritten:
                click.echo(str(problem), err=True)
            for diagnostic in fixed:
                if diagnostic.path in changed:
                    click.echo(
                        f"fixed {diagnostic.path}:{diagnostic.line}: {diagnostic.code} {diagnostic.message}"
                    )
            if changed:
                analysis = Analysis(config, session.load(links=False))
        baseline_file = baseline
        if baseline_file is None and config.check.baseline and write_baseline is None:
            base = config.source.parent if config.source else Path.cwd()
            baseline_file = base / config.check.baseline
        known = Baseline.read(baseline_file) if baseline_file and write_baseline is None else None
        report = run_check(analysis, selection, known)
        if write_baseline is not None:
            write_baseline.write_text(Baseline.render(report), encoding="utf-8")
            click.echo(f"recorded {len(report.findings)} findings in {write_baseline}", err=True)
            raise SystemExit(0)
        click.echo(FORMATTERS[output_format](report), nl=False)
        if output_format != "json":
            click.echo(report.summary(), err=True)
        raise SystemExit(1 if report.errors or (fix and unwritten) else 0)
