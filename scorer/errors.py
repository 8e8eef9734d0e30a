"""Problems in the user's files (Issue) and failures (ScorerError), kept apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .messages import Message, render


@dataclass(frozen=True)
class Issue:
    """One problem found in a user's file, with where it is and what to do."""

    code: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    severity: str = "error"  # error | warning | info
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    line: int | None = None  # YAML line, for rule files
    value: Any = None

    def message(self, lang: str = "zh") -> str:
        return render(self.code, lang, **{"value": self.value, **self.params})

    def hint(self, lang: str = "zh") -> str:
        """What to do about it (the catalog's ``CODE.todo``)."""
        return render(f"{self.code}.todo", lang, **{"value": self.value, **self.params})

    def location(self) -> str:
        """Where the problem is, as a person would write it: 文件 › 表 › 单元格, or file:line."""
        parts = [p for p in (self.file, self.sheet, self.cell) if p]
        text = " › ".join(parts)
        if self.line is not None:
            text = f"{text}:{self.line}" if text else f"line {self.line}"
        return text

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "line": self.line,
            "value": _jsonable(self.value),
            "message": self.message(lang),
            "hint": self.hint(lang),
        }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def has_errors(issues: list[Issue]) -> bool:
    return any(i.severity == "error" for i in issues)


class ScorerError(Exception):
    """A failure that stops a command; the CLI prints it and exits with its status."""

    exit_code = 1

    def __init__(self, message: Message | str = "", *args: Any):
        super().__init__(message, *args)
        self.said = message

    def render(self, lang: str = "zh") -> str:
        """The failure in words, in ``lang``."""
        said = self.said
        return said.render(lang) if isinstance(said, Message) else str(said)

    def __str__(self) -> str:
        return self.render("zh")


class UsageError(ScorerError):
    """The command line asks for something that cannot be done as asked."""

    exit_code = 2


class SchemeError(ScorerError):
    """A rule file has problems; they are listed in ``issues``."""

    def __init__(self, path: str, issues: list[Issue]):
        super().__init__(f"{path}: {len(issues)} problem(s)")
        self.path = path
        self.issues = issues


class SchemeNotFound(UsageError):
    """No scheme could be chosen for the data."""


class DataFileError(ScorerError):
    """An input file is missing or cannot be opened."""
