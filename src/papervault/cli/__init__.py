"""The ``vault`` command line: a thin layer that parses options, calls the library and
maps errors to exit codes (0 clean, 1 findings or changes, 2 usage or config error).

Each command lives in its own module and imports the heavy parts of the library only
when it runs, so ``vault --help`` stays fast.
"""

from __future__ import annotations

from .main import main

__all__ = ["main"]
