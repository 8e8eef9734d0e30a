"""Word documents: the 通报 laid out as a 公文 (GB/T 9704-2012), one unit's explanation, the list
of lagging projects."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.sax.saxutils import escape

from ..messages import render, words
from ..untrusted import visible
from .notice import Letterhead, Notice, notice

# GB/T 9704-2012: A4; 天头 37 mm, 订口 28 mm; 版心 156 × 225 mm; body 3号仿宋 (16 pt), 22 lines
# of 28 characters; title 2号小标宋 (22 pt); level-1 headings 黑体; page numbers 4号 (14 pt).
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
RED = "E60012"
LINE_PITCH = 28.9  # points: 22 lines in 225 mm
FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # every part's date in the zip: the same input, the same bytes


def _text(value: Any) -> str:
    """Text from the users' files as a Word run shows it: controls written out, XML escaped."""
    return escape(visible(value))


def _run(
    text: str, size: float, font: str = BODY_FONT, bold: bool = False, colour: str = ""
) -> str:
    props = (
        f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}"'
        f' w:eastAsia="{font}" w:cs="{LATIN_FONT}"/>'
        + ("<w:b/>" if bold else "")
        + (f'<w:color w:val="{colour}"/>' if colour else "")
        + f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>'
    )
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{_text(text)}</w:t></w:r>'


def _para(runs: str, align: str = "both", indent: float = 0, right: float = 0,
          pitch: float | None = LINE_PITCH, before: float = 0, after: float = 0,
          border: str = "", keep: bool = False, page_break: bool = False,
          hang: float = 0) -> str:  # fmt: skip
    """A paragraph: alignment, first-line indent and right indent in points, exact line pitch;
    with ``hang``, the lines after the first start at ``hang`` points (the first at ``indent``)."""
    spacing = f'<w:spacing w:before="{round(before * 20)}" w:after="{round(after * 20)}"'
    spacing += f' w:line="{round(pitch * 20)}" w:lineRule="exact"/>' if pitch else "/>"
    props = (
        ("<w:keepNext/>" if keep else "")
        + ("<w:pageBreakBefore/>" if page_break else "")
        + border
        + spacing
        + (
            f'<w:ind w:left="{round(hang * 20)}" w:hanging="{round((hang - indent) * 20)}"'
            f' w:right="{round(right * 20)}"/>'
            if hang
            else f'<w:ind w:firstLine="{round(indent * 20)}" w:right="{round(right * 20)}"/>'
        )
        + f'<w:jc w:val="{align}"/>'
    )
    return f"<w:p><w:pPr>{props}</w:pPr>{runs}</w:p>"


def _table(columns: list[str], rows: list[list[str]], widths: list[float], size: float,
           left: frozenset[int] = frozenset()) -> str:  # fmt: skip
    """A bordered table with its header row repeated on every page; built as one XML string,
    so that 10,000 rows take a moment (python-docx's cell API is quadratic). Body cells are
    centred, those of the ``left`` columns (long text) flush left."""
    twips = [round(w * 20) for w in widths]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )

    def row(cells: list[str], header: bool) -> str:
        head = (
            "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"
            if header
            else "<w:trPr><w:cantSplit/></w:trPr>"
        )
        out = []
        for i, (text, width) in enumerate(zip(cells, twips)):
            run = _run(text, size, HEADING_FONT if header else BODY_FONT)
            align = "left" if i in left and not header else "center"
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
                '<w:vAlign w:val="center"/></w:tcPr>'
                '<w:p><w:pPr><w:snapToGrid w:val="0"/>'
                f'<w:spacing w:before="30" w:after="30" w:line="{round(size * 26)}"'
                ' w:lineRule="exact"/>'
                f'<w:jc w:val="{align}"/></w:pPr>{run}</w:p></w:tc>'
            )
        return f"<w:tr>{head}{''.join(out)}</w:tr>"

    body = "".join(row(r, False) for r in rows)
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{row(columns, True)}{body}</w:tbl>"
    )


_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


def _section(landscape: bool, footer_id: str | None, last: bool = False) -> str:
    """Page size, orientation and the GB/T 9704 margins (in twips), and the footer with the
    page number."""
    w, h = (16838, 11906) if landscape else (11906, 16838)
    margins = (
        '<w:pgMar w:top="1588" w:right="2098" w:bottom="1474" w:left="2098"'
        ' w:header="851" w:footer="992" w:gutter="0"/>'
        if landscape
        else '<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588"'
        ' w:header="851" w:footer="992" w:gutter="0"/>'
    )
    footer = f'<w:footerReference w:type="default" r:id="{footer_id}"/>' if footer_id else ""
    orient = ' w:orient="landscape"' if landscape else ""
    props = (
        f'{footer}<w:pgSz w:w="{w}" w:h="{h}"{orient}/>{margins}'
        '<w:docGrid w:type="lines" w:linePitch="579"/>'
    )
    return (
        f"<w:sectPr>{props}</w:sectPr>"
        if last
        else f"<w:p><w:pPr><w:sectPr>{props}</w:sectPr></w:pPr></w:p>"
    )


def _footer_xml() -> bytes:
    """— 1 —: the page number, 4号 宋体, centred, as a field Word and WPS fill in."""
    run = (
        f'<w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="宋体"/>'
        '<w:sz w:val="28"/></w:rPr>'
    )
    field = (
        f'<w:r>{run}<w:t xml:space="preserve">— </w:t></w:r>'
        f'<w:r>{run}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{run}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r>{run}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{run}<w:t>1</w:t></w:r>"
        f'<w:r>{run}<w:fldChar w:fldCharType="end"/></w:r>'
        f'<w:r>{run}<w:t xml:space="preserve"> —</w:t></w:r>'
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr {_NS}>'
        f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr>{field}</w:p></w:ftr>'
    ).encode()


def _document(body: str, title: str) -> bytes:
    """A .docx from the body's XML: python-docx's own package (styles, settings), our body and
    footer, fixed dates, so that the same input gives the same bytes."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    document = docx.Document()
    footer = Part(
        PackURI("/word/footer1.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
        _footer_xml(),
        document.part.package,
    )
    footer_id = document.part.relate_to(footer, RT.FOOTER)
    element = parse_xml(f"<w:body {_NS}>{body.replace('{FOOTER}', footer_id)}</w:body>")
    document.element.replace(document.element.body, element)
    from datetime import datetime

    core = document.core_properties
    core.title = visible(title)
    core.author = "scorer"
    core.created = core.modified = datetime(2000, 1, 1)
    core.last_modified_by = "scorer"
    core.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same parts with one fixed date each, in the same order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# ----------------------------------------------------------------------------- the 通报


def render_notice_docx(result, head: Letterhead | None = None, lang: str = "zh") -> bytes:
    """The 通报 as a 公文: 发文机关标志, 文号 and the red line; title; 主送; body; 附件说明;
    署名 and 日期; then the ranking on its own landscape page (附件 top left, title centred)."""
    from .notice import letterhead

    found = notice(result, head or letterhead(result.scheme), lang)
    return _document(_notice_body(found, lang), found.title)


def _notice_body(found: Notice, lang: str) -> str:
    t = words(lang)
    h = found.head
    red_line = f'<w:pBdr><w:bottom w:val="single" w:sz="16" w:space="4" w:color="{RED}"/></w:pBdr>'
    parts = [
        _para("", pitch=LINE_PITCH) * 2,
        _para(_run(h["issuer"], 30, TITLE_FONT, colour=RED), "center", pitch=None, after=18),
        _para(_run(h["number"], 16), "center", border=red_line, after=24),
        _para(_run(found.title, 22, TITLE_FONT), "center", pitch=36, after=LINE_PITCH),
        _para(_run(h["recipients"] + t["punct.colon_end"], 16), "left"),
    ]
    for kind, text in found.blocks:
        if kind == "heading":
            parts.append(_para(_run(text, 16, HEADING_FONT), indent=32, keep=True))
        else:
            parts.append(_para(_run(text, 16), indent=32))
    parts.append(_para(""))
    if found.annex is None:
        attached = render("notice_attachment", lang, items=found.attachment_title)
        parts.append(_para(_run(attached, 16), "left", indent=32))
    else:  # GB/T 9704 7.3.3: 附件：1．…; the next number under the first; a long name's next
        # line under its first character (附件： is three characters, "1．" a digit and one)
        first = render("notice_attachment_first", lang, title=found.attachment_title)
        second = render("notice_attachment_next", lang, n=2, title=found.annex[0])
        number = 32 + 16 * (3 if lang == "zh" else 7)
        name = number + 8 + 16
        parts.append(_para(_run(first, 16), "left", indent=32, hang=name))
        parts.append(_para(_run(second, 16), "left", indent=number, hang=name))
    parts.append(_para("") * 2)
    parts.append(_para(_run(h["signature"], 16), "right", right=64))
    parts.append(_para(_run(h["date"], 16), "right", right=64))
    parts.append(_section(False, "{FOOTER}"))
    numbered = found.annex is not None
    first = render("attachment_n", lang, n=1) if numbered else t["attachment"]
    parts.append(_para(_run(first, 16, HEADING_FONT), "left"))
    parts.append(_para(_run(found.attachment_title, 20, TITLE_FONT), "center", pitch=32, after=12))
    widths = _widths(found.columns, 620)
    parts.append(_table(found.columns, found.table, widths, 12))
    if found.annex is not None:
        title, columns, rows = found.annex
        head = _run(render("attachment_n", lang, n=2), 16, HEADING_FONT)
        parts.append(_para(head, "left", page_break=True))
        parts.append(_para(_run(title, 20, TITLE_FONT), "center", pitch=32, after=12))
        weights = [0.7, 2.0, *([1.4] if len(columns) == 5 else []), 0.8, 6.3]
        scale = 620 / sum(weights)
        widths = [w * scale for w in weights]
        parts.append(_table(columns, rows, widths, 10.5, left=frozenset({len(columns) - 1})))
    parts.append(_section(True, "{FOOTER}", last=True))
    return "".join(parts)


def _widths(columns: list[str], total: float) -> list[float]:
    """Column widths in points: the unit's name wide, numbers narrow, all adding up to ``total``."""
    weights = [2.4 if i == 1 else 1.6 if i == 2 else 1.4 for i in range(len(columns))]
    scale = total / sum(weights)
    return [w * scale for w in weights]


# ----------------------------------------------------------------------------- other documents


def render_table_docx(title: str, lines: list[str], columns: list[str], rows: list[list[str]],
                      landscape: bool = False) -> bytes:  # fmt: skip
    """A plain document: a centred title, paragraphs, a table with repeated header rows."""
    parts = [_para(_run(title, 18, TITLE_FONT), "center", pitch=32, after=12)]
    parts += [_para(_run(line, 12), "left", pitch=20) for line in lines]
    if columns:
        width = 620 if landscape else 440
        parts.append(
            _table(
                columns,
                rows,
                _widths(columns, width) if len(columns) > 2 else [width / 2] * 2,
                10.5,
            )
        )
    parts.append(_section(landscape, "{FOOTER}", last=True))
    return _document("".join(parts), title)


def render_explanation_docx(explanation, lang: str = "zh") -> bytes:
    """One unit's explanation, to send to it: every project, its cells, its rule, its points."""
    from ..explain import explanation_summary, inputs_text, item_title, sources_text

    t = words(lang)
    lines = [t["data_from"] + sources_text(explanation, lang)]
    rows = []
    for number, item in enumerate(explanation.items, 1):
        score = t["suspended"] if item.suspended else f"{item.score:.2f}"
        rows.append([f"{number}. {item_title(item, lang)}", "", "", score])
        for line in item.lines:
            rows.append(
                [line.name, inputs_text(line, lang), line.words.render(lang), f"{line.points:+.2f}"]
            )
    closing = explanation_summary(explanation, lang, closing=True).split("\n")
    title = explanation_summary(explanation, lang)
    columns = [t["item"], t["inputs"], t["rule"], t["points"]]
    body = render_table_docx(title, lines, columns, rows, landscape=True)
    if not closing:
        return body
    return _append_lines(body, closing)


def _append_lines(data: bytes, lines: list[str]) -> bytes:
    """The document with paragraphs added after its table (the sum, the rescaling)."""
    import docx

    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    sect = body[-1]
    from docx.oxml import parse_xml

    for line in lines:
        sect.addprevious(
            parse_xml(
                f'<w:p {_NS}><w:pPr><w:spacing w:before="60"/></w:pPr>'
                f"{_run(line, 12, bold=True)}</w:p>"
            )
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())
