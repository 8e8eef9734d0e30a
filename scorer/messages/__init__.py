"""Every sentence a user reads: one catalog per language, \
a Message (code + params) rendered here."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import FrozenInstanceError
from importlib import import_module
from types import MappingProxyType
from typing import Any

LANGS = ("zh", "en")


class MessageError(LookupError):
    """A message code the catalog lacks, or a parameter its template needs and was not given."""


class _Templates(dict):
    """Each language's catalog as a plain dict, its module imported when the language is first
    asked for: a run in Chinese (`scorer --help`) never reads the English one. render and say
    run for every line of every explanation, and a dict answers faster than its read-only view."""

    def __missing__(self, lang: str) -> dict[str, str]:
        if lang not in LANGS:
            raise KeyError(lang)
        templates: dict[str, str] = import_module(f"{__name__}.{lang}").MESSAGES
        self[lang] = templates
        return templates


class _Catalogs(Mapping[str, Mapping[str, str]]):
    """The catalogs by language, read-only, each loaded when first asked for."""

    def __init__(self) -> None:
        self._views: dict[str, Mapping[str, str]] = {}

    def __getitem__(self, lang: str) -> Mapping[str, str]:
        view = self._views.get(lang)
        if view is None:
            view = self._views[lang] = MappingProxyType(_TEMPLATES[lang])
        return view

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)


_TEMPLATES: dict[str, dict[str, str]] = _Templates()
CATALOGS: Mapping[str, Mapping[str, str]] = _Catalogs()
_IN_BOTH: frozenset[str] | None = None  # the codes both catalogs have (made by the first say)
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


class _Frozen:
    """What @dataclass(frozen=True) gives Message and Given (fields set once, compared by value,
    a repr naming them), written out: every command imports this module, and dataclass would
    compile the six methods of each class at each start-up (some 3.5M instructions apiece)."""

    __match_args__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__match_args__)

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{self.__class__.__qualname__}({shown})"


class Message(_Frozen):
    """A sentence not yet put into a language: its catalog code and the values it names."""

    __match_args__ = ("code", "params")
    code: str
    params: Mapping[str, Any]

    def __init__(self, code: str, params: Mapping[str, Any] | None = None) -> None:
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "params", {} if params is None else params)

    def __hash__(self) -> int:  # the params are left out, as they may hold lists
        return hash((self.code,))

    def render(self, lang: str = "zh") -> str:
        return render(self.code, lang, **self.params)

    def __str__(self) -> str:  # a Message printed by mistake still reads as Chinese, not a repr
        return self.render("zh")


class Given(_Frozen):
    """Words a user wrote (a check's message in the rule file), \
in Chinese and optionally English."""

    __match_args__ = ("zh", "en")
    zh: str
    en: str | None

    def __init__(self, zh: str, en: str | None = None) -> None:
        object.__setattr__(self, "zh", zh)
        object.__setattr__(self, "en", en)

    def __hash__(self) -> int:
        return hash((self.zh, self.en))

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
    global _IN_BOTH
    if _IN_BOTH is None:
        _IN_BOTH = frozenset(_TEMPLATES["zh"]) & frozenset(_TEMPLATES["en"])
    if code not in _IN_BOTH:
        for lang in LANGS:
            if code not in CATALOGS[lang]:
                raise MessageError(f"no message {code!r} in the {lang!r} catalog")
    return Message(code, params)
