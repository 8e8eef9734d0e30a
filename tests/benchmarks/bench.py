"""The performance benchmark: every target of issue 6 (and the 通报 and PDF of issue 14) beside
its baseline, in one run.

    python tests/benchmarks/bench.py            # 5 runs of each, medians
    python tests/benchmarks/bench.py --runs 3   # quicker

The synthetic workbooks are made once (deterministic seeds) and kept in .bench/. Each measure
runs in a fresh process, as a clerk's command would, and runs alternate with their baseline so
that a noisy machine slows both alike. Peak memory is the child process's maximum resident set.
This is not a test: nothing fails on a slow machine; the table says what was met.
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

from workbooks import (  # noqa: E402
    ROOT,
    folder_of_workbooks,
    long_workbook,
    sheets_workbook,
    wide_workbook,
)

PYTHON = sys.executable
SCORER = [PYTHON, "-m", "scorer"]
RULES = ["--rules", str(ROOT / "rules" / "anhui-2010.yaml")]


def run(command: list[str]) -> tuple[float, int]:
    """Seconds and peak resident memory (KiB) of one command, its output discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed: {' '.join(command)}")
    return elapsed, usage.ru_maxrss


def side_by_side(runs: int, *commands: list[str]) -> list[tuple[float, int]]:
    """Median seconds and largest peak memory of each command, runs interleaved."""
    times: list[list[float]] = [[] for _ in commands]
    memory = [0] * len(commands)
    for _ in range(runs):
        for index, command in enumerate(commands):
            seconds, peak = run(command)
            times[index].append(seconds)
            memory[index] = max(memory[index], peak)
    return [(statistics.median(t), m) for t, m in zip(times, memory)]


def python_code(code: str) -> list[str]:
    return [PYTHON, "-c", code]


def in_process(runs: int, code: str) -> float:
    """Median seconds of a step measured inside one process (the report renderers)."""
    command = python_code(
        "import statistics, time, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n" + code + "\n"
        "print(statistics.median(times))"
    )
    out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def polars_peer(runs: int, workbook: Path, ours: list[str]) -> list[tuple[float, int]] | None:
    """(issue 15) The hand-written polars script and ``ours``, side by side; None without
    polars (a benchmark-only dependency: ``pip install '.[bench]'``)."""
    try:
        import polars  # noqa: F401
    except ImportError:
        return None
    return side_by_side(runs, [PYTHON, str(HERE / "polars_peer.py"), str(workbook)], ours)


def after_the_parse(workbook: Path) -> str:
    """Code timing the intake of a workbook once its parse is done: locating the header,
    converting the columns, every check and the review (``read_data`` given parsed files)."""
    return (
        "from scorer.scheme import load_scheme\n"
        "from scorer.sheets import open_files\n"
        "from scorer.intake.reading import read_data\n"
        f"scheme = load_scheme({str(ROOT / 'rules' / 'anhui-2010.yaml')!r})\n"
        "times = []\n"
        f"for _ in range({max(1, 3)}):\n"
        f"    workbooks = open_files([{str(workbook)!r}])\n"
        "    for workbook in workbooks:\n"
        "        for sheet in workbook.sheets:\n"
        "            if getattr(sheet, 'parsing', None) is not None:\n"
        "                sheet.parsing[1].exception()\n"
        "    start = time.perf_counter()\n"
        f"    read_data([{str(workbook)!r}], scheme, workbooks=workbooks)\n"
        "    times.append(time.perf_counter() - start)\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="", help="only these targets, such as 2,3,3b")
    args = parser.parse_args()
    runs = args.runs
    # The commands run from the source tree. An installed scorer has its bytecode compiled (pip
    # does it on install); compile it here too, or every run would pay for compiling scorer's
    # modules where PYTHONDONTWRITEBYTECODE is set, as on these machines.
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "scorer")], check=True)
    print("preparing workbooks in .bench/ (first time only) …", file=sys.stderr)
    clean = long_workbook(10_000)
    messy = long_workbook(10_000, messy=True)
    folder = folder_of_workbooks(1_000)
    rows: list[tuple[str, str, str, str, str]] = []

    def row(target: str, measured: str, baseline: str, ratio: str, met: bool) -> None:
        rows.append((target, measured, baseline, ratio, "yes" if met else "NO"))

    def wanted(section: str) -> bool:
        return not args.only or section in args.only.split(",")

    ours = [*SCORER, "assess", str(clean), *RULES, "--format", "json"]

    if wanted("1"):
        # 1. start-up
        bare, helped, shown = side_by_side(
            runs, python_code("pass"), [*SCORER, "--help"], [*SCORER, "rules", "show", "anhui-2010"]
        )
        row(
            "1. scorer --help, over bare python (≤ 0.15 s)",
            f"{helped[0]:.2f} s",
            f"{bare[0]:.2f} s",
            f"+{helped[0] - bare[0]:.2f} s",
            helped[0] - bare[0] <= 0.15,
        )
        row(
            "1. scorer rules show, over bare python (≤ 0.15 s)",
            f"{shown[0]:.2f} s",
            f"{bare[0]:.2f} s",
            f"+{shown[0] - bare[0]:.2f} s",
            shown[0] - bare[0] <= 0.15,
        )

    if wanted("2"):
        # 2. 330k rows to JSON, against fastexcel's bare read and pandas' default reader
        fast_read = python_code(
            f"import fastexcel; fastexcel.read_excel({str(clean)!r})"
            ".load_sheet(0, header_row=1).to_pandas()"
        )
        ours = [*SCORER, "assess", str(clean), *RULES, "--format", "json"]
        (fast, _), (assess, peak) = side_by_side(runs, fast_read, ours)
        row(
            "2. assess 330k rows → JSON, vs fastexcel read (≤ 1.5×)",
            f"{assess:.2f} s",
            f"{fast:.2f} s",
            f"{assess / fast:.2f}×",
            assess / fast <= 1.5,
        )
        row(
            "2. (issue 15) same, vs the single-threaded bare read (≤ 1.1×)",
            f"{assess:.2f} s",
            f"{fast:.2f} s",
            f"{assess / fast:.2f}×",
            assess / fast <= 1.1,
        )
        peer = polars_peer(runs, clean, ours)
        if peer is None:
            row("2. (issue 15) same, vs the polars script (≤ 0.9×)", "", "no polars:", "pip "
                "install '.[bench]'", False)  # fmt: skip
        else:
            (theirs, _), (again, _) = peer
            row(
                "2. (issue 15) same, vs the polars script (≤ 0.9×)",
                f"{again:.2f} s",
                f"{theirs:.2f} s",
                f"{again / theirs:.2f}×",
                again / theirs <= 0.9,
            )
        after = in_process(runs, after_the_parse(clean))
        row("2. (issue 15) intake of 330k rows after the parse (< 0.5 s)", f"{after:.2f} s", "", "",
            after < 0.5)  # fmt: skip
        openpyxl_read = python_code(
            f"import pandas; pandas.read_excel({str(clean)!r}, header=1, engine='openpyxl')"
        )
        ((slow, _),) = side_by_side(1, openpyxl_read)
        row(
            "2. same, vs pandas.read_excel openpyxl (≥ 10× faster)",
            f"{assess:.2f} s",
            f"{slow:.2f} s (1 run)",
            f"{slow / assess:.1f}× faster",
            slow / assess >= 10,
        )
        row(
            "2. peak memory of assess (< 1 GiB)",
            f"{peak / 1024:.0f} MiB",
            "",
            "",
            peak < 1024 * 1024,
        )

    if wanted("3"):
        # 3. a folder of 1,000 districts' workbooks, against a plain loop of fastexcel reads
        plain_loop = python_code(
            "import pathlib, fastexcel\n"
            f"for path in sorted(pathlib.Path({str(folder)!r}).glob('*.xlsx')):\n"
            "    fastexcel.read_excel(str(path)).load_sheet(0, header_row=0).to_pandas()"
        )
        (plain, _), (many, _) = side_by_side(
            runs, plain_loop, [*SCORER, "assess", str(folder), *RULES, "--format", "json"]
        )
        row("3. assess 1,000 workbooks of 33 rows (< 10 s)", f"{many:.2f} s", "", "", many < 10)
        row(
            "3. (issue 15) same, vs a plain loop of fastexcel reads (≤ 1.3×)",
            f"{many:.2f} s",
            f"{plain:.2f} s",
            f"{many / plain:.2f}×",
            many / plain <= 1.3,
        )

    if wanted("3b"):
        # 3b. (issue 15) 3,000,096 rows in 3 sheets of one workbook: peak memory against fastexcel's
        # own reading the three sheets into one frame (the time against the last main: ab.py)
        big = sheets_workbook(30_304)
        fast_sheets = python_code(
            f"import fastexcel, pandas\nreader = fastexcel.read_excel({str(big)!r})\n"
            "pandas.concat([reader.load_sheet(n).to_pandas() for n in reader.sheet_names])"
        )
        big_runs = max(1, runs // 2)
        (bare, bare_peak), (took, took_peak) = side_by_side(
            big_runs, fast_sheets, [*SCORER, "assess", str(big), *RULES, "--format", "json"]
        )
        row("3b. (issue 15) assess 3M rows in 3 sheets, vs fastexcel (info)", f"{took:.2f} s",
            f"{bare:.2f} s", f"{took / bare:.2f}×", True)  # fmt: skip
        row(
            "3b. (issue 15) peak memory of that, vs fastexcel's (≤ 1.2×)",
            f"{took_peak / 1024:.0f} MiB",
            f"{bare_peak / 1024:.0f} MiB",
            f"{took_peak / bare_peak:.2f}×",
            took_peak / bare_peak <= 1.2,
        )

    if wanted("4"):
        # 4. messy data against clean
        (tidy, _), (untidy, _) = side_by_side(
            runs, ours, [*SCORER, "assess", str(messy), *RULES, "--format", "json"]
        )
        row(
            "4. messy 330k (10% text numbers, aliases) vs clean (≤ 2×)",
            f"{untidy:.2f} s",
            f"{tidy:.2f} s",
            f"{untidy / tidy:.2f}×",
            untidy / tidy <= 2,
        )

    if wanted("4b"):
        # 4b. (issue 12) the same 330k figures laid out wide: a row per district, 33 column groups
        wide = wide_workbook(10_000)
        (tidy, _), (across, _) = side_by_side(
            runs, ours, [*SCORER, "assess", str(wide), *RULES, "--format", "json"]
        )
        row(
            "4b. wide 10,000 districts × 33 projects vs the same long (≤ 1.5×)",
            f"{across:.2f} s",
            f"{tidy:.2f} s",
            f"{across / tidy:.2f}×",
            across / tidy <= 1.5,
        )

    if wanted("5"):
        # 5. reports for 10,000 districts
        setup = (
            "import scorer\n"
            "from scorer.render.report import render\n"
            f"result = scorer.assess([{str(clean)!r}], "
            f"{str(ROOT / 'rules' / 'anhui-2010.yaml')!r})\n"
            "times = []\n"
        )
        sizes = {}
        for suffix in (".html", ".xlsx", ".docx", ".pdf"):  # the 通报 and the summary PDF too
            with tempfile.TemporaryDirectory() as folder_:
                target = Path(folder_) / f"report{suffix}"
                code = setup + (
                    f"for _ in range({runs}):\n"
                    "    start = time.perf_counter()\n"
                    f"    data = render(result, {suffix!r})\n"
                    "    times.append(time.perf_counter() - start)\n"
                    f"open({str(target)!r}, 'wb').write(data)"
                )
                seconds = in_process(runs, code)
                sizes[suffix] = target.stat().st_size
            row(
                f"5. {suffix[1:]} report, 10,000 districts (< 10 s)",
                f"{seconds:.2f} s",
                f"{sizes[suffix] / 2**20:.1f} MiB",
                "",
                seconds < 10,
            )

    if wanted("6"):
        # 6. the web page: upload → ranking shown, through the real server (warm, as a clerk's
        # second upload of the day), for the bundled sample and the 105 counties
        code = (
            "import http.client, re, tempfile, threading, time, uuid\n"
            "from scorer.web import start\n"
            "server = start('127.0.0.1', 0, tempfile.mkdtemp() + '/runs.sqlite')\n"
            "threading.Thread(target=server.serve_forever, daemon=True).start()\n"
            "def get(c, path, cookie):\n"
            "    c.request('GET', path, headers={'Cookie': cookie}); r = c.getresponse();"
            " return r, r.read()\n"
            "def upload(name):\n"
            "    c = http.client.HTTPConnection('127.0.0.1', server.port)\n"
            "    c.request('GET', '/'); r = c.getresponse(); body = r.read().decode()\n"
            "    cookie = r.getheader('Set-Cookie').split(';')[0]\n"
            '    csrf = re.search(\'name="csrf" value="([^"]+)"\', body).group(1)\n'
            "    data = open(name, 'rb').read(); b = uuid.uuid4().hex\n"
            "    part = lambda n, v: f'--{b}\\r\\nContent-Disposition: form-data;"
            ' name="{n}"\\r\\n\\r\\n{v}\\r\\n\'.encode()\n'
            "    payload = part('csrf', csrf) + part('scheme', 'auto')"
            ' + (f\'--{b}\\r\\nContent-Disposition: form-data; name="files";'
            ' filename="{name.rsplit("/", 1)[-1]}"\\r\\n\\r\\n\').encode()'
            " + data + f'\\r\\n--{b}--\\r\\n'.encode()\n"
            "    start = time.perf_counter()\n"
            "    c.request('POST', '/runs', payload,"
            " {'Content-Type': f'multipart/form-data; boundary={b}', 'Cookie': cookie})\n"
            "    r = c.getresponse(); r.read(); where = r.getheader('Location')\n"
            "    while '/jobs/' in where:\n"
            "        r, _ = get(c, where, cookie); where = r.getheader('Location') or where;"
            " time.sleep(0.05)\n"
            "    r, page = get(c, where, cookie)\n"
            "    assert b'id=\"ranking\"' in page\n"
            "    return time.perf_counter() - start\n"
            "upload(NAME)\n"
            "times = [upload(NAME) for _ in range(RUNS)]\n"
        )
        for label, sample, limit in (("bundled sample", "2010.xlsx", 1.0),
                                     ("105 counties", "2010-counties.xlsx", 3.0)):  # fmt: skip
            filled = code.replace("NAME", repr(str(ROOT / "samples" / sample))).replace(
                "RUNS", str(runs)
            )
            seconds = in_process(runs, filled)
            row(f"6. serve: upload → ranking, {label} (< {limit:g} s)", f"{seconds:.2f} s", "", "",
                seconds < limit)  # fmt: skip
            # the day's first upload: a fresh server, the files chosen 3 s after the page opened
            warm = "upload(NAME)\ntimes = [upload(NAME) for _ in range(RUNS)]\n"
            assert warm in code
            first = code.replace(warm, "time.sleep(3)\ntimes = [upload(NAME)]\n").replace(
                "NAME", repr(str(ROOT / "samples" / sample))
            )
            seconds = statistics.median(in_process(1, first) for _ in range(runs))
            row(f"6. serve: first upload after start, {label} (< {limit:g} s)",
                f"{seconds:.2f} s", "", "", seconds < limit)  # fmt: skip

    report(rows, runs)


def report(rows: list[tuple[str, str, str, str, str]], runs: int) -> None:
    widths = [
        max(len(r[i]) for r in rows + [("target", "measured", "baseline", "ratio", "met")])
        for i in range(5)
    ]
    header = ("target", "measured", "baseline", "ratio", "met")
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-|-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths)))
    print(f"\nmedians of {runs} runs; {os.cpu_count()} cores; python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
