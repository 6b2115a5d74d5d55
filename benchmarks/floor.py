"""The I/O floor: read every .md file under VAULT and run one wikilink regex over it.

    python benchmarks/floor.py VAULT

No indexer can beat this by much: it is what any tool must at least do (start Python,
walk the tree, decode every note, look at every character once). The runner times this
process end to end and divides every other measurement by it.
"""

from __future__ import annotations

import os
import re
import sys

# Quartz's wikilink grammar in words (obsidian-quartz.md §2): optional "!", "[[", a target
# without [ ] | # \, an optional "#..." part, an optional "|alias", "]]".
WIKILINK = re.compile(r"!?\[\[([^\[\]|#\\]*)?(#[^\[\]|\\]+)*(\\?\|[^\[\]#]*)?\]\]")


def main() -> int:
    files = matches = 0
    for root, _dirs, names in os.walk(sys.argv[1]):
        for name in names:
            if name.endswith(".md"):
                with open(os.path.join(root, name), encoding="utf-8") as handle:
                    text = handle.read()
                files += 1
                matches += sum(1 for _ in WIKILINK.finditer(text))
    print(f'{{"files": {files}, "wikilinks": {matches}}}')
    return 0


if __name__ == "__main__":
    sys.exit(main())
