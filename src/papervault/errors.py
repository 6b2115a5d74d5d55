"""Exceptions that carry a location, so the CLI can print ``path:line: message``."""

from __future__ import annotations


class PapervaultError(Exception):
    """A failure the user can act on. ``path`` and ``line`` say where, when known."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}: {self.message}"
        if self.path:
            return f"{self.path}: {self.message}"
        return self.message


class ConfigError(PapervaultError):
    """A bad setting in papervault.toml / [tool.papervault], or on the command line."""

    exit_code = 2


class VaultError(PapervaultError):
    """The vault root is missing, not a folder, or unreadable."""

    exit_code = 2


class NotFoundError(PapervaultError):
    """A note, paper or tag named on the command line does not exist."""

    exit_code = 2
