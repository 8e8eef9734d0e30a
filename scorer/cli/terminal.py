"""What the terminal shows: the safe rich console, tables, progress bar, sparkline, problems."""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..cells import column_index
from ..messages import render, words
from ..untrusted import visible

if TYPE_CHECKING:
    from rich.console import Console, JustifyMethod
    from rich.text import Text

    from ..errors import Issue
    from ..pipeline import Result
    from ..ranking import Ranking

GRADE_STYLE = {0: "bold green", 1: "green", 2: "yellow"}


def sparkline(values: list[float], low: float, high: float) -> str:
    """A row of block characters, one per value, on the common scale low..high."""
    blocks = "▁▂▃▄▅▆▇█"
    if high - low < 1e-12:
        return blocks[3] * len(values)
    return "".join(
        " " if v != v else blocks[min(7, int((v - low) / (high - low) * 7.999))] for v in values
    )


def console(stderr: bool = False) -> Console:
    """A console on stdout (or stderr) that shows every string as it is, see _safe_console."""
    return _safe_console()(
        stderr=stderr, highlight=False, soft_wrap=False, markup=False, emoji=False
    )


@functools.cache
def _safe_console() -> type[Console]:
    """The console every command prints with. Names and texts come from the returns and rule
    files, so no printed string is read as rich markup or :emoji: codes, and every control
    character in one is shown as an escape (\\x1b), never sent to the terminal: all of rich's
    strings, table cells and titles included, pass through render_str. Styles are given with
    ``style=`` or, within a line, with line()."""
    from rich.console import Console

    class SafeConsole(Console):
        def render_str(self, text, **options):
            options.update(markup=False, emoji=False)
            return super().render_str(visible(text), **options)

    return SafeConsole


def line(*parts: str | tuple[str, str]) -> Text:
    """One line in several styles: each part a text, or (text, style); texts shown as console()
    shows them."""
    from rich.text import Text

    return Text.assemble(
        *((visible(p), "") if isinstance(p, str) else (visible(p[0]), p[1]) for p in parts)
    )


def table(columns: list[tuple[str, JustifyMethod]]) -> Any:
    """A borderless table with bold headers, one (label, justify) per column."""
    from rich.table import Table

    found = Table(header_style="bold", show_edge=False, pad_edge=False)
    for label, justify in columns:
        found.add_column(label, justify=justify)
    return found


# Past this many rows a table is written by plain_lines even on a colour terminal: rich lays out
# about a thousand rows a second, and 10,000 districts would take ten seconds to appear.
PLAIN_AFTER = 200


def print_table(
    out: Console,
    columns: list[tuple[str, JustifyMethod]],
    rows: list[list[str | tuple[str, str]]],
) -> None:
    """A borderless table with bold headers, as table() draws it: each row a list of cells, a
    cell a text or (text, style). Where the console shows no colour (a file, a pipe) or the table
    is long, it is written line by line (plain_lines, the same characters as rich's), else by
    rich; a table wider than the console is always left to rich, which folds it."""
    # (an old Windows console takes rich's own calls for its colours, not escape codes)
    if out.color_system is None or (len(rows) > PLAIN_AFTER and not out.legacy_windows):
        found = plain_lines(out, columns, rows)
        if found is not None:
            out.file.write("".join(f"{text}\n" for text in found))
            return
    drawn = table(columns)
    for row in rows:
        drawn.add_row(*(line(cell) if isinstance(cell, tuple) else cell for cell in row))
    out.print(drawn)


def plain_lines(
    out: Console,
    columns: list[tuple[str, JustifyMethod]],
    rows: list[list[str | tuple[str, str]]],
) -> list[str] | None:
    """The lines rich draws for table(columns) with these rows, when the table fits the console
    and no cell needs rich's wrapping: its widths by rich's own cell_len, its HEAVY_HEAD box, a
    space of padding inside each inner edge. None where rich would lay the table out otherwise
    (too wide, or a text with space at an end, which rich trims). Styles are written with rich's
    own codes, on the console's colour system (none: plain text)."""
    from rich.cells import cell_len
    from rich.style import Style

    count = len(columns)
    if not count or any(justify not in ("left", "right") for _, justify in columns):
        return None
    header = [visible(label) for label, _ in columns]
    body = [[visible(c[0] if isinstance(c, tuple) else c) for c in row] for row in rows]
    widths = [cell_len(text) for text in header]
    for texts in body:
        if len(texts) != count:
            return None
        for index, text in enumerate(texts):
            size = cell_len(text)
            if size > widths[index]:
                widths[index] = size
    for texts in (header, *body):
        if any(text != text.strip() for text in texts):
            return None
    pads = [(index > 0) + (index < count - 1) for index in range(count)]
    widths = [w if w + p else 1 for w, p in zip(widths, pads)]  # rich gives an empty column 1
    if sum(widths) + sum(pads) + count - 1 > out.width:
        return None
    system = out.color_system
    styles: dict[str, Style] = {}

    def styled(text: str, style: str) -> str:
        if system is None or not style or not text:
            return text
        if style not in styles:
            styles[style] = Style.parse(style)
        # the console's own colour system, as rich renders every segment with it
        return styles[style].render(text, color_system=out._color_system)

    def cell(text: str, index: int, style: str) -> str:
        gap = " " * (widths[index] - cell_len(text))
        text = styled(text, style)
        return gap + text if columns[index][1] == "right" else text + gap

    def joined(cells: list[str], bar: str) -> str:
        return f" {bar} ".join(cells)

    found = [joined([cell(t, i, "bold") for i, t in enumerate(header)], "┃")]
    found.append("╇".join("━" * (w + p) for w, p in zip(widths, pads)))
    for row, texts in zip(rows, body):
        found.append(
            joined(
                [
                    cell(text, index, c[1] if isinstance(c, tuple) else "")
                    for index, (text, c) in enumerate(zip(texts, row))
                ],
                "│",
            )
        )
    return found


class ProgressBar:
    """A progress bar on stderr, shown only on a terminal and only once the work has taken more
    than a second: quick runs and redirected output stay clean."""

    def __init__(self, label: str):
        self.label = label
        self.bar: Any = None
        self.task: Any = None
        self.started = 0.0

    def __enter__(self) -> ProgressBar:
        import time

        self.started = time.monotonic()
        return self

    def __call__(self, done: float, total: int) -> None:
        import time

        if self.bar is None:
            if not sys.stderr.isatty() or time.monotonic() - self.started < 1.0:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self.bar = Progress(
                "{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console(stderr=True),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def errors(issues: list[Issue]) -> int:
    """How many of the issues are errors (warnings and notes do not stop a ranking)."""
    return sum(1 for i in issues if i.severity == "error")


def shown(path: str | Path) -> str:
    """A path as short as it can be said (the pipeline's ``short_path``)."""
    from ..pipeline import short_path

    return short_path(path)


def number(value: float, precision: int) -> str:
    """A number with thousands separators and the scheme's decimals."""
    return f"{value:,.{precision}f}"


def require_ranking(result: Result) -> Ranking:
    """The result's ranking; if the data could not be ranked, their problems listed on stderr,
    the errors counted, and exit status 1."""
    if result.ranking is not None:
        return result.ranking
    from . import EXIT_PROBLEMS, settings

    lang = settings().lang
    print_issues(result.issues, lang)
    click.echo(render("no_ranking", lang, n=errors(result.issues)), err=True)
    click.get_current_context().exit(EXIT_PROBLEMS)


def print_rank_changes(
    changes: Any, precision: int, title: str, lang: str, top: int | None = None
) -> None:
    """The rank-change table of periods.rank_changes: rank, district, old rank, move, totals."""
    import pandas as pd

    text = words(lang)
    out = console()
    out.print(title, style="bold")
    columns: list[tuple[str, JustifyMethod]] = [
        (text["new_rank"], "right"), (text["district"], "left"), (text["old_rank"], "right"),
        (text["move"], "right"), (text["old_total"], "right"), (text["new_total"], "right"),
        (text["grade"], "left")
    ]  # fmt: skip
    shown = changes if top is None else changes.head(top)
    rows: list[list[str | tuple[str, str]]] = []
    for r in shown.itertuples(index=False):
        step = 0 if pd.isna(r.move) else int(r.move)
        move = (f"↑{step}", "green") if step > 0 else (f"↓{-step}", "red") if step < 0 else "—"
        old_rank = "" if pd.isna(r.rank_before) else str(r.rank_before)
        old_total = "" if pd.isna(r.total_before) else number(r.total_before, precision)
        rows.append(
            [str(r.rank), r.district, old_rank, move, old_total, number(r.total, precision),
             r.grade]
        )  # fmt: skip
    print_table(out, columns, rows)
    if top is not None and len(changes) > top:
        out.print(render("more", lang, n=len(changes) - top), style="dim")


def _cell_order(cell: str | None) -> tuple[int, int]:
    """Sort cells as they stand in the sheet: by row, then by column."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", cell or "")
    if not match:
        return (1 << 30, 0)  # problems of a whole sheet or district come after the cells
    return (int(match.group(2)), column_index(match.group(1)))


def print_issues(issues: list[Issue], lang: str, severity: bool = False) -> None:
    """Problems grouped by file › sheet, each with its cell, what is wrong and what to do
    (and, with ``severity``, whether it is an error, a warning or a note)."""
    from rich.table import Table

    text = words(lang)
    out = console(stderr=True)
    styles = {"error": "red", "warning": "yellow", "info": "dim"}
    groups: dict[tuple[str, str], list[Issue]] = {}
    for issue in issues:
        groups.setdefault((issue.file or "", issue.sheet or ""), []).append(issue)
    out.print(text["problems"], style="bold")
    for (file, sheet), members in groups.items():
        heading = " › ".join(p for p in (shown(Path(file)) if file else "", sheet) if p)
        found = Table(
            title=heading or None,
            title_justify="left",
            header_style="bold",
            show_edge=False,
            pad_edge=False,
        )
        if severity:
            found.add_column(text["severity"], no_wrap=True)
        found.add_column(text["cell"], no_wrap=True)
        found.add_column(text["value"], overflow="fold", max_width=12)
        found.add_column(text["what"], overflow="fold", ratio=3)
        found.add_column(text["todo"], overflow="fold", ratio=2)
        for issue in sorted(members, key=lambda i: _cell_order(i.cell)):
            style = styles.get(issue.severity, "")
            level = [line((text[f"severity_{issue.severity}"], style))] if severity else []
            found.add_row(
                *level,
                issue.cell or "—",
                _value(issue.value),
                line((issue.message(lang), style)),
                issue.hint(lang),
            )
        out.print(found)


def _value(value: object) -> str:
    """A cell's value as found, for the problem table."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def echo_scheme_issues(file: str, issues: list[Issue], lang: str, err: bool = False) -> None:
    """A rule file's problems as plain ``file:line: message — what to do`` lines, as compilers
    print them, so editors can jump to each line and long paths are never wrapped."""
    click.echo(
        click.style("✗ ", fg="red") + render("check_bad", lang, file=file, n=len(issues)),
        err=err,
    )
    for issue in issues:
        where = f"{file}:{issue.line}" if issue.line else file
        if issue.file is not None and (issue.sheet or issue.file != file):
            where = issue.location()  # a roster file's cell, or the rule file's line
        click.echo(
            f"{visible(where)}: {click.style(visible(issue.message(lang)), fg='red')}"
            f" — {visible(issue.hint(lang))}",
            err=err,
        )


def say_units(result: Result, lang: str, shown: int = 30) -> None:
    """Without a roster, the districts found, on stderr: a missing one is visible at a glance
    (the first ``shown`` of a long list, and how many there are)."""
    if result.scheme.has_roster() or not result.data.districts:
        return
    found = result.data.districts
    sep = words(lang)["sep.list"]
    names = sep.join(found[:shown])
    if len(found) > shown:
        names += render("units_more", lang, n=len(found))
    label = result.scheme.column_word("district", lang)
    said = render("units_found", lang, n=len(found), label=label, names=names)
    click.echo(visible(said), err=True)
