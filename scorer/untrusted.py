"""Text from the returns and rule files, made safe to show: controls visible, invisible found."""

from __future__ import annotations

# Characters that show nothing, yet make two names differ: zero-width space, non-joiner and
# joiner, word joiner, byte-order mark, soft hyphen, and the bidirectional marks, embeddings,
# overrides and isolates (U+202E shows “市肥合” for 合肥市).
INVISIBLE = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u061c"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_INVISIBLE = frozenset(INVISIBLE)

# What may not reach a terminal or a document as it is: C0 and C1 controls and DEL (escape
# sequences that recolour, retitle or link; line breaks that fake a row or a heading), line and
# paragraph separators, and the invisible characters above (shown, so that 合肥市 and 合\u200b肥市
# can be told apart, and none reorders what follows it).
# (a translation table, not a regular expression: compiling one of these classes cost more than
# the rest of `scorer --help`)
_ESCAPES = {
    point: f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"
    for point in [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, *map(ord, INVISIBLE)]
}
_UNSAFE = frozenset(map(chr, _ESCAPES))


def visible(text: object) -> str:
    """``text`` with each control, bidirectional or invisible character written out as an
    escape (ESC as ``\\x1b``, a line break as ``\\x0a``, U+202E as ``\\u202e``): \
shown, not obeyed."""
    text = "" if text is None else str(text)
    return text if _UNSAFE.isdisjoint(text) else text.translate(_ESCAPES)


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds a character that shows nothing (see INVISIBLE)."""
    return not _INVISIBLE.isdisjoint(text)
