"""Make the Chinese font the PDF report embeds: a subset of Noto Sans CJK SC Regular (SIL OFL 1.1).

    python fonts/subset.py [/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]

Debian's fonts-noto-cjk gives the source. The subset keeps every character of GB 2312 (the 6,763
hanzi and its symbols), Latin, the general punctuation, CJK symbols and full-width forms, and
every character in the bundled rules, samples and the package's own texts (埇, 亳, 黟…), so that
the bundled font alone writes every document of the samples. Other characters a user's data has
are taken from a CJK font installed on the machine, if one is (scorer/render/pdf.py). The result
is written to scorer/fonts/ with the licence beside it; the same source gives the same bytes.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
TARGET = ROOT / "scorer" / "fonts" / "NotoSansSC-Regular-subset.otf"


def gb2312() -> set[str]:
    found = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                found.add(bytes([high, low]).decode("gb2312"))
    return found


def wanted() -> set[str]:
    chars = gb2312()
    for start, end in ((0x20, 0x7F), (0xA0, 0x180), (0x2000, 0x2070), (0x2100, 0x2200),
                       (0x2190, 0x2200), (0x2460, 0x24A0), (0x25A0, 0x2600), (0x2605, 0x2607),
                       (0x2713, 0x2715), (0x3000, 0x3040), (0xFF00, 0xFF66)):  # fmt: skip
        chars |= {chr(c) for c in range(start, end)}
    texts = [
        *ROOT.glob("rules/*.yaml"),
        *ROOT.glob("scorer/**/*.py"),
        *ROOT.glob("scorer/templates/*"),
    ]
    for path in texts:
        chars |= set(path.read_text(encoding="utf-8"))
    sys.path.insert(0, str(ROOT))
    from python_calamine import CalamineWorkbook

    for path in sorted(ROOT.glob("samples/*.xlsx")):
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            chars |= set(name)
            for row in book.get_sheet_by_name(name).to_python():
                for value in row:
                    chars |= set(str(value))
    return {c for c in chars if c.isprintable() and c != "\ufffd"}


def main() -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    source = sys.argv[1] if len(sys.argv) > 1 else SOURCE
    collection = TTCollection(source)
    font = next(f for f in collection.fonts if f["name"].getDebugName(4) == "Noto Sans CJK SC")
    options = subset.Options()
    options.layout_features = ["kern", "palt", "locl", "vert", "vrt2"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in wanted()))
    subsetter.subset(font)
    if "head" in font:  # same bytes from the same source: no build time in the file
        font.recalcTimestamp = False
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(TARGET))
    print(f"{TARGET.relative_to(ROOT)}: {TARGET.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
