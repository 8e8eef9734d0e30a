"""Reports the user names: checked before the work, written whole or not at all, paths said."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..messages import render, words
from .run import resolve_data

if TYPE_CHECKING:
    from ..pipeline import Result
    from ..sensitivity import Sensitivity


def said(path: str | os.PathLike[str]) -> str:
    """A path as a message shows it: bytes that are not UTF-8 as \\xff, a very long path with
    its middle left out."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return text if len(text) <= 160 else f"{text[:60]}…{text[-80:]}"


def _reason(exc: OSError) -> str:
    """The errno's name for the catalogue keys (EPERM reads as EACCES, EDQUOT as ENOSPC)."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return {"EPERM": "EACCES", "EDQUOT": "ENOSPC"}.get(name, name)


def cannot_access(exc: OSError, lang: str) -> str:
    """An input or output path the system refused, said with the path the user gave."""
    text = words(lang)
    reason = text.get(f"access_{_reason(exc)}", exc.strerror or str(exc))
    return render("cannot_access", lang, path=said(exc.filename), reason=reason)


def cannot_write(path: str, exc: OSError, lang: str) -> str:
    """Why a report cannot be written to ``path``, and what to do, named by the user's path."""
    text = words(lang)
    name = _reason(exc)
    if f"why_{name}" not in text or (name == "ENOENT" and Path(path).parent.is_dir()):
        name = "other"  # (ENOENT in a folder that is there: a special one, such as /proc)
    folder = said(Path(path).parent)
    error = exc.strerror or str(exc)
    return render(
        "cannot_write",
        lang,
        path=said(path),
        reason=text[f"why_{name}"].format(folder=folder, error=error),
        todo=text[f"todo_{name}"],
    )


def check_outputs(
    outputs: tuple[str, ...],
    data: tuple[str, ...],
    lang: str,
    known: tuple[str, ...] = (),
    rules: str | None = None,
) -> None:
    """Before any work: each report's format is known, its folder takes a file, and none is a
    file the run reads (a data file however named, or the rule file)."""
    if not outputs:
        return
    from ..errors import UsageError
    from ..render.report import REPORT_SUFFIXES

    given_date = document_given().get("date")
    if given_date:
        from ..render.notice import parse_date

        if parse_date(str(given_date)) is None:
            raise UsageError(render("bad_date", lang, value=said(str(given_date))))
    from ..sheets import expand_paths

    known = known or REPORT_SUFFIXES
    for output in outputs:
        suffix = Path(output).suffix.lower()
        if suffix not in known:
            raise UsageError(render("bad_output", lang, path=said(output), known=known))
    read: list[str | Path] = [
        *expand_paths(resolve_data(data, lang, quiet=True)),
        *([rules] if rules else []),
    ]
    guard_outputs(outputs, read, lang)


def _identities(paths: Iterable[str | Path]) -> set[object]:
    """What makes two names one file: device and inode where it exists (a hard link, a
    symlink), and the path resolved (a relative path, ./x, a link's target)."""
    found: set[object] = set()
    for path in paths:
        try:
            info = os.stat(path)
            found.add((info.st_dev, info.st_ino))
        except (OSError, ValueError):
            pass
        with contextlib.suppress(OSError, RuntimeError, ValueError):
            found.add(Path(path).resolve())
    return found


def guard_outputs(outputs: Iterable[str], read: Iterable[str | Path], lang: str) -> None:
    """Refuse an output that is a file read, or whose folder cannot take a file (usage: exit 2)."""
    from ..errors import UsageError
    from ..render import probe_folder

    inputs = _identities(read)
    for output in outputs:
        if _identities([output]) & inputs:
            raise UsageError(render("output_is_input", lang, path=said(output)))
        try:
            probe_folder(output)
        except OSError as exc:
            raise UsageError(cannot_write(output, exc, lang)) from exc


@contextlib.contextmanager
def names_in_report(output: str, files: Iterable[object], lang: str) -> Iterator[None]:
    """A data file named in bytes that are not UTF-8 (b'\\xff.csv', as a Linux shell may pass it)
    cannot be written into a report: say which, instead of an internal error."""
    from ..errors import ScorerError

    try:
        yield
    except UnicodeEncodeError as exc:
        names = [f for f in map(str, files) if not _utf8(f)] or [exc.object[exc.start : exc.end]]
        listed = [said(n) for n in names]
        raise ScorerError(render("name_not_utf8", lang, path=said(output), names=listed)) from exc


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def write_output(output: str, data: bytes, lang: str) -> None:
    """A file the user named, written whole or not at all; a failure said with its path."""
    from ..errors import ScorerError
    from ..render import write_atomic

    try:
        write_atomic(output, data)
    except OSError as exc:
        raise ScorerError(cannot_write(output, exc, lang)) from exc


def write_report(output: str, data: bytes, lang: str) -> None:
    """A report written as write_output writes it, and said on stderr."""
    write_output(output, data, lang)
    click.echo(render("report_written", lang, path=said(output)), err=True)


def write_reports(
    result: Result, outputs: tuple[str, ...], lang: str, robustness: Sensitivity | None = None
) -> None:
    """Each report rendered in full, then renamed into place: there or not at all."""
    if not outputs:
        return  # (and the renderers, jinja2 and xlsxwriter not imported for the terminal alone)
    from ..render.notice import letterhead
    from ..render.report import render

    head = letterhead(result.scheme, document_given())
    for output in outputs:
        with names_in_report(output, result.data.files, lang):
            data = render(result, Path(output).suffix, lang, robustness, head)
        write_report(output, data, lang)


DOCUMENT = "scorer.document"


def document_given() -> dict[str, object]:
    """What --full, --issuer, --doc-number and --date gave in this command (none outside one)."""
    ctx = click.get_current_context(silent=True)
    return dict(ctx.meta.get(DOCUMENT, {})) if ctx is not None else {}


def document_options(func):
    """--full (the PDF's full report), --issuer, --doc-number, --date: the 通报's and the PDF's
    heading fields over the scheme's report: section. Kept in the context, not passed on."""

    def remember(ctx: click.Context, param: click.Parameter, value: object) -> object:
        ctx.meta.setdefault(DOCUMENT, {})[param.name] = value
        return value

    from .options import option

    options = [
        option("--date", "date", metavar="metavar_date", callback=remember, expose_value=False,
               help="help_opt_date"),
        option("--doc-number", "number", metavar="metavar_doc_number", callback=remember,
               expose_value=False, help="help_opt_doc_number"),
        option("--issuer", "issuer", metavar="metavar_issuer", callback=remember,
               expose_value=False, help="help_opt_issuer"),
        option("--full", "full", is_flag=True, callback=remember, expose_value=False,
               help="help_opt_full"),
    ]  # fmt: skip
    for add in options:
        func = add(func)
    return func
