"""Rerun every `$ scorer …` of the READMEs' console blocks, write their real output back, and
regenerate the command and option tables from the commands' own --help records.

    python tests/update_readme.py

README.md is the Chinese one (its commands run with the default language), README.en.md the
English one (its commands carry --lang en). Run from the project folder, 80 columns wide. Where
a README cuts an output short with a line "…", as many lines as it showed before are kept, then
the "…". A table sits between the lines ``<!-- generated: commands -->`` (or ``options``) and
``<!-- /generated -->``; tests/test_cli.py fails when a table differs from what this writes.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scorer.cli import main  # noqa: E402
from scorer.cli.language import speaking  # noqa: E402

READMES = {"zh": ROOT / "README.md", "en": ROOT / "README.en.md"}

WORDS = {
    "zh": {
        "command": "命令",
        "does": "作用",
        "option": "选项",
        "meaning": "说明",
        "used_by": "用于",
        "every": "所有命令",
        "sep": "、",
    },
    "en": {
        "command": "command",
        "does": "what it does",
        "option": "option",
        "meaning": "meaning",
        "used_by": "commands",
        "every": "every command",
        "sep": ", ",
    },
}


def run(command: str) -> str:
    os.chdir(ROOT)
    result = CliRunner().invoke(
        main,
        shlex.split(command)[1:],
        prog_name="scorer",
        env={"COLUMNS": "80", "SCORER_LANG": None},
        terminal_width=80,
    )
    return "\n".join(line.rstrip() for line in result.output.splitlines())


def update_sessions(text: str) -> str:
    def block(match: re.Match) -> str:
        parts = re.split(r"^(\$ .*)$", match.group(1), flags=re.M)
        out = [parts[0]]
        for command, shown in zip(parts[1::2], parts[2::2]):
            out.append(command)
            if not command.startswith("$ scorer "):
                out.append(shown)
                continue
            lines = shown.strip("\n").splitlines()
            fresh = run(command[2:]).splitlines()
            if "…" in lines:
                fresh = fresh[: lines.index("…")] + ["…"]
            out.append("\n" + "\n".join(fresh) + "\n")
        return "```console\n" + "".join(out) + "```"

    return re.sub(r"```console\n(.*?)```", block, text, flags=re.S)


# --- the tables, from the records --help prints


def commands(
    group: click.Group = main, parent: click.Context | None = None
) -> Iterator[tuple[click.Command, click.Context]]:
    """Every command with a context as --help makes it (root first, groups before theirs)."""
    if parent is None:
        ctx = click.Context(group, info_name="scorer", **group.context_settings)
    else:
        ctx = parent
    yield group, ctx
    for name in group.list_commands(ctx):
        command = group.commands[name]
        sub = click.Context(command, info_name=name, parent=ctx, **command.context_settings)
        if isinstance(command, click.Group):
            yield from commands(command, sub)
        else:
            yield command, sub


def _cell(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text).replace("|", "\\|").strip()


def command_table(lang: str) -> str:
    """A row per command: its usage line and its summary, as --help gives them."""
    words = WORDS[lang]
    lines = [f"| {words['command']} | {words['does']} |", "|---|---|"]
    with speaking(lang):
        for command, ctx in commands():
            if isinstance(command, click.Group):
                continue
            usage = " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])
            lines.append(f"| `{_cell(usage)}` | {_cell(command.get_short_help_str())} |")
    return "\n".join(lines)


def option_table(lang: str) -> str:
    """A row per option and its help (as --help prints them), with the commands that take it."""
    words = WORDS[lang]
    found: dict[tuple[str, str], list[str]] = {}
    every = []
    with speaking(lang):
        for command, ctx in commands():
            every.append(ctx.command_path.removeprefix("scorer ") or "scorer")
            if isinstance(command, click.Group) and ctx.parent is not None:
                continue  # a group below the root has only --help
            for param in command.get_params(ctx):
                record = param.get_help_record(ctx)
                if record is not None and isinstance(param, click.Option):
                    found.setdefault(record, []).append(every[-1])
    every = [name for name in every if name != "rules"]
    lines = [f"| {words['option']} | {words['meaning']} | {words['used_by']} |", "|---|---|---|"]
    for (spec, help), users in found.items():
        used = words["every"] if set(every) <= set(users) else words["sep"].join(users)
        lines.append(f"| `{_cell(spec)}` | {_cell(help)} | {used} |")
    return "\n".join(lines)


TABLES = {"commands": command_table, "options": option_table}


def update_tables(text: str, lang: str) -> str:
    def table(match: re.Match) -> str:
        return f"{match.group(1)}{TABLES[match.group(2)](lang)}\n{match.group(3)}"

    return re.sub(r"(<!-- generated: (\w+) -->\n).*?(<!-- /generated -->)", table, text, flags=re.S)


def update(text: str, lang: str) -> str:
    return update_tables(update_sessions(text), lang)


if __name__ == "__main__":
    for lang, readme in READMES.items():
        readme.write_text(update(readme.read_text(encoding="utf-8"), lang), encoding="utf-8")
        print("updated", readme)
