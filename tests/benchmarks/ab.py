"""Before and after: the benchmark's assess commands run by this tree and by another checkout of
scorer (an earlier commit), interleaved, with wall and CPU time.

    git worktree add /tmp/before 13b9d40
    python tests/benchmarks/ab.py /tmp/before          # --runs 7 for a steadier median

The two trees read the same workbooks (this tree's .bench/, made by bench.py). CPU time (user +
system of the child) moves less than wall time when the machine is busy; the ratios compare
medians of runs that alternate, so a noisy neighbour slows both alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from workbooks import (  # noqa: E402
    ROOT,
    folder_of_workbooks,
    long_workbook,
    sheets_workbook,
    wide_workbook,
)


def measure(tree: Path, args: list[str]) -> tuple[float, float, int]:
    """Wall and CPU seconds and peak memory (KiB) of ``python -m scorer assess ARGS`` run from
    ``tree``."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "scorer", "assess", *args],
        cwd=tree,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(tree)},
    )
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed in {tree}: scorer {' '.join(args)}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="another checkout of scorer")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="", help="run only the jobs whose name has this")
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": ROOT}
    for tree in trees.values():
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "scorer")], check=True)
    # each tree scores with its own copy of the scheme: a rule file written for the newer tree
    # (a key the older one does not know) would make the older one stop at once and look fast
    rules = ["--rules", "{tree}/rules/anhui-2010.yaml", "--format", "json"]
    jobs = {
        "assess 330k rows → JSON": [str(long_workbook(10_000)), *rules],
        "assess messy 330k → JSON": [str(long_workbook(10_000, messy=True)), *rules],
        "assess wide 10,000 × 33 → JSON": [str(wide_workbook(10_000)), *rules],
        "assess 1,000 workbooks": [str(folder_of_workbooks(1_000)), *rules],
        "assess samples/2010.xlsx": [str(ROOT / "samples" / "2010.xlsx"), *rules],
        # (issue 15) made only when asked for: --only 3M
        "assess 3M rows in 3 sheets": ["{sheets}", *rules],
    }
    print(f"{'job':<28} | {'before wall':>11} | {'after wall':>10} | {'ratio':>5} | "
          f"{'before cpu':>10} | {'after cpu':>9} | {'ratio':>5} | {'peak MiB':>11}")  # fmt: skip
    for job, job_args in jobs.items():
        if args.only not in job or ("{sheets}" in job_args and "3M" not in args.only):
            continue
        walls: dict[str, list[float]] = {k: [] for k in trees}
        cpus: dict[str, list[float]] = {k: [] for k in trees}
        peaks = {k: 0 for k in trees}
        sheets = str(sheets_workbook(30_304)) if "{sheets}" in job_args else ""
        for _ in range(args.runs):
            for name, tree in trees.items():
                wall, cpu, peak = measure(
                    tree, [a.format(tree=tree, sheets=sheets) for a in job_args]
                )
                walls[name].append(wall)
                cpus[name].append(cpu)
                peaks[name] = max(peaks[name], peak)
        w = {k: statistics.median(v) for k, v in walls.items()}
        c = {k: statistics.median(v) for k, v in cpus.items()}
        print(f"{job:<28} | {w['before']:>9.2f} s | {w['after']:>8.2f} s | "
              f"{w['after'] / w['before']:>5.2f} | {c['before']:>8.2f} s | {c['after']:>7.2f} s | "
              f"{c['after'] / c['before']:>5.2f} | {peaks['before'] // 1024:>5}→"
              f"{peaks['after'] // 1024:<5}")  # fmt: skip
    print(f"\nmedians of {args.runs} alternating runs; {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
