"""State shared by the commands of one ``vault`` invocation, and error mapping."""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import click

from ..errors import PapervaultError

if TYPE_CHECKING:
    from ..config import Config
    from ..model import Vault

#: exit code for a bug in papervault itself (never for bad input)
INTERNAL_ERROR = 3


@dataclass
class Session:
    vault: str | None = None
    config_file: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def config(self) -> Config:
        from ..config import load_config

        return load_config(vault=self.vault, config_file=self.config_file, overrides=self.overrides)

    def load(self) -> Vault:
        from ..vault import load_vault

        return load_vault(config=self.config)


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
