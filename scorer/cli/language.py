"""The language of a run, and click's own messages (usage errors, help headings) spoken in it."""

from __future__ import annotations

import contextlib
import gettext
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import click

from ..messages import render, words
from ..messages.zh import CLICK
from ..untrusted import visible

LANGS = ("zh", "en")

# The language of the command line running now; None outside a run of scorer's own `main`, so
# that click keeps its own words for any other program in the process.
_SPEAKING: ContextVar[str | None] = ContextVar("scorer_cli_language", default=None)


def default_lang() -> str:
    """$SCORER_LANG when it names a language we speak, else Chinese."""
    wanted = os.environ.get("SCORER_LANG", "zh")
    return wanted if wanted in LANGS else "zh"


def current() -> str:
    """The language of the run in progress (else the default): what --lang defaults to."""
    return _SPEAKING.get() or default_lang()


def lang_in(args: Sequence[str]) -> str:
    """The language a command line asks for, read before click parses it: the last
    ``--lang X`` or ``--lang=X`` before a ``--``, else $SCORER_LANG, else zh. Read first so
    that a wrong option, a missing argument or ``--help`` is answered in that language too."""
    found = None
    words = iter(args)
    for word in words:
        if word == "--":
            break
        if word == "--lang":
            found = next(words, None)
        elif word.startswith("--lang="):
            found = word.partition("=")[2]
    return found if found in LANGS else default_lang()


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Within this block click's messages and scorer's help are in ``lang``."""
    token = _SPEAKING.set(lang)
    try:
        yield
    finally:
        _SPEAKING.reset(token)


def say(key: str) -> str:
    """The sentence ``key`` of the catalog in the run's language."""
    return words(current())[key]


# --- click's own words. Click wraps every sentence it prints in gettext's `_()`, bound once per
# module to gettext.gettext; the gettext route proper would need compiled .mo files, the locale
# taken from the environment and a process-wide text domain. Rebinding that `_` in click's modules
# to the lookup below answers from CLICK instead (keyed by click's English, as a .po
# file is), and only while scorer's own command line runs in Chinese. test_help.py checks that
# each message we translate is still one click has, so a click upgrade that rewords one fails.


class _Template(str):
    """A translated click message. Click fills it with values shaped for English ('--month',
    "'table', 'json'", "1<=x<=12", "File"); format() reshapes them for Chinese first."""

    def format(self, *args: Any, **params: Any) -> str:
        about_a_path = "filename" in params  # "{name} {filename!r} does not exist.": File
        shaped = {key: _zh_value(key, v, about_a_path) for key, v in params.items()}
        return super().format(*args, **shaped)


_WORDS = {
    "integer": "整数",
    "integer range": "整数",
    "float": "数",
    "float range": "数",
    "File": "文件",
    "Directory": "文件夹",
    "Path": "路径",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
}


def _zh_value(key: str, value: Any, about_a_path: bool = False) -> Any:
    """A value click puts into one of its messages, as the Chinese message shows it."""
    if not isinstance(value, str):
        return value
    if key in ("possibility", "possibilities", "choice", "choices"):
        return _zh_list(value)
    if key == "param_hint":  # "'--output' / '-o'": the longest name says it
        longest = max(value.split(" / "), key=len)
        return re.sub(r"^'(.*)'$", r"“\1”", visible(longest))
    if key == "range":
        return _zh_range(value)
    if (key == "number_type" or (key == "name" and about_a_path)) and value in _WORDS:
        return _WORDS[value]
    return visible(value)


def _zh_list(value: str) -> str:
    """ "'table', 'json'" (click's list of quoted names; or "table,\\n\\tjson", its list of
    choices) as “table”、“json”."""
    names = re.findall(r"'((?:[^'\\]|\\.)*)'", value) or [n.strip() for n in value.split(",")]
    return "、".join(f"“{visible(name)}”" for name in names if name)


def _zh_range(value: str) -> str:
    """ "1<=x<=12" → "1～12", "x>=1" → "不小于 1" (click's _describe_range, in words)."""
    both = re.fullmatch(r"(.+?)(<=?)x(<=?)(.+)", value)
    if both:
        low, low_op, high_op, high = both.groups()
        if low_op == high_op == "<=":
            return f"{low}～{high}"
        return f"{_BOUND['>=' if low_op == '<=' else '>']} {low}、{_BOUND[high_op]} {high}"
    one = re.fullmatch(r"x([<>]=?)(.+)", value)
    if one:
        return f"{_BOUND[one.group(1)]} {one.group(2)}"
    return value


_BOUND = {">=": "不小于", ">": "大于", "<=": "不大于", "<": "小于"}


def _gettext(message: str) -> str:
    if _SPEAKING.get() == "zh":
        found = CLICK.get(message)
        if found is not None:
            return _Template(found)
    return gettext.gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if _SPEAKING.get() == "zh":
        found = CLICK.get(singular if n == 1 else plural)
        if found is not None:
            return _Template(found)
    return gettext.ngettext(singular, plural, n)


def click_message(message: str) -> str:
    """One of click's messages in the run's language (as click itself would now say it)."""
    return _gettext(message)


def install() -> None:
    """Let click's modules speak through _gettext (done once, on importing scorer.cli)."""
    for name in ("core", "exceptions", "types", "parser", "formatting", "decorators", "termui"):
        module = sys.modules.get(f"click.{name}")
        if module is None:
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = _ngettext  # type: ignore[attr-defined]


def reworded(error: click.UsageError) -> click.UsageError:
    """The few usage errors click assembles from parts with English punctuation, said again in
    Chinese; any other error as it is (its parts are already translated)."""
    if _SPEAKING.get() != "zh" or type(error).__name__ == "NoArgsIsHelpError":
        return error
    if isinstance(error, click.MissingParameter) and error.param is not None:
        param = error.param
        if isinstance(param, click.Option):
            message = render("click_missing_option", "zh", name=max(param.opts, key=len))
        else:
            name = param.make_metavar(error.ctx) if error.ctx else param.human_readable_name
            message = render("click_missing_argument", "zh", name=visible(name))
    elif isinstance(error, click.NoSuchOption) or type(error).__name__ == "NoSuchCommand":
        message = error.format_message().replace("。 ", "。")
    else:
        return error
    return click.UsageError(message, error.ctx)


def tolerant_streams() -> None:
    """A console or file that cannot show every character (a GBK file on Chinese Windows,
    PYTHONIOENCODING=gbk) gets an escape such as \\U00020000 for it, never a crash: stderr
    already does this; stdout is made to."""
    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    if encoding.startswith("utf") or getattr(stream, "errors", "strict") != "strict":
        return
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        # a stream already closed, or not a text stream, is left as it is
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors="backslashreplace")
