"""The Word 通报 (assess -o 通报.docx) and the other Word documents, read back as Word and as
LibreOffice prints them."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess

import docx
import pytest
from conftest import ANHUI_HEADER, RULES, SAMPLES, full_rows, write_xlsx
from conftest import cli as run
from update_golden import sample_result

from scorer import assess
from scorer.render.docx import render_notice_docx
from scorer.render.notice import chinese_number, letterhead, places

SOFFICE = shutil.which("soffice")
IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(scope="module")
def sample():
    return sample_result()


@pytest.fixture(scope="module")
def notice_doc(sample):
    return docx.Document(io.BytesIO(render_notice_docx(sample)))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_the_notice_reads_back_title_heading_fields_and_placeholders(notice_doc):
    lines = [t for t in texts(notice_doc) if t.strip()]
    assert lines[:4] == [
        "〔发文机关〕",
        "〔文号〕",
        "关于安徽省2010年度民生工程实施情况考核结果的通报",
        "各市人民政府，省直有关单位：",
    ]
    body = "\n".join(lines)
    assert "根据《安徽省2010年度民生工程实施情况考核办法》（皖政办秘〔2010〕72号），" in body
    assert "附件：1．安徽省2010年度民生工程实施情况考核结果排名表" in body
    assert "2．安徽省2010年度民生工程实施情况考核未全面完成目标任务情况表" in body
    assert lines[-6:] == [
        "〔发文机关〕",
        "〔成文日期〕",
        "附件1",
        "安徽省2010年度民生工程实施情况考核结果排名表",
        "附件2",
        "安徽省2010年度民生工程实施情况考核未全面完成目标任务情况表",
    ]


def test_the_body_gives_the_figures_grades_places_and_suspended(sample, notice_doc):
    body = "\n".join(texts(notice_doc))
    assert "17个地区总分在2,804.33分至3,274.74分之间（满分3,500分）" in body
    assert "优秀8个：亳州市、滁州市、六安市、淮北市、宣城市、淮南市、阜阳市、蚌埠市" in body
    assert "总分居前3位的是：第一名亳州市；第二名滁州市；第三名六安市" in body
    assert "居后3位的是：第十五名合肥市；第十六名芜湖市；第十七名池州市" in body
    # the survey's equal ranks as published (1-2-2)
    assert (
        "社情民意调查单独排名，不计入总分，居前3位的是：第一名马鞍山市；第二名安庆市、池州市。"
        in body
    )
    assert (
        "暂缓实施、不计分的项目：大中型水库移民后期扶持（淮北市）、病险水库除险加固（马鞍山市）、光荣院建设（铜陵市）。"
        in body
    )
    # budget execution against the plan and against the funds in place, from the returns
    rows = sample.data.rows[~sample.data.rows["suspended"].astype(bool)]
    planned, paid = rows["funds_planned"].sum(), rows["funds_disbursed"].sum()
    assert f"已拨付{paid / 10000:,.2f}亿元，占计划的{paid / planned:.2%}" in body


def test_the_attachment_is_the_ranking_on_a_landscape_page(sample, notice_doc):
    sections = notice_doc.sections
    assert len(sections) == 2
    assert sections[0].page_width < sections[0].page_height  # the notice: portrait
    assert sections[1].page_width > sections[1].page_height  # the attachment: landscape
    table, _ = notice_doc.tables
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["排名", "地区", "总分", "等次", "社情民意排名"]
    published = json.loads(run("assess", "samples/2010.xlsx", "--format", "json").stdout)
    expected = [
        [str(d["rank"]), d["district"], f"{d['total']:,.2f}", d["grade"]]
        for d in published["districts"]
    ]
    assert [row[:4] for row in cells[1:]] == expected


def test_places_are_written_as_published_with_ties():
    rows = [{"rank": r, "district": d} for r, d in [(1, "甲"), (2, "乙"), (2, "丙"), (4, "丁")]]
    assert places(rows, "zh") == "第一名甲；第二名乙、丙；第四名丁"
    assert [chinese_number(n) for n in (1, 10, 11, 20, 21, 105, 110)] == [
        "一", "十", "十一", "二十", "二十一", "一百零五", "一百一十"
    ]  # fmt: skip


def test_options_fill_the_heading_and_the_date_is_written_as_gbt_9704_says(tmp_path):
    out = tmp_path / "通报.docx"
    result = run("assess", "samples/2010.xlsx", "-o", str(out),
                 "--issuer", "安徽省民生工程协调小组办公室", "--doc-number", "皖民生办〔2011〕1号",
                 "--date", "2011-03-08")  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = [t for t in texts(docx.Document(str(out))) if t.strip()]
    assert lines[:2] == ["安徽省民生工程协调小组办公室", "皖民生办〔2011〕1号"]
    assert "2011年3月8日" in lines and "〔成文日期〕" not in lines


def test_a_bad_date_is_refused_before_any_work(tmp_path):
    result = run(
        "assess", "samples/2010.xlsx", "-o", str(tmp_path / "a.docx"), "--date", "2011-02-30"
    )
    assert result.exit_code == 2
    assert "日期“2011-02-30”无法识别：请写成 2011-03-08 或 2011年3月8日" in result.stderr
    assert not (tmp_path / "a.docx").exists()


def test_other_schemes_get_their_own_words_and_nothing_of_anhui():
    result = assess([SAMPLES / "tongling-2015-06.xlsx"], RULES / "tongling-2015.yaml")
    body = "\n".join(texts(docx.Document(io.BytesIO(render_notice_docx(result)))))
    assert "关于铜陵市2015年民生工程月度考核（6月）结果的通报" in body
    assert "4个县区总分在" in body and "落后于6月序时进度" in body
    for anhui_word in ("社情民意", "皖政办秘", "各市人民政府", "先进县", "3,500"):
        assert anhui_word not in body


def test_lagging_projects_are_grouped_by_lead_department(tmp_path):
    text = (RULES / "anhui-2010.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "{name: 农家书屋, weight: 100}", "{name: 农家书屋, lead: 省新闻出版局, weight: 100}"
    )
    text = text.replace(
        "{name: 乡镇综合文化站, weight: 100}", "{name: 乡镇综合文化站, lead: 省文化厅, weight: 100}"
    )
    rules = tmp_path / "rules.yaml"
    rules.write_text(text, encoding="utf-8")
    result = assess([SAMPLES / "2010.xlsx"], rules)
    body = "\n".join(texts(docx.Document(io.BytesIO(render_notice_docx(result)))))
    # 乡镇综合文化站 is among the five with most units behind, 农家书屋 (10) is not: 附件2
    assert "省文化厅牵头：乡镇综合文化站，11个地区未全面完成目标任务" in body
    assert "农家书屋，10个地区" not in body
    document = docx.Document(io.BytesIO(render_notice_docx(result)))
    annex = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert annex[0] == ["序号", "项目", "牵头单位", "地区数", "地区及完成率（由低到高）"]
    books = next(row for row in annex if row[1] == "农家书屋")
    assert books[2:4] == ["省新闻出版局", "10"]
    assert books[4].startswith("池州市（79.9%）、安庆市（87.0%）、芜湖市（89.8%）")


def test_the_body_names_the_five_projects_most_behind_and_the_rest_go_to_attachment_2(
    sample, notice_doc
):
    """297 tasks in 33 projects fall short: the body names the five with the most units behind
    (worked out here from the returns), 附件2 lists all 33 with every unit's completion."""
    body = "\n".join(texts(notice_doc))
    assert (
        "297项地区项目任务未全面完成目标任务，涉及33个项目，其中未全面完成目标任务的地区最多的5个项目是："
        in body
    )
    assert "其余28个项目的情况见附件2。" in body
    rows = sample.data.rows
    done = rows["completed"] / rows["target"]
    behind = rows[(done < 1) & ~rows["suspended"].astype(bool)]
    counts = behind.groupby("project").size()
    worst = behind.assign(done=done).groupby("project")["done"].min()
    five = sorted(counts.index, key=lambda p: (-counts[p], worst[p]))[:5]
    assert five[0] == "廉租住房保障" and counts["廉租住房保障"] == 15
    named = [p for p in counts.index if f"{p}，{counts[p]}个地区未全面完成目标任务" in body]
    assert sorted(named) == sorted(five)
    annex = [[c.text for c in row.cells] for row in notice_doc.tables[1].rows]
    assert [int(r[2]) for r in annex[1:]] == [counts[r[1]] for r in annex[1:]]
    assert len(annex) - 1 == len(counts) == 33
    assert notice_doc.sections[-1].page_width > notice_doc.sections[-1].page_height


def test_names_from_the_returns_are_text_in_word(tmp_path, anhui):
    rows = [*full_rows("<b>x</b>&\x1b[31m"), *full_rows("=1+1")]
    data = write_xlsx(tmp_path / "2010.xlsx", {"s": [ANHUI_HEADER, *rows]})
    document = docx.Document(io.BytesIO(render_notice_docx(assess([data], anhui))))
    names = [row.cells[1].text for row in document.tables[0].rows[1:]]
    assert sorted(names) == sorted(["<b>x</b>&\\x1b[31m", "=1+1"])


def test_the_notice_is_byte_identical_run_to_run(sample):
    assert render_notice_docx(sample) == render_notice_docx(sample)


def test_english_notice_has_no_chinese_labels(sample):
    head = letterhead(sample.scheme)
    body = "\n".join(texts(docx.Document(io.BytesIO(render_notice_docx(sample, head, "en")))))
    assert "Notice of the results of" in body and "[issuing office]" in body
    assert "通报" not in body and "附件" not in body


# ----------------------------------------------------------------------------- as it prints


def _to_pdf(path, tmp_path):
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    done = subprocess.run(
        [SOFFICE, profile, "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "pdf"), str(path)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return tmp_path / "pdf" / (path.stem + ".pdf")


def page_sizes(pdf) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    import re

    return [
        (float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    ]


def test_libreoffice_prints_the_notice_with_chinese_fonts_and_a_landscape_attachment(
    sample, tmp_path
):
    if (SOFFICE is None or shutil.which("pdffonts") is None) and not IN_CI:
        pytest.skip("needs LibreOffice and poppler-utils (.ci/run installs them)")
    from PIL import Image

    path = tmp_path / "通报.docx"
    path.write_bytes(render_notice_docx(sample))
    pdf = _to_pdf(path, tmp_path)
    sizes = page_sizes(pdf)
    assert 3 <= len(sizes) <= 12, sizes
    assert sizes[0][0] < sizes[0][1] and sizes[-1][0] > sizes[-1][1]  # portrait, then landscape
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts  # every font embedded
    assert any("CJK" in row or "Hei" in row or "Song" in row for row in rows), fonts
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert "关于安徽省2010年度民生工程实施情况考核结果的通报" in text.replace(" ", "").replace(
        "\n", ""
    )
    for district in sample.ranking.table["district"]:
        assert district in text  # no box glyphs: every name reads back as its characters
    pages = [page.replace(" ", "") for page in text.split("\f")]
    landscape = [i for i, (w, h) in enumerate(sizes) if w > h]
    assert landscape == list(range(landscape[0], len(sizes)))  # the attachments, at the end
    assert "附件1" in pages[landscape[0]] and "结果排名表" in pages[landscape[0]]
    assert any("附件2" in pages[i] for i in landscape[1:])
    assert "序号" in "".join(pages[landscape[1] :])  # the number column is wide enough
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    histogram = image.histogram()
    assert max(histogram) < 0.995 * sum(histogram), "the first page looks blank"


def test_libreoffice_prints_the_results_workbook_landscape_with_chinese_fonts(sample, tmp_path):
    """report.xlsx as a clerk prints it: every page landscape, its ranking on one page for 17
    units, the fonts embedded and every name reading back as its characters (no boxes)."""
    if (SOFFICE is None or shutil.which("pdffonts") is None) and not IN_CI:
        pytest.skip("needs LibreOffice and poppler-utils (.ci/run installs them)")
    from scorer.render.report import render

    path = tmp_path / "report.xlsx"
    path.write_bytes(render(sample, ".xlsx"))
    pdf = _to_pdf(path, tmp_path)
    sizes = page_sizes(pdf)
    assert sizes and all(w > h for w, h in sizes), sizes  # landscape, every page
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    first = text.split("\f")[0]  # the ranking sheet comes first: all 17 on its one page
    for district in sample.ranking.table["district"]:
        assert district in first, district


def test_compare_writes_the_list_of_lagging_projects(tmp_path):
    outputs = [tmp_path / "落后项目.docx", tmp_path / "落后项目.xlsx"]
    result = run("compare", "samples/tongling-2015-06.xlsx", "samples/tongling-2015-07.xlsx",
                 *[a for o in outputs for a in ("-o", str(o))])  # fmt: skip
    assert result.exit_code == 0, result.output
    document = docx.Document(str(outputs[0]))
    assert document.paragraphs[0].text == "铜陵市2015年民生工程月度考核（7月）落后于进度的项目"
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert rows[0][:3] == ["县区", "牵头单位", "项目"]
    assert rows[1][:3] == ["狮子山区", "", "农村道路畅通工程"] and rows[1][4:6] == [
        "53.6%",
        "60.0%",
    ]
    import openpyxl

    book = openpyxl.load_workbook(outputs[1])
    assert book.sheetnames == ["落后项目", "名次变化"]
    assert book["落后项目"]["A4"].value == "狮子山区"
    assert book["落后项目"].page_setup.orientation == "landscape"
    assert book["名次变化"]["B4"].value == "郊区"


def test_explain_writes_the_explanation_to_send(tmp_path):
    out = tmp_path / "铜陵市.docx"
    result = run(
        "explain", "samples/2010.xlsx", "铜陵", "-o", str(out), "-o", str(tmp_path / "铜陵市.md")
    )
    assert result.exit_code == 0, result.output
    assert f"已写出铜陵市的得分说明：{out}" in result.stderr
    document = docx.Document(str(out))
    assert document.paragraphs[0].text == "铜陵市：总分 3,092.80，第 11 名，良好"
    body = "\n".join(p.text for p in document.paragraphs)
    assert "折算：3,004.43 × 3,500 ÷ 3,400 = 3,092.80" in body
    first = [c.text for c in document.tables[0].rows[2].cells]
    assert first[0] == "目标任务完成" and "D202" in first[1]
    markdown = (tmp_path / "铜陵市.md").read_text(encoding="utf-8")
    assert markdown.startswith("# 铜陵市：总分 3,092.80，第 11 名，良好")
    assert "折算：3,004.43 × 3,500 ÷ 3,400 = 3,092.80" in markdown
