"""Every sentence a user reads: one catalog per language, \
a Message (code + params) rendered here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from . import en, zh

LANGS = ("zh", "en")
CATALOGS: dict[str, Mapping[str, str]] = {
    "zh": MappingProxyType(zh.MESSAGES),
    "en": MappingProxyType(en.MESSAGES),
}


class MessageError(LookupError):
    """A message code the catalog lacks, or a parameter its template needs and was not given."""


# the catalogs as plain dicts, and the codes both have: render and say run for every line of every
# explanation, and a dict answers faster than its read-only view
_TEMPLATES: dict[str, dict[str, str]] = {"zh": zh.MESSAGES, "en": en.MESSAGES}
_IN_BOTH = frozenset(zh.MESSAGES) & frozenset(en.MESSAGES)
_PLAIN = (str, int, float)


def render(code: str, lang: str = "zh", /, **params: Any) -> str:
    """The sentence of ``code`` in ``lang`` with ``params`` filled in; loud on anything missing."""
    try:
        template = _TEMPLATES[lang][code]
    except KeyError:
        raise MessageError(f"no message {code!r} in the {lang!r} catalog") from None
    for key, value in params.items():  # params is this call's own dict
        if type(value) not in _PLAIN:
            params[key] = _value(value, lang)
    try:
        return template.format_map(params)
    except KeyError as missing:
        raise MessageError(
            f"message {code!r} ({lang}) needs the parameter {missing.args[0]!r}"
        ) from None


def _value(value: Any, lang: str) -> Any:
    """A parameter as the sentence shows it: a Message in the same language; a list joined as
    the language lists things (、 or a comma)."""
    if isinstance(value, (Message, Given, Clauses, Items)):
        return value.render(lang)
    if isinstance(value, (list, tuple)):
        return CATALOGS[lang]["sep.list"].join(str(_value(v, lang)) for v in value)
    return value


def words(lang: str = "zh") -> Mapping[str, str]:
    """The catalog of one language as a read-only mapping (templates and tables use its words)."""
    return CATALOGS[lang]


def placeholders(template: str) -> set[str]:
    """The parameter names a template fills: {"n", "file"} for "{file}：{n} 个问题"."""
    import string  # (here, not at the top: the checks ask, a start-up need not load it)

    return {
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name
    }


@dataclass(frozen=True)
class Message:
    """A sentence not yet put into a language: its catalog code and the values it names."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def render(self, lang: str = "zh") -> str:
        return render(self.code, lang, **self.params)

    def __str__(self) -> str:  # a Message printed by mistake still reads as Chinese, not a repr
        return self.render("zh")


@dataclass(frozen=True)
class Given:
    """Words a user wrote (a check's message in the rule file), \
in Chinese and optionally English."""

    zh: str
    en: str | None = None

    def render(self, lang: str = "zh") -> str:
        return self.en if lang == "en" and self.en else self.zh


class Clauses(tuple):
    """Messages said one after another as clauses of one sentence (joined by ； or a semicolon)."""

    def render(self, lang: str = "zh") -> str:
        return CATALOGS[lang]["sep.clause"].join(str(_value(m, lang)) for m in self)

    def __str__(self) -> str:
        return self.render("zh")


class Items(tuple):
    """Things listed that may hold commas of their own (a cell "完成 1,234 (D7)"): joined by 、
    or, in English, a semicolon."""

    def render(self, lang: str = "zh") -> str:
        return CATALOGS[lang]["sep.items"].join(str(_value(m, lang)) for m in self)

    def __str__(self) -> str:
        return self.render("zh")


def say(code: str, /, **params: Any) -> Message:
    """Message(code, params), checked now against both catalogs so a wrong code fails where made."""
    if code not in _IN_BOTH:
        for lang in LANGS:
            if code not in CATALOGS[lang]:
                raise MessageError(f"no message {code!r} in the {lang!r} catalog")
    return Message(code, params)
