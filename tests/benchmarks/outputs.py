"""Issue 15's output and start-up goals, each beside its baseline in the same run: the terminal
table of 10,000 districts against their JSON, whatif/compare/sensitivity against assess, a trend
of 12 periods against 12 × assess of one, the HTML report, the bundled sample, rules show.

    python tests/benchmarks/outputs.py            # 5 runs of each, medians
    python tests/benchmarks/outputs.py --runs 3

Each command runs in a fresh process, its output to a file (as a clerk piping it would), runs
interleaved with their baseline's. Wall and CPU (user + system) medians: on a busy machine the
CPU ratio is the steadier one. Nothing fails on a slow machine; the table says what was met.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from workbooks import ROOT, long_workbook  # noqa: E402

PYTHON = sys.executable
SCORER = [PYTHON, "-m", "scorer"]
RULES = ["--rules", str(ROOT / "rules" / "anhui-2010.yaml")]


def run(command: list[str]) -> tuple[float, float, int]:
    """Wall and CPU seconds and peak memory (KiB) of one command, its stdout to a file."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed: {' '.join(command)}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def side_by_side(runs: int, *commands: list[str]) -> list[tuple[float, float, int]]:
    """Median wall and CPU seconds and the largest peak memory of each command, interleaved."""
    walls: list[list[float]] = [[] for _ in commands]
    cpus: list[list[float]] = [[] for _ in commands]
    memory = [0] * len(commands)
    for _ in range(runs):
        for index, command in enumerate(commands):
            wall, cpu, peak = run(command)
            walls[index].append(wall)
            cpus[index].append(cpu)
            memory[index] = max(memory[index], peak)
    return [(statistics.median(w), statistics.median(c), m) for w, c, m in zip(walls, cpus, memory)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = args.runs
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "scorer")], check=True)
    clean = str(long_workbook(10_000))
    messy = str(long_workbook(10_000, messy=True))
    rows: list[tuple[str, str, str, str, str]] = []

    def row(target: str, measured, baseline, limit: float, per: float = 1.0) -> None:
        wall, cpu = measured[0] / (baseline[0] * per), measured[1] / (baseline[1] * per)
        rows.append(
            (
                target,
                f"{measured[0]:.2f} s ({measured[1]:.2f} cpu)",
                f"{baseline[0] * per:.2f} s ({baseline[1] * per:.2f} cpu)",
                f"{wall:.2f}× ({cpu:.2f}× cpu)",
                "yes" if wall <= limit else "NO",
            )
        )

    assess = [*SCORER, "assess", clean, *RULES]
    json, table = side_by_side(runs, [*assess, "--format", "json"], assess)
    row("terminal table of 10,000 vs their JSON (≤ 1.2×)", table, json, 1.2)
    whatif, compare, drawn, base = side_by_side(
        runs,
        [*SCORER, "whatif", clean, *RULES, "--set", "资金保障=300"],
        [*SCORER, "compare", clean, messy, *RULES],
        [*SCORER, "sensitivity", clean, *RULES, "--draws", "2000"],
        assess,
    )
    row("whatif 10,000 vs assess (≤ 1.5×)", whatif, base, 1.5)
    row("compare two periods of 10,000 vs assess (≤ 1.5×)", compare, base, 1.5)
    row("sensitivity --draws 2000 vs assess (≤ 1.5×)", drawn, base, 1.5)
    rows.append(("  its peak memory", f"{drawn[2] / 1024:.0f} MiB", "", "", ""))
    with tempfile.TemporaryDirectory() as folder:
        months = []
        for month in range(1, 13):  # the same returns as 12 months' (links: no copies made)
            link = Path(folder) / f"2010-{month:02d}.xlsx"
            link.symlink_to(clean)
            months.append(str(link))
        trend, one = side_by_side(
            max(1, runs // 2), [*SCORER, "trend", *months, *RULES], [*assess, "--format", "json"]
        )
        row("trend of 12 periods vs 12 × assess of one (≤ 1×)", trend, one, 1.0, per=12)
    with tempfile.TemporaryDirectory() as folder:
        html = str(Path(folder) / "report.html")
        report, plain = side_by_side(runs, [*assess, "-o", html], assess)
        spent = (report[0] - plain[0], report[1] - plain[1])
        rows.append(
            (
                "HTML report of 10,000: time beyond assess (< 2.5 s)",
                f"{spent[0]:.2f} s ({spent[1]:.2f} cpu)",
                "",
                "",
                "yes" if spent[0] < 2.5 else "NO",
            )
        )
    bare, sample, shown = side_by_side(
        runs,
        [PYTHON, "-c", "pass"],
        [*SCORER, "assess", "samples/2010.xlsx"],
        [*SCORER, "rules", "show", "anhui-2010"],
    )
    rows.append(("17-city sample ranked (< 0.4 s)", f"{sample[0]:.2f} s ({sample[1]:.2f} cpu)",
                 "", "", "yes" if sample[0] < 0.4 else "NO"))  # fmt: skip
    rows.append(("rules show over bare python (≤ 0.15 s)",
                 f"+{shown[0] - bare[0]:.2f} s (+{shown[1] - bare[1]:.2f} cpu)", "", "",
                 "yes" if shown[0] - bare[0] <= 0.15 else "NO"))  # fmt: skip
    header = ("target", "measured", "baseline", "ratio", "met")
    widths = [max(len(r[i]) for r in [*rows, header]) for i in range(5)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-|-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths)))
    load = os.getloadavg()[0]
    print(f"\nmedians of {runs} runs; {os.cpu_count()} cores; load {load:.1f} at the end")


if __name__ == "__main__":
    main()
