"""State shared by the commands of one ``vault`` invocation, and error mapping."""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import click

from ..errors import PapervaultError

if TYPE_CHECKING:
    from ..config import Config
    from ..model import Vault
    from ..vault import IndexStats

#: exit code for a bug in papervault itself (never for bad input)
INTERNAL_ERROR = 3


NO_CACHE_HELP = "Neither read nor update the index cache."


@dataclass
class Session:
    vault: str | None = None
    config_file: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)

    def bypass_cache(self) -> None:
        """``--no-cache``: the ``cache`` setting off for this run."""
        self.overrides["cache"] = False

    @cached_property
    def config(self) -> Config:
        from ..config import load_config

        return load_config(vault=self.vault, config_file=self.config_file, overrides=self.overrides)

    def load(self, rebuild: bool = False, stats: IndexStats | None = None, links: bool = True) -> Vault:
        """Index the vault, with a progress bar on a terminal when a cold run is long.
        ``links=False``: notes from the cache come without their links (see load_vault)."""
        from ..vault import IndexStats, load_vault

        stats = stats if stats is not None else IndexStats()
        vault = load_vault(
            config=self.config, rebuild=rebuild, stats=stats, progress=progress_bar, links=links
        )
        for warning in stats.warnings:
            click.echo(f"warning: {warning}", err=True)
        return vault


#: show a progress bar only for runs long enough to need one
PROGRESS_MIN_NOTES = 2000


def progress_bar(total: int) -> Callable[[int], None] | None:
    if total < PROGRESS_MIN_NOTES or not sys.stderr.isatty():
        return None
    bar = click.progressbar(length=total, label="parsing notes", file=sys.stderr)
    bar.__enter__()

    def advance(count: int) -> None:
        bar.update(count)
        if bar.pos >= total:
            bar.__exit__(None, None, None)

    return advance


def vault_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``-C/--vault``, ``--config`` and ``--no-cache`` on a subcommand too, so that both
    ``vault -C notes check`` and ``vault check -C notes`` work (pre-commit appends a
    hook's ``args`` after its entry, ``vault check``)."""

    def set_vault(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value is not None:
            ctx.ensure_object(Session).vault = value

    def set_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value is not None:
            ctx.ensure_object(Session).config_file = value

    def set_no_cache(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if value:
            ctx.ensure_object(Session).bypass_cache()

    command = click.option(
        "--no-cache",
        is_flag=True,
        expose_value=False,
        callback=set_no_cache,
        help=f"{NO_CACHE_HELP[:-1]} (also accepted before the command).",
    )(command)
    command = click.option(
        "--config",
        type=click.Path(dir_okay=False, path_type=str),
        expose_value=False,
        callback=set_config,
        help="Read settings from this file (also accepted before the command).",
    )(command)
    return click.option(
        "-C",
        "--vault",
        type=click.Path(path_type=str),
        expose_value=False,
        callback=set_vault,
        help="The vault root (also accepted before the command).",
    )(command)


@contextlib.contextmanager
def errors_to_exit_codes() -> Iterator[None]:
    """Turn papervault errors into ``message`` + exit code, and bugs into a short report."""
    try:
        yield
    except PapervaultError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
        raise
    except Exception as error:  # a bug: say so briefly; the traceback only on request
        if os.environ.get("PAPERVAULT_DEBUG"):
            traceback.print_exc()
        click.echo(f"internal error: {type(error).__name__}: {error}", err=True)
        click.echo("set PAPERVAULT_DEBUG=1 for a traceback, and please report it", err=True)
        sys.exit(INTERNAL_ERROR)
