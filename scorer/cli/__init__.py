"""The command line: the click group, its settings, and the one place errors become messages."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import click

from .. import __version__
from ..untrusted import visible
from . import language
from .help import Group
from .language import current, lang_in, say, speaking, tolerant_streams
from .options import lang_option, option

EXIT_PROBLEMS = 1

language.install()


@dataclass
class Settings:
    """What a run was asked for beyond its arguments: the language of its messages, whether
    tracebacks are shown, and the level districts are ranked at ("city": counties rolled up)."""

    lang: str = field(default_factory=current)
    debug: bool = False
    level: str | None = None
    previous: list[str] = field(default_factory=list)  # --previous: last period's data files


def settings(ctx: click.Context | None = None) -> Settings:
    """The Settings of the command running (made on first use)."""
    return (ctx or click.get_current_context()).ensure_object(Settings)


class _Group(Group):
    """The command line's root: reads the language first, and turns ScorerError into a message
    and an exit status, in one place."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **options: Any) -> Any:
        tolerant_streams()
        with speaking(lang_in(sys.argv[1:] if args is None else args)):
            return super().main(args, *rest, **options)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their short help, as click lists them, said from the catalog without
        importing each command's module."""
        from click import core

        from .help import say as said

        rows = []
        for name in self.list_commands(ctx):
            if dict.__contains__(self.commands, name) or name not in COMMANDS:
                command = self.get_command(ctx, name)
                if command is None or command.hidden:
                    continue
                rows.append((name, command.get_short_help_str()))
            else:
                rows.append((name, said(f"help_short_{name}").strip()))
        if rows:
            with formatter.section(core._("Commands")):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        from ..errors import ScorerError

        state = settings(ctx)
        try:
            try:
                return super().invoke(ctx)
            finally:  # a closed stdout shows here, not in the flush at exit
                sys.stdout.flush()
        except ScorerError as exc:
            if state.debug:
                raise
            _say_failure(exc, state.lang)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # stdout closed early (`scorer assess … | head -1`): the reader wanted no more, and
            # the reports were written before the ranking was printed. Quietly, as Python's docs
            # advise: later writes (and the flush at exit) go to /dev/null.
            _silence_stdout()
            ctx.exit(EXIT_PROBLEMS)
        except Exception as exc:
            if state.debug:
                raise
            _say_internal(exc, state.lang)
            ctx.exit(EXIT_PROBLEMS)


class _Commands(dict):
    """The group's commands by name, each command's module imported when it is first looked up
    (iterating over the names imports nothing; items() and values() import every one)."""

    def __init__(self, modules: dict[str, str]):
        super().__init__()
        self.modules = dict(modules)

    def _load(self, name: str) -> None:
        if name in self.modules and not dict.__contains__(self, name):
            import importlib

            module = importlib.import_module(f"{__name__}.{self.modules[name]}")
            dict.__setitem__(self, name, getattr(module, name))

    def __getitem__(self, name: str) -> click.Command:
        self._load(name)
        return dict.__getitem__(self, name)

    def get(self, name: str, default: Any = None) -> Any:
        self._load(name)
        return dict.get(self, name, default)

    def __contains__(self, name: object) -> bool:
        return name in self.modules or dict.__contains__(self, name)

    def __iter__(self) -> Any:
        return iter(dict.fromkeys([*self.modules, *dict.keys(self)]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*self.modules, *dict.keys(self)]))

    def keys(self) -> Any:
        return list(self)

    def items(self) -> Any:
        return [(name, self[name]) for name in self]

    def values(self) -> Any:
        return [self[name] for name in self]


def _say_failure(exc: Exception, lang: str) -> None:
    """A ScorerError on stderr: a rule file's problems line by line, else its message."""
    from ..errors import SchemeError, ScorerError

    if isinstance(exc, SchemeError):
        from .terminal import echo_scheme_issues

        echo_scheme_issues(exc.path, exc.issues, lang, err=True)
    else:
        # the message's own lines kept (a list of known schemes), all else shown
        text = exc.render(lang) if isinstance(exc, ScorerError) else str(exc)
        said = "\n".join(visible(line) for line in text.split("\n"))
        click.echo(f"scorer: {said}", err=True)


def _say_internal(exc: Exception, lang: str) -> None:
    """An error no check foresaw: a path the system refused, or a bug to report."""
    from ..messages import render
    from .outputs import cannot_access

    if isinstance(exc, OSError) and exc.filename is not None:
        # a path the system refused (too long, not a folder…), wherever it was used
        message = cannot_access(exc, lang)
    else:
        message = render("internal", lang, error=f"{type(exc).__name__}: {exc}")
    click.echo("scorer: " + message, err=True)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (a test's runner)
        pass


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(say("version").format(version=__version__))
        ctx.exit()


@click.group(
    cls=_Group,
    help="help_main",
    context_settings={"help_option_names": ["-h", "--help"]},
)
@option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="help_opt_version",
)
@option("--debug", is_flag=True, help="help_opt_debug")
@lang_option
@click.pass_context
def main(ctx: click.Context, debug: bool, lang: str) -> None:
    """The group of scorer's commands (its help is the catalog's help_main)."""
    state = settings(ctx)
    state.debug, state.lang = debug, lang


# The commands, one module each (they import Settings and EXIT_PROBLEMS from above), imported
# when first named: `scorer --help` and `scorer rules show` import only what they use.
COMMANDS = {
    "assess": "assess", "check": "check", "template": "template", "explain": "explain",
    "whatif": "whatif", "sensitivity": "sensitivity", "compare": "periods", "trend": "periods",
    "rules": "rules", "history": "history", "serve": "serve",
}  # fmt: skip
main.commands = _Commands(COMMANDS)


def __getattr__(name: str) -> Any:
    """sparkline, kept here for its callers, from the terminal module when first asked for."""
    if name == "sparkline":
        from .terminal import sparkline

        return sparkline
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["EXIT_PROBLEMS", "Settings", "main", "settings", "sparkline"]
