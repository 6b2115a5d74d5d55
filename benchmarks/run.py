"""papervault benchmark: papervault against the I/O floor and against obsidiantools.

    python benchmarks/run.py            # N = 1,000, 10,000 and 100,000 (100k takes a while)
    python benchmarks/run.py --quick    # N = 1,000 only, one repeat: a smoke run
    python benchmarks/run.py --sizes 1000,10000 --repeat 5

For every N the runner generates a fresh synthetic vault (benchmarks/generate.py) under
benchmarks/_work/, then times each command below as a fresh process: wall-clock time,
user+sys CPU time and peak RSS, all from ``os.wait4`` on the child. It prints a markdown
report (machine, vaults, results, growth, targets met or not) and writes
benchmarks/_work/results.json and benchmarks/_work/results.md.

obsidiantools runs at 1,000 notes only, in its own virtualenv (benchmarks/_work/venv-peer,
created with pip on first use), never in papervault's environment.

A papervault command that does not exist yet is reported as "not available", one that
crashes as "failed", each with the reason; the rest of the run goes on.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
import generate  # noqa: E402  (benchmarks/ is not a package)

# ---------------------------------------------------------------- what is measured
# The papervault command lines, in one place. "{vault}" is the `vault` executable (or
# `python -m papervault`), "{dir}" the vault directory. Each command runs with the vault
# directory as its working directory.
PAPERVAULT_COMMANDS: dict[str, list[str]] = {
    "startup": ["{vault}", "--help"],
    "cold_index": ["{vault}", "--vault", "{dir}", "index", "--rebuild"],
    "cold_check": ["{vault}", "--vault", "{dir}", "check", "--no-cache"],
    "warm_check": ["{vault}", "--vault", "{dir}", "check"],
    "one_change": ["{vault}", "--vault", "{dir}", "check"],
    "sync_check": ["{vault}", "--vault", "{dir}", "sync", "--check"],
}
# Exit 1 means "problems found" or "edits pending": a synthetic vault with broken links
# and no backlinks sections gives exactly that, so 1 is a successful run here.
OK_EXIT_CODES = (0, 1)
CACHE_DIR_NAME = ".papervault"

# (key, label, what the row measures). Order is the report's row order.
ROWS: tuple[tuple[str, str, str], ...] = (
    ("floor", "floor (read + 1 regex)", "read every .md file, one wikilink regex scan"),
    ("peer", "obsidiantools", "Vault(path).connect().gather(), incl. its imports"),
    ("startup", "papervault start-up", "`vault --help`: the interpreter and the CLI's imports"),
    ("cold_index", "papervault cold index", "`vault index --rebuild`, cache deleted first"),
    ("cold_check", "papervault cold check", "`vault check --no-cache`"),
    ("warm_check", "papervault warm check", "`vault check`, cache fresh, nothing changed"),
    ("one_change", "papervault warm, 1 note edited", "`vault check` after editing one note"),
    ("sync_check", "papervault `sync --check` warm", "`vault sync --check`, cache fresh"),
)
DESCRIPTIONS = {key: what for key, _, what in ROWS}
PAPERVAULT_ROWS = tuple(key for key, _, _ in ROWS if key in PAPERVAULT_COMMANDS)
PEER_SIZES = (1000,)  # obsidiantools is slow: ~20-30 ms per note
PEER_SPEC = "obsidiantools==0.11.0"  # the last release on PyPI
DEFAULT_SIZES = (1000, 10_000, 100_000)
LARGE_N = 50_000  # from here on, --repeat-large applies instead of --repeat


# ------------------------------------------------------------------ measurement


@dataclass
class Sample:
    wall_s: float
    cpu_s: float  # user + sys, of the process and the children it waited for
    max_rss_mb: float  # the largest single process in the tree (Linux ru_maxrss)
    exit_code: int
    stdout_tail: str
    stderr_tail: str


@dataclass
class Row:
    key: str
    status: str = "ok"  # ok | not available | failed | skipped
    reason: str = ""
    note: str = ""  # a caveat shown next to a successful measurement
    samples: list[Sample] = field(default_factory=list)
    command: list[str] = field(default_factory=list)

    @property
    def wall_s(self) -> float | None:
        return statistics.median(s.wall_s for s in self.samples) if self.ok else None

    @property
    def cpu_s(self) -> float | None:
        return statistics.median(s.cpu_s for s in self.samples) if self.ok else None

    @property
    def max_rss_mb(self) -> float | None:
        return max(s.max_rss_mb for s in self.samples) if self.ok else None

    @property
    def ok(self) -> bool:
        return self.status == "ok" and bool(self.samples)


def _tail(path: Path, limit: int = 600) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    return text[-limit:].strip()


def measure(cmd: list[str], cwd: Path, timeout: float | None = None) -> Sample:
    """Run ``cmd`` as a fresh process through launch.py, which times it and reads its
    rusage with ``os.wait4`` (see launch.py for why the runner does not fork it itself)."""
    with tempfile.TemporaryDirectory() as tmp:
        out_path, err_path, result_path = Path(tmp, "out"), Path(tmp, "err"), Path(tmp, "res")
        launcher = [sys.executable, "-I", "-S", str(BENCH_DIR / "launch.py")]
        with out_path.open("wb") as out, err_path.open("wb") as err:
            subprocess.run(
                [*launcher, str(result_path), str(timeout or 0), *cmd],
                cwd=cwd,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                check=True,
            )
        fields = dict(item.split("=", 1) for item in result_path.read_text().split())
        return Sample(
            wall_s=float(fields["wall_s"]),
            cpu_s=float(fields["user_s"]) + float(fields["sys_s"]),
            max_rss_mb=int(fields["max_rss_kib"]) / 1024,
            exit_code=int(fields["exit_code"]),
            stdout_tail=_tail(out_path),
            stderr_tail=_tail(err_path),
        )


def sample_failure(sample: Sample) -> str:
    """Why a sample does not count, or "" when it does."""
    if sample.exit_code == -signal.SIGKILL:
        return "killed (timed out?)"
    if "Traceback (most recent call last)" in sample.stderr_tail:
        return "crashed: " + sample.stderr_tail.splitlines()[-1]
    if sample.exit_code not in OK_EXIT_CODES:
        lines = (sample.stderr_tail or sample.stdout_tail).splitlines() or [""]
        errors = [line for line in lines if "error" in line.lower()]
        return f"exit code {sample.exit_code}: {(errors or lines)[-1]}"
    return ""


def run_row(
    row: Row,
    cwd: Path,
    repeats: int,
    timeout: float | None,
    before: Callable[[int], None] | None = None,
) -> Row:
    """Measure ``row.command`` ``repeats`` times; ``before(i)`` prepares each repeat."""
    for i in range(repeats):
        if before is not None:
            before(i)
        sample = measure(row.command, cwd, timeout)
        problem = sample_failure(sample)
        if problem:
            row.status, row.reason = "failed", problem
            row.samples.append(sample)
            break
        row.samples.append(sample)
    _progress(row)
    return row


def _progress(row: Row) -> None:
    if row.ok:
        times = ", ".join(f"{s.wall_s:.2f}" for s in row.samples)
        print(f"    {row.key:<11} {row.wall_s:8.3f} s  (samples: {times})", file=sys.stderr)
    else:
        print(f"    {row.key:<11} {row.status}: {row.reason}", file=sys.stderr)


# ------------------------------------------------------------- the environments


def vault_executable(override: str | None) -> list[str]:
    """The `vault` command of the running interpreter's environment."""
    if override:
        return override.split()
    beside = Path(sys.executable).parent / "vault"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("vault")
    return [found] if found else [sys.executable, "-m", "papervault"]


def expand(template: list[str], vault: list[str], vault_dir: Path) -> list[str]:
    cmd: list[str] = []
    for part in template:
        if part == "{vault}":
            cmd += vault
        else:
            cmd.append(part.replace("{dir}", str(vault_dir)))
    return cmd


def probe_papervault(vault: list[str]) -> dict[str, str]:
    """For each papervault row: "" if its command exists, else why not.

    A command exists when `<sub> --help` exits 0 and lists every option the row uses.
    """
    reasons: dict[str, str] = {}
    help_cache: dict[tuple[str, ...], tuple[int, str]] = {}

    def help_text(args: tuple[str, ...]) -> tuple[int, str]:
        if args not in help_cache:
            try:
                done = subprocess.run([*vault, *args, "--help"], capture_output=True, text=True, timeout=60)
                help_cache[args] = (done.returncode, done.stdout + done.stderr)
            except OSError as error:
                help_cache[args] = (127, str(error))
        return help_cache[args]

    for key in PAPERVAULT_ROWS:
        args = expand(PAPERVAULT_COMMANDS[key], [], Path("VAULT_DIR"))
        sub = _first_subcommand(args)
        global_opts = [a for a in args[: args.index(sub) if sub else None] if a.startswith("-")]
        code, text = help_text(())
        if code != 0:
            reasons[key] = "`vault --help` fails: " + (text.strip().splitlines() or [""])[-1]
            continue
        missing = [o for o in global_opts if o != "--help" and o not in text]
        if sub is None:
            reasons[key] = f"`vault` has no {', '.join(missing)}" if missing else ""
            continue
        sub_opts = [a for a in args[args.index(sub) + 1 :] if a.startswith("-")]
        code, text = help_text((sub,))
        if code != 0:
            reasons[key] = f"no `vault {sub}` command"
            continue
        missing += [o for o in sub_opts if o not in text]
        reasons[key] = f"`vault {sub}` has no {', '.join(missing)}" if missing else ""
    return reasons


def _first_subcommand(args: list[str]) -> str | None:
    """The first bare word after the global options (``--vault DIR`` takes a value)."""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] == "--vault" else 1
    return args[i] if i < len(args) else None


def ensure_peer_env(work: Path) -> tuple[Path | None, str]:
    """The peer's python, creating its virtualenv with pip if missing; or (None, why)."""
    venv = work / "venv-peer"
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"creating {venv} and installing {PEER_SPEC} ...", file=sys.stderr)
        steps = [
            [sys.executable, "-m", "venv", str(venv)],
            [str(python), "-m", "pip", "install", "--quiet", PEER_SPEC],
        ]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True)
            if done.returncode != 0:
                shutil.rmtree(venv, ignore_errors=True)  # retry cleanly next time
                tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
                return None, f"`{' '.join(step[-3:])}` failed: " + " / ".join(tail)
    done = subprocess.run([str(python), "-c", "import obsidiantools.api"], capture_output=True, text=True)
    if done.returncode != 0:
        return None, "import obsidiantools.api fails: " + done.stderr.strip().splitlines()[-1]
    return python, ""


def describe_machine() -> dict[str, Any]:
    def first(path: str, pattern: str) -> str:
        try:
            text = Path(path).read_text()
        except OSError:
            return "unknown"
        match = re.search(pattern, text, re.MULTILINE)
        return match.group(1).strip() if match else "unknown"

    mem_kib = first("/proc/meminfo", r"^MemTotal:\s+(\d+)")
    cpu_limit = first("/sys/fs/cgroup/cpu.max", r"^(.*)$")
    commit = subprocess.run(
        ["git", "-C", str(BENCH_DIR), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "cpu_model": first("/proc/cpuinfo", r"^model name\s*:\s*(.+)$"),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "cgroup_cpu_max": cpu_limit,
        "ram_gib": round(int(mem_kib) / 2**20, 1) if mem_kib.isdigit() else None,
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_executable": sys.executable,
        "papervault_commit": commit or "unknown",
        "loadavg_at_start": first("/proc/loadavg", r"^(\S+ \S+ \S+)"),
    }


# -------------------------------------------------------------------- one size


def vault_disk_usage(root: Path) -> dict[str, Any]:
    notes = attachments = note_bytes = other_bytes = blocks = 0
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            info = os.stat(os.path.join(dirpath, name))
            blocks += info.st_blocks
            if name.endswith(".md"):
                notes, note_bytes = notes + 1, note_bytes + info.st_size
            else:
                attachments, other_bytes = attachments + 1, other_bytes + info.st_size
    return {
        "notes": notes,
        "attachments": attachments,
        "note_mb": round(note_bytes / 1e6, 2),
        "attachment_kb": round(other_bytes / 1e3, 1),
        "avg_note_bytes": round(note_bytes / notes) if notes else 0,
        "disk_usage_mb": round(blocks * 512 / 1e6, 1),  # allocated blocks, as `du` counts files
    }


def touch_one_note(vault_dir: Path) -> tuple[Path, str]:
    """The note the one-change rows edit (the middle one by path) and a link to add."""
    notes = sorted(vault_dir.rglob("*.md"))
    return notes[len(notes) // 2], notes[0].stem


def bench_size(n: int, args: argparse.Namespace, ctx: dict[str, Any]) -> dict[str, Any]:
    work: Path = args.work
    vault_dir = work / "vaults" / f"vault-{n}"
    repeats = args.repeat if n < LARGE_N else args.repeat_large
    print(f"\n[N={n:,}] generating {vault_dir} ...", file=sys.stderr)
    shutil.rmtree(vault_dir, ignore_errors=True)
    start = time.perf_counter()
    seed_args = ["--seed", str(args.seed), "--avg-size", str(args.avg_size)]
    # In a child process, so that generating 100,000 notes does not grow the runner.
    subprocess.run(
        [sys.executable, str(BENCH_DIR / "generate.py"), str(n), str(vault_dir), *seed_args],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    generation_s = time.perf_counter() - start
    vault_info = {**vault_disk_usage(vault_dir), "generation_s": round(generation_s, 2)}
    rows: dict[str, Row] = {key: Row(key) for key, _, _ in ROWS}
    for key, row in rows.items():
        if args.only and key not in args.only:
            row.status, row.reason = "skipped", "not selected (--only)"

    # The floor: one discarded run first so every row sees the same warm page cache.
    floor = rows["floor"]
    floor.command = [sys.executable, str(BENCH_DIR / "floor.py"), str(vault_dir)]
    if floor.status == "ok":
        measure(floor.command, vault_dir)
        run_row(floor, vault_dir, repeats, args.timeout)

    peer = rows["peer"]
    if peer.status == "skipped":
        pass
    elif args.no_peer:
        peer.status, peer.reason = "skipped", "--no-peer"
    elif n not in PEER_SIZES:
        peer.status, peer.reason = "skipped", "peer runs at 1,000 notes only"
    elif ctx["peer_python"] is None:
        peer.status, peer.reason = "not available", ctx["peer_reason"]
    else:
        peer.command = [
            str(ctx["peer_python"]),
            str(BENCH_DIR / "peer_obsidiantools.py"),
            str(vault_dir),
        ]
        run_row(peer, vault_dir, args.peer_repeat, args.timeout)

    bench_papervault(rows, vault_dir, repeats, args, ctx)
    cache = vault_dir / CACHE_DIR_NAME
    cache_bytes = sum(p.stat().st_size for p in cache.rglob("*") if p.is_file())
    vault_info["cache_mb"] = round(cache_bytes / 1e6, 1) if cache.exists() else None
    return {
        "n": n,
        "vault": vault_info,
        "repeats": repeats,
        "rows": {key: row_json(row) for key, row in rows.items()},
        "_rows": rows,
    }


def bench_papervault(
    rows: dict[str, Row], vault_dir: Path, repeats: int, args: argparse.Namespace, ctx: dict
) -> None:
    cache = vault_dir / CACHE_DIR_NAME

    def drop_cache(_i: int) -> None:
        shutil.rmtree(cache, ignore_errors=True)

    edited, link_stem = touch_one_note(vault_dir)

    def edit_note(i: int) -> None:
        with edited.open("a", encoding="utf-8") as handle:
            handle.write(f"\nEdited by the benchmark (change {i + 1}): see [[{link_stem}]].\n")

    plan: list[tuple[str, Callable[[int], None] | None]] = [
        ("startup", None),
        ("cold_index", drop_cache),
        ("cold_check", None),
        ("warm_check", None),
        ("one_change", edit_note),
        ("sync_check", None),
    ]
    settle = expand(PAPERVAULT_COMMANDS["warm_check"], ctx["vault_cmd"], vault_dir)
    for key, before in plan:
        row = rows[key]
        row.command = expand(PAPERVAULT_COMMANDS[key], ctx["vault_cmd"], vault_dir)
        if row.status == "skipped":
            continue
        if ctx["papervault_missing"].get(key):
            row.status, row.reason = "not available", ctx["papervault_missing"][key]
            _progress(row)
            continue
        if key in ("warm_check", "sync_check"):
            measure(settle, vault_dir, args.timeout)  # bring the cache up to date, untimed
        if key in ("warm_check", "one_change", "sync_check") and not cache.exists():
            row.note = f"no {CACHE_DIR_NAME}/ cache found, so not really warm"
        run_row(row, vault_dir, repeats, args.timeout, before)


def row_json(row: Row) -> dict[str, Any]:
    return {
        "what": DESCRIPTIONS[row.key],
        "status": row.status,
        "reason": row.reason,
        "note": row.note,
        "command": row.command,
        "wall_s": _round(row.wall_s),
        "cpu_s": _round(row.cpu_s),
        "max_rss_mb": _round(row.max_rss_mb, 1),
        "samples": [asdict(s) for s in row.samples],
    }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


# ------------------------------------------------------------ ratios and targets


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def cold_reference(rows: dict[str, Row]) -> float | None:
    """The denominator of warm/cold ratios: the smaller cold time, so that a slow cold
    run can never make a warm run look good."""
    colds = [rows[k].wall_s for k in ("cold_index", "cold_check") if rows[k].ok]
    return min(colds) if colds else None


def compute_ratios(sizes: dict[int, dict[str, Any]]) -> None:
    for result in sizes.values():
        rows: dict[str, Row] = result["_rows"]
        floor = rows["floor"].wall_s
        peer = rows["peer"].wall_s
        cold = cold_reference(rows)
        for key, row in rows.items():
            result["rows"][key]["ratios"] = {
                "x_floor": _round(_ratio(row.wall_s, floor), 2),
                "peer_speedup": _round(_ratio(peer, row.wall_s), 1) if key != "peer" else None,
                "x_cold": (
                    _round(_ratio(row.wall_s, cold), 3)
                    if key in ("warm_check", "one_change", "sync_check")
                    else None
                ),
            }


def growth(sizes: dict[int, dict[str, Any]], key: str, small: int, big: int) -> float | None:
    if small not in sizes or big not in sizes:
        return None
    return _ratio(sizes[big]["_rows"][key].wall_s, sizes[small]["_rows"][key].wall_s)


@dataclass
class Target:
    text: str
    measured: str = "-"
    status: str = "pending"  # met | not met | pending
    note: str = ""


def evaluate_targets(sizes: dict[int, dict[str, Any]]) -> list[Target]:
    def rows(n: int) -> dict[str, Row] | None:
        return sizes[n]["_rows"] if n in sizes else None

    def check(target: Target, value: float | None, ok: bool | None, shown: str) -> Target:
        if value is not None and ok is not None:
            target.measured, target.status = shown, "met" if ok else "not met"
        return target

    targets: list[Target] = []
    r1k, r10k = rows(1000), rows(10_000)

    t = Target("Cold index, 1,000 notes: >= 30x faster than obsidiantools")
    if r1k:
        v = _ratio(r1k["peer"].wall_s, r1k["cold_index"].wall_s)
        check(t, v, v is not None and v >= 30, f"{v:.1f}x" if v else "")
    targets.append(t)

    t = Target("Cold index, 10,000 notes: <= 10x the floor")
    if r10k:
        v = _ratio(r10k["cold_index"].wall_s, r10k["floor"].wall_s)
        check(t, v, v is not None and v <= 10, f"{v:.1f}x floor" if v else "")
    targets.append(t)

    t = Target("Warm check, 10,000 notes, nothing changed: < 1.0 s total process time")
    t.note = "both wall-clock and user+sys CPU must be under 1.0 s"
    if r10k and r10k["warm_check"].ok:
        wall, cpu = r10k["warm_check"].wall_s, r10k["warm_check"].cpu_s
        assert wall is not None and cpu is not None
        check(t, wall, wall < 1.0 and cpu < 1.0, f"{wall:.2f} s wall, {cpu:.2f} s CPU")
    targets.append(t)

    for key, limit, text in (
        ("warm_check", 0.15, "Warm check, 10,000 notes, nothing changed: < 15% of cold"),
        ("one_change", 0.20, "One changed note, 10,000 notes: < 20% of cold"),
    ):
        t = Target(text, note="cold = the smaller of cold index and cold check")
        if r10k:
            v = _ratio(r10k[key].wall_s, cold_reference(r10k))
            check(t, v, v is not None and v < limit, f"{v:.1%}" if v is not None else "")
        targets.append(t)

    for key, text in (("cold_index", "cold index"), ("warm_check", "warm check")):
        t = Target(f"Growth 100,000 / 10,000 notes, {text}: <= 11x")
        v = growth(sizes, key, 10_000, 100_000)
        check(t, v, v is not None and v <= 11, f"{v:.1f}x" if v else "")
        targets.append(t)

    t = Target("Peak memory, 10,000 notes: < 400 MB", note="largest papervault process, any row")
    if r10k:
        peaks = [r10k[k].max_rss_mb for k in PAPERVAULT_ROWS if r10k[k].ok]
        v = max(peaks) if peaks else None  # type: ignore[type-var]
        check(t, v, v is not None and v < 400, f"{v:.0f} MB" if v else "")
    targets.append(t)
    return targets


# ---------------------------------------------------------------------- report


def _fmt(value: float | None, spec: str, suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def busy_warning(machine: dict[str, Any], loadavg_at_end: str) -> list[str]:
    """A warning line when other work shared the CPUs (the runner itself adds about 1)."""
    try:
        start = float(machine["loadavg_at_start"].split()[0])
        end = float(loadavg_at_end.split()[0])
    except (ValueError, IndexError):
        return []
    cpus = machine["usable_cpus"] or 1
    if start <= 0.5 * cpus and end <= 1.0 + 0.5 * cpus:
        return []
    return [
        f"- ⚠ **the machine was busy** (load {start:.1f} at start, {end:.1f} at end, on "
        f"{cpus} CPUs): wall-clock times are inflated; compare CPU times, or rerun when idle"
    ]


def render_markdown(report: dict[str, Any], targets: list[Target]) -> str:
    m = report["machine"]
    lines = [
        "### Machine",
        "",
        f"- CPU: {m['cpu_model']}, {m['logical_cpus']} logical CPUs "
        f"({m['usable_cpus']} usable; cgroup cpu.max `{m['cgroup_cpu_max']}`)",
        f"- RAM: {m['ram_gib']} GiB",
        f"- OS: {m['os']}",
        f"- Python: {m['python']}",
        f"- load average (1, 5, 15 min): {m['loadavg_at_start']} at start, {report['loadavg_at_end']} at end",
        f"- papervault commit: {m['papervault_commit']}; peer: {report['peer']}",
        *busy_warning(m, report["loadavg_at_end"]),
        f"- run: {report['started']}, seed {report['config']['seed']}, "
        f"avg note size {report['config']['avg_size']} B, "
        f"generator v{report['config']['generator_version']}",
        "",
        "### Vaults",
        "",
        "| N | notes | attachments | .md size | avg note | on disk (du) | generated in | papervault cache |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, result in report["sizes"].items():
        v = result["vault"]
        lines.append(
            f"| {n:,} | {v['notes']:,} | {v['attachments']} | {v['note_mb']} MB "
            f"| {v['avg_note_bytes']:,} B | {v['disk_usage_mb']} MB | {v['generation_s']} s "
            f"| {_fmt(v['cache_mb'], '', ' MB')} |"
        )
    lines += [
        "",
        "### Results",
        "",
        "Wall and CPU: median of the repeats; peak RSS: the largest over them.",
        "",
        "| N | measurement | wall | CPU (user+sys) | peak RSS | × floor | obsidiantools ÷ this | ÷ cold |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {key: label for key, label, _ in ROWS}
    for n, result in report["sizes"].items():
        for key, row in result["rows"].items():
            if row["status"] == "skipped":
                continue
            label = f"{labels[key]} (×{len(row['samples'])})" if row["samples"] else labels[key]
            if row["note"]:
                label += f" ⚠ {row['note']}"
            if row["status"] != "ok":
                reason = row["reason"].replace("|", "\\|")
                lines.append(f"| {n:,} | {labels[key]} | {row['status']}: {reason} " + "| - " * 5 + "|")
                continue
            r = row["ratios"]
            lines.append(
                f"| {n:,} | {label} | {_fmt(row['wall_s'], '.3f', ' s')} "
                f"| {_fmt(row['cpu_s'], '.3f', ' s')} | {_fmt(row['max_rss_mb'], '.0f', ' MB')} "
                f"| {_fmt(r['x_floor'], '.1f', '×')} | {_fmt(r['peer_speedup'], '.1f', '×')} "
                f"| {_fmt(r['x_cold'], '.1%')} |"
            )
    lines += ["", "### Growth (wall-clock time ratio)", ""]
    present = sorted(report["sizes"])
    pairs = list(itertools.pairwise(present))
    if pairs:
        lines.append("| measurement | " + " | ".join(f"{b:,} / {a:,}" for a, b in pairs) + " |")
        lines.append("|---|" + "---:|" * len(pairs))
        for key, label, _ in ROWS:
            if key == "peer":
                continue
            cells = [_fmt(report["growth"][key].get(f"{b}/{a}"), ".1f", "×") for a, b in pairs]
            if all(cell == "-" for cell in cells):
                continue
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    else:
        lines.append("(needs two sizes)")
    lines += [
        "",
        "### Targets (issue 8)",
        "",
        "| target | measured | status |",
        "|---|---|---|",
    ]
    for t in targets:
        note = f" ({t.note})" if t.note else ""
        lines.append(f"| {t.text}{note} | {t.measured} | **{t.status}** |")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------ main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="comma-separated note counts (default: %(default)s)",
    )
    parser.add_argument("--quick", action="store_true", help="N=1,000 only, one repeat")
    parser.add_argument("--repeat", type=int, default=3, help="repeats below 50,000 notes")
    parser.add_argument("--repeat-large", type=int, default=1, help="repeats from 50,000 notes")
    parser.add_argument("--peer-repeat", type=int, default=1, help="obsidiantools repeats")
    parser.add_argument("--no-peer", action="store_true", help="skip obsidiantools")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated rows to run: " + ", ".join(key for key, _, _ in ROWS),
    )
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--avg-size", type=int, default=generate.DEFAULT_AVG_SIZE)
    parser.add_argument("--timeout", type=float, default=None, help="seconds per command")
    parser.add_argument("--vault-cmd", default=None, help='e.g. "python -m papervault"')
    parser.add_argument("--work", type=Path, default=BENCH_DIR / "_work")
    args = parser.parse_args(argv)
    args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    args.only = [key for key in args.only.split(",") if key]
    unknown = set(args.only) - {key for key, _, _ in ROWS}
    if unknown:
        parser.error(f"--only: unknown rows {', '.join(sorted(unknown))}")
    if args.quick:
        args.sizes, args.repeat = [1000], 1
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    vault_cmd = vault_executable(args.vault_cmd)
    ctx: dict[str, Any] = {
        "vault_cmd": vault_cmd,
        "papervault_missing": probe_papervault(vault_cmd),
    }
    peer_wanted = not args.no_peer and (not args.only or "peer" in args.only)
    peer_python, peer_reason = ensure_peer_env(args.work) if peer_wanted else (None, "not run")
    ctx["peer_python"], ctx["peer_reason"] = peer_python, peer_reason

    report: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": describe_machine(),
        "config": {
            "sizes": args.sizes,
            "seed": args.seed,
            "avg_size": args.avg_size,
            "generator_version": generate.GENERATOR_VERSION,
            "repeat": args.repeat,
            "repeat_large": args.repeat_large,
            "vault_cmd": vault_cmd,
            "commands": PAPERVAULT_COMMANDS,
        },
        "peer": PEER_SPEC if peer_python else f"not available ({peer_reason})",
        "sizes": {},
    }
    for n in args.sizes:
        report["sizes"][n] = bench_size(n, args, ctx)
    compute_ratios(report["sizes"])
    present = sorted(report["sizes"])
    report["growth"] = {
        key: {
            f"{b}/{a}": _round(growth(report["sizes"], key, a, b), 2) for a, b in itertools.pairwise(present)
        }
        for key, _, _ in ROWS
    }
    report["loadavg_at_end"] = Path("/proc/loadavg").read_text().rsplit(maxsplit=2)[0]
    targets = evaluate_targets(report["sizes"])
    report["targets"] = [asdict(t) for t in targets]
    markdown = render_markdown(report, targets)
    for result in report["sizes"].values():
        del result["_rows"]
    (args.work / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.work / "results.md").write_text(markdown)
    print(markdown)
    print(f"wrote {args.work / 'results.json'} and {args.work / 'results.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
