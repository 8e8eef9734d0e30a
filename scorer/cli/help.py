"""--help in the run's language: texts kept as catalog keys, lines measured in display columns."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import click

from .language import click_message, reworded, say

# --- display width and line breaking. Click measures and pads by len(), but a Chinese character
# takes two columns of a terminal, and Chinese text has no spaces to break at.


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: two for a wide (CJK, full-width) character, none for
    a combining mark, one for the rest (ambiguous ones such as “ ” too, as rich counts them)."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


# Chinese line-breaking rules (避头尾): these never begin a line, those never end one.
_NO_START = set("，。、；：？！）》」』】〕〉”’…～%,.;:?!)]}")
_NO_END = set("（《「『【〔〈“‘～([{")


def _tokens(text: str) -> list[str]:
    """Runs of spaces, runs of narrow characters (words), and each wide character alone."""
    tokens: list[str] = []
    kind = ""
    for char in text:
        now = "space" if char.isspace() else "wide" if display_width(char) == 2 else "word"
        if now == kind and now != "wide":
            tokens[-1] += char
        else:
            tokens.append(char)
        kind = now
    return tokens


def _segments(text: str) -> list[str]:
    """``text`` cut where a line may break: at spaces (kept as their own segments), between two
    Chinese characters, between Chinese and a word; never inside a word, never before a
    closing mark or after an opening one."""
    segments: list[str] = []
    for token in _tokens(text):
        if token.isspace() or not segments:
            segments.append(token)
            continue
        # the segment before, or before the space before (kept, not broken at: "考 ，")
        before = -2 if segments[-1].isspace() and len(segments) > 1 else -1
        if not segments[before].isspace() and (
            token[0] in _NO_START or segments[before][-1] in _NO_END
        ):
            segments[before:] = ["".join(segments[before:]) + token]
        else:
            segments.append(token)
    return segments


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` display columns (a word longer than that is cut)."""
    lines: list[str] = []
    line, used, space = "", 0, ""
    for segment in _segments(text):
        if segment.isspace():
            space = segment if line else ""
            continue
        size = display_width(segment)
        if line and used + display_width(space) + size > width:
            lines.append(line)
            line, used, space = "", 0, ""
        if not line and size > width:
            for char in segment:  # no break fits: cut it
                char_width = display_width(char)
                if line and used + char_width > width:
                    lines.append(line)
                    line, used = "", 0
                line, used = line + char, used + char_width
            continue
        line, used, space = line + space + segment, used + display_width(space) + size, ""
    if line:
        lines.append(line)
    return lines


def _joined(lines: Sequence[str]) -> str:
    """A paragraph's source lines as one: a space between them, but none between two Chinese
    characters (a line break in Chinese text is not a space)."""
    text = ""
    for part in lines:
        part = part.strip()
        if text and not (display_width(text[-1]) == 2 and display_width(part[:1]) == 2):
            text += " "
        text += part
    return text


def wrap_text(text: str, width: int, indent: str = "", first: str | None = None) -> str:
    """Paragraphs (separated by a blank line) wrapped to ``width`` columns, each line after
    ``indent`` (the first after ``first``); a paragraph opened by a line holding only \\b is
    kept as written, as click does."""
    out = []
    for paragraph in re.split(r"\n\s*\n", text.expandtabs().strip("\n")):
        lines = paragraph.splitlines()
        if lines and lines[0].strip() == "\b":
            out.append("\n".join(indent + line for line in lines[1:]))
            continue
        depth = len(lines[0]) - len(lines[0].lstrip()) if lines else 0
        lead = first if first is not None and not out else indent
        room = width - display_width(lead) - depth
        wrapped = wrap(_joined(lines), max(room, 10)) or [""]
        out.append(
            "\n".join(
                (lead if n == 0 else indent) + " " * depth + part for n, part in enumerate(wrapped)
            )
        )
    return "\n\n".join(out)


class HelpFormatter(click.HelpFormatter):
    """Click's help layout, measured in display columns and broken as Chinese is broken."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            label = click_message("Usage:")
            prefix = label if label.endswith("：") else f"{label} "
        lead = f"{'':>{self.current_indent}}{prefix}{prog} "
        room = self.width - display_width(lead)
        if not args:
            self.write(lead.rstrip(" ") + "\n")
        elif room >= 20:
            self.write(wrap_text(args, self.width, " " * display_width(lead), lead) + "\n")
        else:  # the prefix is too long: the arguments on the lines below
            indent = " " * (self.current_indent + 4)
            self.write(lead.rstrip(" ") + "\n" + wrap_text(args, self.width, indent) + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}{say('punct.colon_end')}\n")

    def write_text(self, text: str) -> None:
        self.write(wrap_text(text, self.width, " " * self.current_indent) + "\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        widest = max((display_width(first) for first, _ in rows), default=0)
        column = min(widest, col_max) + col_spacing  # where every help text starts
        indent = " " * self.current_indent
        for first, second in rows:
            self.write(indent + first)
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= column - col_spacing:
                self.write(" " * (column - display_width(first)))
            else:  # too wide: its help starts on the next line, in the same column
                self.write("\n" + indent + " " * column)
            room = max(self.width - self.current_indent - column, 10)
            lines = wrap_text(second, room).splitlines() or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(indent + " " * column + line + "\n" if line else "\n")


# --- commands and options whose texts are catalog keys, read in the language of the run


class Said:
    """An attribute click reads as text (help, metavar…), set to a catalog key and read as that
    key's sentence in the run's language; None stays None."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_said_{name}"

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        key = obj.__dict__.get(self.slot)
        return None if key is None else say(key)

    def __set__(self, obj: Any, key: str | None) -> None:
        obj.__dict__[self.slot] = key


class Context(click.Context):
    formatter_class = HelpFormatter


class _Speaking:
    """What our Command and Group share: texts by key, the help option in the run's language,
    usage errors reworded, short help never cut."""

    help = Said()
    short_help = Said()
    options_metavar = Said()
    context_class: type[click.Context] = Context

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return self.short_help.strip()
        return (self.help or "").split("\n\n")[0].strip()

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = say("help_opt_help")  # made once, in whichever language came first
        return option

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except click.UsageError as error:
            said = reworded(error)
            if said is error:
                raise
            raise said from None


class Command(_Speaking, click.Command):
    """A command whose help, short_help and metavars are catalog keys."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "metavar_options")
        super().__init__(*args, **kwargs)


class Group(_Speaking, click.Group):
    """A group whose help and metavars are catalog keys; its commands are ours by default."""

    subcommand_metavar = Said()
    command_class = Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "metavar_options")
        kwargs.setdefault("subcommand_metavar", "metavar_subcommand")
        super().__init__(*args, **kwargs)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as error:
            said = reworded(error)
            if said is error:
                raise
            raise said from None


Group.group_class = Group


class Option(click.Option):
    """An option whose help and metavar are catalog keys; its default, range and "required" are
    said in the run's language after the help, never cut."""

    help = Said()
    metavar = Said()

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        notes = []
        if isinstance(self.type, (click.IntRange, click.FloatRange)):
            notes.append(_range(self.type))
        shown = self.show_default if self.show_default is not None else ctx.show_default
        if isinstance(shown, str):
            notes.append(say("help_default").format(default=shown))
        elif shown and self.default is not None and not callable(self.default):
            notes.append(say("help_default").format(default=self.default))
        if self.required:
            notes.append(say("help_required"))
        help = self.help or ""
        if notes:
            help += say("help_notes").format(notes=say("help_notes_sep").join(notes))
        return record[0], help


def _range(kind: click.IntRange | click.FloatRange) -> str:
    """A number range in words: "1 至 12", "不小于 1" / "1 to 12", "at least 1"."""
    low, high = kind.min, kind.max
    if low is not None and high is not None:
        return say("help_range").format(low=low, high=high)
    if low is not None:
        return say("help_range_above" if kind.min_open else "help_range_from").format(low=low)
    return say("help_range_below" if kind.max_open else "help_range_to").format(high=high)


class Argument(click.Argument):
    """An argument whose metavar (DATA...) is a catalog key."""

    metavar = Said()
