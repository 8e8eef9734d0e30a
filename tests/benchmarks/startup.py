"""Start-up of the quick commands (--help, rules show, rules check, the bundled sample's assess)
in this tree and in another
checkout of scorer, runs interleaved: wall and CPU medians, and with --instructions the
instructions executed (valgrind's cachegrind), which stay put when the machine is busy.

    git worktree add /tmp/before 13b9d40
    python tests/benchmarks/startup.py /tmp/before --runs 15 --instructions

Issue 17 asks that these start no slower than at 13b9d40. Each tree runs from its own folder
with this Python (the same libraries), its .pyc files written first, as an installed copy has.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "scorer --help": ["-m", "scorer", "--help"],
    "scorer rules show": ["-m", "scorer", "rules", "show", "anhui-2010"],
    "scorer rules check": ["-m", "scorer", "rules", "check", "rules/anhui-2010.yaml"],
    # the bundled sample to the terminal: start-up and a small run (issue 15 wants it < 0.4 s)
    "scorer assess sample": ["-m", "scorer", "assess", "samples/2010.xlsx"],
}


def _env(tree: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(tree), "COLUMNS": "120"}


def measure(tree: Path, args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``python ARGS`` run in ``tree``."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=tree,
        env=_env(tree),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed in {tree}: python {' '.join(args)}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def instructions(tree: Path, args: list[str]) -> int:
    """Instructions ``python ARGS`` executes in ``tree``, as valgrind counts them."""
    out = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, *args],
        cwd=tree, env=_env(tree), capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    if found is None:
        raise SystemExit(f"valgrind gave no count: {out.stderr[-500:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="another checkout of scorer")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--instructions", action="store_true", help="count with valgrind too")
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": ROOT}
    for tree in trees.values():
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "scorer")], check=True)
    if args.instructions and shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
    print(f"{'command':<20} | {'before wall':>11} | {'after wall':>10} | {'before cpu':>10} | "
          f"{'after cpu':>9} | {'cpu ratio':>9}" + (" | instructions before → after" if
          args.instructions else ""))  # fmt: skip
    for name, command in COMMANDS.items():
        walls: dict[str, list[float]] = {k: [] for k in trees}
        cpus: dict[str, list[float]] = {k: [] for k in trees}
        for _ in range(args.runs):
            for key, tree in trees.items():
                wall, cpu = measure(tree, command)
                walls[key].append(wall)
                cpus[key].append(cpu)
        w = {k: statistics.median(v) * 1000 for k, v in walls.items()}
        c = {k: statistics.median(v) * 1000 for k, v in cpus.items()}
        line = (f"{name:<20} | {w['before']:>8.1f} ms | {w['after']:>7.1f} ms | "
                f"{c['before']:>7.1f} ms | {c['after']:>6.1f} ms | "
                f"{c['after'] / c['before']:>9.3f}")  # fmt: skip
        if args.instructions:
            before, after = (instructions(tree, command) for tree in trees.values())
            line += (
                f" | {before / 1e6:.1f}M → {after / 1e6:.1f}M ({(after - before) / before:+.1%})"
            )
        print(line, flush=True)
    print(f"\nmedians of {args.runs} alternating runs; {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
