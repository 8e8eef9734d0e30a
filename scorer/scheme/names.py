"""Project names as users write them: the form they are compared in, and finding a project."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from ..untrusted import INVISIBLE

if TYPE_CHECKING:
    from .model import Project

_QUOTES = "\"'“”‘’「」『』"
# every character str.isspace() calls whitespace (a test checks the list is complete)
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_DROPPED = str.maketrans("", "", WHITESPACE + _QUOTES + INVISIBLE)


@lru_cache(maxsize=1 << 16)  # the same names and labels come back in every sheet and row
def normalize_name(text: object) -> str:
    """The form names are compared in: NFKC, no whitespace, no quote marks of any style, no
    character that shows nothing (a zero-width space must not make a second 合肥市)."""
    return unicodedata.normalize("NFKC", str(text)).translate(_DROPPED)


class NameMatch(NamedTuple):
    """What a written project name resolves to (a named tuple, not a dataclass: a dataclass is
    compiled at import, and every command that reads a scheme imports this)."""

    project: Project | None
    exact: bool = True  # False: a shortened name found inside exactly one project's names
    ambiguous: tuple[str, ...] = ()  # the projects a shortened name could mean
    suggestion: str | None = None  # for an unknown name: the closest project


class ProjectIndex:
    """Looks up a project by any written form of its name or aliases."""

    def __init__(self, projects: Iterable[Project]):
        self.by_key: dict[str, Project] = {}
        for project in projects:
            for name in (project.name, *project.aliases):
                self.by_key.setdefault(normalize_name(name), project)

    def match(self, written: str) -> NameMatch:
        key = normalize_name(written)
        if key in self.by_key:
            return NameMatch(self.by_key[key])
        # A shortened name that sits inside exactly one project's name or alias is that project;
        # inside several (村村通: roads or broadcasting) it is ambiguous and refused.
        if len(key) >= 3:
            hits = {p.name: p for k, p in self.by_key.items() if key in k}
            if len(hits) == 1:
                return NameMatch(next(iter(hits.values())), exact=False)
            if len(hits) > 1:
                return NameMatch(None, ambiguous=tuple(sorted(hits)))
        import difflib  # only for a name no project has: start-up stays quick

        close = difflib.get_close_matches(key, list(self.by_key), n=1, cutoff=0.5)
        return NameMatch(None, suggestion=self.by_key[close[0]].name if close else None)
