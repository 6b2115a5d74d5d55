"""The root ``vault`` group and the options every command shares."""

from __future__ import annotations

from typing import Any

import click

from .. import __version__
from ..collector import tune_for_batch
from .session import NO_CACHE_HELP, Session

RESOLUTIONS = ("obsidian", "quartz-shortest", "quartz-absolute", "quartz-relative")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "-C",
    "--vault",
    "vault",
    envvar="PAPERVAULT_VAULT",
    type=click.Path(path_type=str),
    help="The vault root. Default: the configured vault, else the current folder.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=str),
    help="Read settings from this papervault.toml or pyproject.toml.",
)
@click.option(
    "--resolution",
    type=click.Choice(RESOLUTIONS),
    help="How links resolve (setting links.resolution). Default: obsidian.",
)
@click.option("--no-cache", is_flag=True, help=NO_CACHE_HELP)
@click.version_option(__version__, prog_name="papervault")
@click.pass_context
def main(
    ctx: click.Context, vault: str | None, config_file: str | None, resolution: str | None, no_cache: bool
) -> None:
    """papervault: keep an Obsidian vault of paper notes consistent.

    It indexes the vault, resolves links and arXiv/OpenReview citations into one
    graph, checks it, and writes backlinks sections and tag pages into the files.
    """
    ctx.call_on_close(tune_for_batch())  # this run's thresholds, put back when it ends
    overrides: dict[str, Any] = {}
    if resolution:
        overrides["links.resolution"] = resolution
    ctx.obj = Session(vault=vault, config_file=config_file, overrides=overrides)
    if no_cache:
        ctx.obj.bypass_cache()


def _register() -> None:
    from .check import check
    from .graph import graph
    from .index import index
    from .papers import papers
    from .sync import sync

    main.add_command(check)
    main.add_command(graph)
    main.add_command(index)
    main.add_command(papers)
    main.add_command(sync)


_register()
