"""The plain table writer draws exactly what rich draws, character for character, on a console
without colour (a file or a pipe), and hands back to rich what it cannot draw the same."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.cli.terminal import console, line, plain_lines, print_table, table

# names as the returns hold them: Chinese, digits, Latin, full-width and wide signs, inner spaces,
# the escapes visible() writes for controls, empty cells
TEXT = st.text(
    alphabet=st.sampled_from(
        list("县市区合肥安庆0123456789.,-–AbZ ★↑↓—（）：·▁█") + ["\x1b", "\n"]
    ),
    max_size=14,
)
STYLE = st.sampled_from(["", "bold", "green", "bold green", "red", "yellow", "dim"])
JUSTIFY = st.sampled_from(["left", "right"])


def _rich(columns, rows, width: int) -> str:
    out = console()
    out.file = io.StringIO()
    out.width = width
    drawn = table(columns)
    for row in rows:
        drawn.add_row(*(line(c) if isinstance(c, tuple) else c for c in row))
    out.print(drawn)
    return out.file.getvalue()


def _plain(columns, rows, width: int) -> str | None:
    out = console()
    out.file = io.StringIO()
    out.width = width
    found = plain_lines(out, columns, rows)
    return None if found is None else "".join(f"{text}\n" for text in found)


@st.composite
def tables(draw):
    columns = draw(st.lists(st.tuples(TEXT, JUSTIFY), min_size=1, max_size=7))
    cell = st.one_of(TEXT, st.tuples(TEXT, STYLE))
    rows = draw(st.lists(st.lists(cell, min_size=len(columns), max_size=len(columns)), max_size=6))
    return columns, rows


@settings(max_examples=400, deadline=None)
@given(tables(), st.integers(min_value=8, max_value=130))
def test_plain_lines_are_rich_table_lines(drawn, width):
    columns, rows = drawn
    plain = _plain(columns, rows, width)
    if plain is not None:
        assert plain == _rich(columns, rows, width)


def test_a_ranking_is_drawn_plain_and_a_wide_or_padded_one_by_rich():
    columns = [("排名", "right"), ("地区", "left"), ("总分", "right"), ("等次", "left")]
    rows = [[str(i), f"县{i:05d}", f"{2800 - i:,.2f}", ("良好" if i % 3 else "不合格", "green")]
            for i in range(1, 40)]  # fmt: skip
    assert _plain(columns, rows, 80) == _rich(columns, rows, 80)
    assert _plain(columns, rows, 20) is None  # rich folds what does not fit
    assert _plain(columns, [["1", " 县", "1", "好"]], 80) is None  # rich trims the space


def test_print_table_writes_the_plain_lines_on_a_console_without_colour():
    columns = [("地区", "left"), ("总分", "right")]
    rows: list[list[str | tuple[str, str]]] = [["合肥市", ("95.66", "bold")], ["铜陵县", "55.02"]]
    out = console()
    out.file = io.StringIO()
    print_table(out, columns, rows)
    assert out.file.getvalue() == _rich(columns, rows, out.width)


def test_a_long_table_on_a_colour_terminal_keeps_its_colours():
    columns = [("地区", "left"), ("等次", "left")]
    rows: list[list[str | tuple[str, str]]] = [[f"县{i}", ("良好", "green")] for i in range(300)]
    out = console()
    out.file = io.StringIO()
    from rich.console import ColorSystem

    out._color_system = ColorSystem.STANDARD  # as on a terminal (a StringIO is none)
    print_table(out, columns, rows)
    shown = out.file.getvalue().splitlines()
    assert len(shown) == 302
    assert shown[2] == "县0   │ \x1b[32m良好\x1b[0m"
    assert "\x1b[1m地区\x1b[0m" in shown[0]
