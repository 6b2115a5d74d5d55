"""Index a vault with obsidiantools, the closest Python peer (run in its own virtualenv).

    benchmarks/_work/venv-peer/bin/python benchmarks/peer_obsidiantools.py VAULT

The runner times this whole process from the outside. It also prints one JSON line with
the split between importing obsidiantools (pandas, numpy, lxml...) and indexing, and a
few counts, so a reader can check the peer really read the vault.
"""

from __future__ import annotations

import importlib.metadata
import json
import sys
import time
from pathlib import Path


def main() -> int:
    vault_dir = Path(sys.argv[1])
    start = time.perf_counter()
    import obsidiantools.api as otools

    imported = time.perf_counter()
    vault = otools.Vault(vault_dir).connect().gather()
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "tool": "obsidiantools",
                "version": importlib.metadata.version("obsidiantools"),
                "import_s": round(imported - start, 3),
                "connect_gather_s": round(done - imported, 3),
                "notes": len(vault.md_file_index),
                "graph_nodes": vault.graph.number_of_nodes(),
                "graph_edges": vault.graph.number_of_edges(),
                "nonexistent_notes": len(vault.nonexistent_notes),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
