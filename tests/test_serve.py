"""scorer serve in a real browser: Chromium (Debian's, no browser download) driven by Playwright
against the real server on a free port, as a clerk would use it (issue 16's "Done when")."""

from __future__ import annotations

import io
import os
import re
import shutil
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, SAMPLES, write_xlsx
from test_injection import HOSTILE, SHEET, hostile_rows
from werkzeug.test import Client

from scorer import assess
from scorer.messages import render
from scorer.render.report import REPORT_SUFFIXES
from scorer.store import Store
from scorer.web import make_app, start

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT = ROOT / "docs" / "serve.png"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("serve") / "runs.sqlite"
    running = start("127.0.0.1", 0, db)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    context.tmp_shot = str(tmp_path / "shot.png")  # type: ignore[attr-defined]
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.problems = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    context.close()


def upload(page, server, *files: Path, scheme: str | None = None) -> None:
    page.goto(server.url)
    if scheme:
        page.select_option("#scheme", scheme)
    page.set_input_files("#files", [str(f) for f in files])
    page.click("#go")
    page.wait_for_selector("#ranking, #problems", timeout=30_000)


def table_rows(page, selector: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"{selector} tbody tr",
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))",
    )


def run_id(page) -> int:
    return int(re.search(r"/runs/(\d+)", page.url).group(1))


# ----------------------------------------------------------------------------- Done when


def test_upload_the_sample_and_see_the_ranking_of_scorer_assess(page, server):
    upload(page, server, SAMPLES / "2010.xlsx")
    expected = assess([SAMPLES / "2010.xlsx"]).ranking.table
    rows = table_rows(page, "#ranking")
    assert [(int(r[0]), r[1].rstrip(" *"), r[2], r[3]) for r in rows] == [
        (int(e.rank), e.district, f"{e.total:,.2f}", e.grade) for e in expected.itertuples()
    ]
    # nothing fetched from anywhere but the server itself, and no script error
    assert all(u.startswith(server.url) for u in page.requests), page.requests
    assert page.problems == []
    # the downloads are the dispatcher's formats: a new one appears without changes here
    links = page.eval_on_selector_all("#downloads a", "a => a.map(x => x.getAttribute('href'))")
    assert [link.rsplit("report", 1)[1] for link in links] == [
        s for s in REPORT_SUFFIXES if s != ".htm"
    ]
    # the README's picture: rewritten with SCORER_SCREENSHOT=1 (it holds the time of the run)
    shot = SCREENSHOT if os.environ.get("SCORER_SCREENSHOT") else Path(page.context.tmp_shot)
    page.screenshot(path=str(shot), full_page=False)
    from PIL import Image

    histogram = Image.open(shot).convert("L").histogram()
    assert max(histogram) < 0.97 * sum(histogram), "the page looks blank"


def test_a_districts_every_point_explained(page, server):
    upload(page, server, SAMPLES / "2010.xlsx")
    page.click("#ranking >> text=铜陵市")
    page.wait_for_selector("#summary")
    result = assess([SAMPLES / "2010.xlsx"])
    from scorer.explain import explanation_summary

    explanation = result.explainer()("铜陵市")
    assert page.inner_text("#summary") == explanation_summary(explanation, "zh")
    text = page.inner_text("main")
    assert "D202" in text and "C202" in text  # the cells the points came from
    assert "109.26%，达到100%，得满分" in text  # the rule in words


def test_change_a_weight_and_see_who_moves(page, server):
    upload(page, server, SAMPLES / "2010.xlsx")
    page.click("text=" + render("serve.whatif", "zh"))
    page.get_by_label("资金保障", exact=True).fill("300")
    page.click("#whatif-go")
    page.wait_for_selector("#moves")
    rows = {r[2]: r for r in table_rows(page, "#moves")}
    # as scorer whatif --set 资金保障=300 says: 淮南市 moves from 6th to 5th, total 3,399.39
    assert rows["淮南市"][0] == "6" and rows["淮南市"][3] == "5" and rows["淮南市"][5] == "↑1"
    assert rows["淮南市"][4] == "3,399.39"
    assert "3500 → 3700" in page.inner_text("main")


def _whatif_json(*settings: str) -> list[tuple]:
    """(rank before, district, rank after, total after) as scorer whatif --format json says."""
    import json

    from click.testing import CliRunner

    from scorer.cli import main

    args = ["whatif", str(SAMPLES / "2010.xlsx"), "--format", "json"]
    for setting in settings:
        args += ["--set", setting]
    answer = CliRunner().invoke(main, args)
    assert answer.exit_code == 0, answer.output
    found = json.loads(answer.stdout)["districts"]
    return sorted((str(d["rank_before"]), d["district"], str(d["rank"]), f"{d['total']:,.2f}")
                  for d in found)  # fmt: skip


def _set_rule_number(page, group: str, setting: str, value: str) -> None:
    """Open the form's group and type the new value of the rule number named by ``setting``."""
    page.locator("#whatif-form summary", has_text=group).click()
    row = page.locator("#whatif-form tr", has_text=setting)
    assert row.count() == 1, setting
    row.locator("input").fill(value)


def test_whatif_over_a_rules_own_numbers_as_scorer_whatif_set(page, server):
    upload(page, server, SAMPLES / "2010.xlsx")
    page.click("text=" + render("serve.whatif", "zh"))
    # every project's numbers are listed: 资金保障's own, and the template the others share
    groups = page.locator("#whatif-form summary").all_inner_texts()
    assert groups[0] == "各项目分值" and len(groups) == 2 + 34
    assert groups[1].startswith("计分模板“标准”（33 个项目共用")
    text = page.text_content("#whatif-form")  # the groups are closed: hidden, not absent
    assert "资金拨付 · 第 2 档：不低于" in text and "标准.资金拨付.tiers.2.min" in text
    # a tier bound of the template (every project using it) and a project's own step
    _set_rule_number(page, "计分模板“标准”", "标准.资金拨付.tiers.2.min", "0.9")
    _set_rule_number(page, "资金保障：", "资金保障.资金到位率.loss_per_point", "0.05")
    page.click("#whatif-go")
    page.wait_for_selector("#moves")
    shown = sorted((r[0], r[2], r[3], r[4]) for r in table_rows(page, "#moves"))
    assert shown == _whatif_json(
        "标准.资金拨付.tiers.2.min=0.9", "资金保障.资金到位率.loss_per_point=0.05"
    )
    said = page.inner_text("main")
    assert "模板“标准”·资金拨付 tiers.2.min 0.85 → 0.9" in said
    assert "资金保障·资金到位率 loss_per_point 0.02 → 0.05" in said
    # the form keeps what was typed, its groups open
    assert (
        page.locator("#whatif-form tr", has_text="标准.资金拨付.tiers.2.min")
        .locator("input")
        .input_value()
        == "0.9"
    )


def test_whatif_a_rule_number_refused_at_its_field(page, server):
    upload(page, server, SAMPLES / "2010.xlsx")
    page.click("text=" + render("serve.whatif", "zh"))
    # a second tier above the first: refused by the rule file's own check, at that field
    _set_rule_number(page, "农村公路“村村通”：", "农村公路“村村通”.资金拨付.tiers.2.min", "0.97")
    page.get_by_label("农村饮水安全工程", exact=True).fill("130")
    page.click("#whatif-go")
    page.wait_for_selector("tr.invalid")
    invalid = page.locator("tr.invalid")
    assert invalid.count() == 1
    assert "各档 min 须从高到低排列" in invalid.inner_text()
    assert invalid.locator("input").get_attribute("aria-invalid") == "true"
    assert page.locator("#moves").count() == 0
    assert render("serve.whatif_at_fields", "zh") in page.inner_text("main")


def test_download_the_reports_as_the_command_line_writes_them(page, server, tmp_path):
    upload(page, server, SAMPLES / "2010.xlsx")
    with page.expect_download() as info:
        page.click("#downloads a[href$='.xlsx']")
    path = tmp_path / "report.xlsx"
    info.value.save_as(path)
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book[book.sheetnames[0]]
    rows = list(sheet.iter_rows(values_only=True))
    table = assess([SAMPLES / "2010.xlsx"]).ranking.table
    assert rows[0][:4] == ("排名", "地区", "总分", "等次")
    assert [r[1] for r in rows[1 : 1 + len(table)]] == list(table["district"])
    with page.expect_download() as info:
        page.click("#downloads a[href$='.json']")
    info.value.save_as(tmp_path / "report.json")
    from scorer.render.report import render as report

    expected = report(assess([SAMPLES / "2010.xlsx"]), ".json", "zh")
    assert (tmp_path / "report.json").read_bytes() == expected


def _parts(path: Path) -> dict[str, bytes]:
    """A docx's parts, the times in its core properties left out (the same run written twice
    may differ only there)."""
    import zipfile

    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    core = parts.get("docProps/core.xml", b"")
    parts["docProps/core.xml"] = re.sub(
        rb"<dcterms:(created|modified)[^<]*</dcterms:\1>", b"", core
    )
    return parts


def test_download_the_notice_as_assess_writes_it(page, server, tmp_path):
    import docx
    from click.testing import CliRunner

    from scorer.cli import main

    upload(page, server, SAMPLES / "2010.xlsx")
    with page.expect_download() as info:
        page.click("#downloads a[href$='.docx']")
    assert info.value.suggested_filename == f"考核报告-第{run_id(page)}次运行.docx"
    got = tmp_path / "page.docx"
    info.value.save_as(got)
    written = tmp_path / "通报.docx"
    answer = CliRunner().invoke(main, ["assess", str(SAMPLES / "2010.xlsx"), "-o", str(written)])
    assert answer.exit_code == 0, answer.output
    assert _parts(got) == _parts(written)  # the same document as the command line's
    document = docx.Document(str(got))
    lines = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    title = next(line for line in lines if line.startswith("关于"))
    assert title.endswith("考核结果的通报") and "安徽省2010年度民生工程" in title
    assert any(line.startswith("附件") for line in lines)
    # 附件1, the ranking, on the landscape pages at the end (附件2: the projects behind)
    attachment = next(t for t in document.tables if t.rows[0].cells[0].text == "排名")
    table = assess([SAMPLES / "2010.xlsx"]).ranking.table
    names = [row.cells[1].text for row in attachment.rows[1:]]
    assert names == list(table["district"])
    assert document.sections[-1].orientation == 1  # WD_ORIENT.LANDSCAPE


def test_the_problem_lists_to_send_back_as_check_writes_them(page, server, tmp_path):
    from click.testing import CliRunner

    from scorer.cli import main

    upload(page, server, SAMPLES / "2010-errors.xlsx")
    number = run_id(page)
    folder = tmp_path / "问题清单"
    for output in (str(tmp_path / "问题清单.xlsx"), f"{folder}/"):
        answer = CliRunner().invoke(
            main, ["check", str(SAMPLES / "2010-errors.xlsx"), "-o", output]
        )
        assert answer.exit_code == 1, answer.output
    with page.expect_download() as info:
        page.click("#problems-all")
    assert info.value.suggested_filename == f"问题清单-第{number}次运行.xlsx"
    info.value.save_as(tmp_path / "all.xlsx")
    assert (tmp_path / "all.xlsx").read_bytes() == (tmp_path / "问题清单.xlsx").read_bytes()
    # one link per district, each the workbook check writes into the folder for it
    links = page.locator("#problem-lists li a")
    files = sorted(p.name for p in folder.iterdir())
    assert links.count() == len(files) >= 2
    for n in range(links.count()):
        with page.expect_download() as info:
            links.nth(n).click()
        name = info.value.suggested_filename.removeprefix(f"问题清单-第{number}次运行-")
        info.value.save_as(tmp_path / "one.xlsx")
        assert (tmp_path / "one.xlsx").read_bytes() == (folder / name).read_bytes(), name
    book = openpyxl.load_workbook(tmp_path / "all.xlsx", read_only=True)
    cells = {row[2] for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)}
    assert "D7" in cells


def test_missing_returns_from_the_roster_are_listed(page, server):
    returns = sorted((SAMPLES / "zigong-2011-returns").iterdir())
    upload(page, server, *returns, scheme="bundled:zigong-2011.yaml")
    assert page.inner_text("#missing h2") == "未报送（1 个地区）"
    assert "高新区" in page.inner_text("#missing")
    shown = {(r[2], r[5]) for r in table_rows(page, "#problems")}
    assert ("", "高新区未报送") in shown and ("富顺", "“富顺”不在应报送的地区名单中") in shown
    units = page.locator("#problem-lists li a").all_inner_texts()
    assert any(u.startswith("高新区（") for u in units), units


def test_sensitivity_page_shows_the_chart_and_the_numbers_of_scorer_sensitivity(page, server):
    import json

    from click.testing import CliRunner

    from scorer.cli import main

    upload(page, server, SAMPLES / "2010.xlsx")
    page.click("text=" + render("serve.sensitivity", "zh"))
    page.fill("#draws", "400")
    page.fill("#seed", "7")
    page.fill("#spread", "30")
    page.keyboard.press("Enter")  # the form is sent from the keyboard
    page.wait_for_url(re.compile(r"seed=7"))
    assert page.locator(".chart svg line.range").count() == 17  # an interval per city
    args = ["sensitivity", str(SAMPLES / "2010.xlsx"), "--draws", "400", "--seed", "7",
            "--spread", "30%", "--format", "json"]  # fmt: skip
    answer = CliRunner().invoke(main, args)
    assert answer.exit_code == 0, answer.output
    expected = [
        [str(d["rank"]), d["district"], f"{d['median_rank']:g}", f"{d['rank_p5']}–{d['rank_p95']}",
         d["grade"], f"{100 * d['grade_kept']:.0f}%"]
        for d in json.loads(answer.stdout)["districts"]
    ]  # fmt: skip
    assert [r[:6] for r in table_rows(page, "main table")] == expected
    assert any(r[3] != f"{r[0]}–{r[0]}" for r in expected)  # some ranks do move


def test_compare_with_an_earlier_run_as_scorer_compare_says(page, server, tmp_path):
    import json

    from click.testing import CliRunner

    from scorer.cli import main

    earlier = tmp_path / "2010.xlsx"  # 合肥市 had done 70% of what it has done now
    book = openpyxl.load_workbook(SAMPLES / "2010.xlsx")
    for row in book.worksheets[0].iter_rows(min_row=4):
        if row[0].value == "合肥市" and isinstance(row[3].value, (int, float)):
            row[3].value = row[3].value * 0.7
    book.save(earlier)
    upload(page, server, earlier)
    before = run_id(page)
    upload(page, server, SAMPLES / "2010.xlsx")
    page.select_option("#with", str(before))
    page.click("form[action$='/compare'] button")
    page.wait_for_selector("#changes")
    answer = CliRunner().invoke(
        main, ["compare", str(earlier), str(SAMPLES / "2010.xlsx"), "--format", "json"]
    )
    assert answer.exit_code == 0, answer.output

    def move(n: int) -> str:
        return "—" if n == 0 else (f"↑{n}" if n > 0 else f"↓{-n}")

    expected = [
        [str(d["rank"]), d["district"], str(d["rank_before"]), move(d["move"]),
         f"{d['total_before']:,.2f}", f"{d['total']:,.2f}", d["grade"]]
        for d in json.loads(answer.stdout)["districts"]
    ]  # fmt: skip
    rows = table_rows(page, "#changes")
    assert rows == expected
    assert next(r for r in rows if r[1] == "合肥市")[3] == "↑2"


def test_every_problem_of_the_errors_sample_at_its_cell(page, server):
    upload(page, server, SAMPLES / "2010-errors.xlsx")
    result = assess([SAMPLES / "2010-errors.xlsx"])
    shown = {(r[2], r[3], r[5]) for r in table_rows(page, "#problems")}
    expected = {(i.sheet or "", i.cell or "", i.message("zh")) for i in result.issues}
    assert shown == expected and len(expected) >= 7
    assert page.locator("#ranking").count() == 0
    text = page.inner_text("main")
    assert "D7" in text and "约1000" in text and "是否应为“农村五保供养”？" in text


def test_a_published_run_cannot_be_changed(page, server):
    upload(page, server, SAMPLES / "2010.xlsx")
    number = run_id(page)
    page.click("#publish")
    page.wait_for_selector("#published")
    page.click("#delete")
    page.wait_for_selector(".flash-error")
    assert "已于" in page.inner_text(".flash-error") and "定稿" in page.inner_text(".flash-error")
    with Store(server.work.db_path) as store:
        assert store.run(number).published
        with pytest.raises(Exception, match="published run"):
            store.db.execute("UPDATE results SET total = 0 WHERE run_id = ?", (number,))


def test_a_rerun_that_gives_other_numbers_says_so(server, tmp_path):
    """The same files scored under the same stored scheme, but the stored results tampered
    with as an older scorer might have scored them: the new run says they differ."""
    with Store(server.work.db_path) as store:
        before = store.save(assess([SAMPLES / "2010.xlsx"]))
        store.db.execute("UPDATE results SET total = total + 1 WHERE run_id = ?", (before.run_id,))
        again = store.save(assess([SAMPLES / "2010.xlsx"]))
    assert before.run_id in again.differs


def test_english_page_holds_no_chinese_words_of_its_own(page, server):
    from scorer.scheme import known_schemes, load_scheme

    page.goto(server.url + "?lang=en")
    text = page.inner_text("main")
    assert "Upload the returns and score them" in text
    names = "\n".join(load_scheme(p).name for p in known_schemes())  # the schemes' own names
    with Store(server.work.db_path) as store:
        names += "\n".join(r.created_by for r in store.runs())
    own = [run for run in re.findall(r"[\u4e00-\u9fff]+", text) if run not in names]
    assert own == [], own


def _own_chinese(text: str, *schemes) -> list[str]:
    """The runs of Chinese in a page that are not names from its scheme or returns, and any
    Chinese punctuation (an English page is in English, around the user's names)."""
    names = set()
    for scheme in schemes:
        names |= {scheme.name, *scheme.templates, *(p.name for p in scheme.projects)}
        names |= {c.label for c in scheme.columns.values()}
        for project in scheme.projects:
            names |= {i.name for i in scheme.rules_of(project).indicators or []}
            names |= set(project.aliases)
        names |= set(scheme.grades)
        names |= {a.name for a in scheme.awards}
    names |= {r.district for r in assess([SAMPLES / "2010.xlsx"]).ranking.table.itertuples()}
    names |= {"2010年度民生工程", "约1000", "村村通", "农村五宝供养", "暂缓实施"}  # cells read
    # intake/checks.py joins the ambiguous-project candidates with 、 before the catalog can
    names.add("农村公路“村村通”、广播电视“村村通”")
    for name in sorted(names, key=len, reverse=True):  # the names taken out, longest first
        text = text.replace(name, " ")
    return re.findall(r"[\u4e00-\u9fff]+|[（），：；、。]", text)


def test_an_english_run_and_its_pages_hold_no_chinese_of_their_own(page, server):
    from scorer.scheme import load_scheme

    anhui = load_scheme(ROOT / "rules" / "anhui-2010.yaml")
    upload(page, server, SAMPLES / "2010.xlsx")
    number = run_id(page)
    for tail in ["", "/sensitivity?draws=100", "/whatif", "/district?name=铜陵市"]:
        page.goto(f"{server.url}runs/{number}{tail}{'&' if '?' in tail else '?'}lang=en")
        assert _own_chinese(page.inner_text("main"), anhui) == [], tail
    page.goto(f"{server.url}runs/{number}/whatif?lang=en")
    page.locator("#whatif-form summary", has_text="template").click()
    page.locator("#whatif-form tr", has_text="标准.资金拨付.tiers.2.min").locator("input").fill(
        "0.9"
    )
    page.click("#whatif-go")
    page.wait_for_selector("#moves")
    assert _own_chinese(page.inner_text("main"), anhui) == []
    assert "tier 2: at least" in page.text_content("#whatif-form")
    page.goto(server.url + "?lang=en")
    upload(page, server, SAMPLES / "2010-errors.xlsx")
    assert _own_chinese(page.inner_text("main"), anhui) == []


def test_keyboard_only_upload(page, server):
    """The form can be used with the keyboard: every control is reached with Tab."""
    page.goto(server.url)
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.id || document.activeElement.name"))
    assert {"scheme", "files", "go"} <= set(seen), seen


def test_every_page_fits_1366_by_768_without_scrolling_sideways(page, server):
    """The common office screen: no page is wider than it (a wide table scrolls in its own
    box); the pictures are kept in the test's folder to look at."""
    upload(page, server, SAMPLES / "2010.xlsx")
    number = run_id(page)
    pages = ["", "/district?name=铜陵市", "/whatif", "/sensitivity?draws=200"]
    for n, tail in enumerate(pages):
        page.goto(f"{server.url}runs/{number}{tail}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, (tail, width)
        page.screenshot(path=page.context.tmp_shot.replace(".png", f"-{n}.png"))
    upload(page, server, SAMPLES / "2010-errors.xlsx")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366


def test_keyboard_only_from_the_ranking_to_a_district_and_the_whatif_groups(page, server):
    upload(page, server, SAMPLES / "2010.xlsx")
    page.focus("#ranking a >> nth=0")
    page.keyboard.press("Enter")
    page.wait_for_selector("#summary")
    assert "/district?name=" in page.url
    page.go_back()
    page.click("text=" + render("serve.whatif", "zh"))
    group = page.locator("#whatif-form summary").nth(1)
    group.focus()
    page.keyboard.press("Enter")  # a group opens from the keyboard
    assert page.locator("#whatif-form details").nth(1).get_attribute("open") is not None
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused.startswith("p"), focused  # its first number, next in the tab order


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_serve_says_at_start_and_stop_where_it_is_in_the_language_asked(tmp_path, lang):
    import signal
    import subprocess
    import sys

    db = tmp_path / "runs.sqlite"
    command = [sys.executable, "-m", "scorer", "serve", "--port", "0", "--no-browser",
               "--db", str(db), "--lang", lang]  # fmt: skip
    env = dict(os.environ, SCORER_LANG="")
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        lines = [process.stderr.readline().rstrip("\n") for _ in range(2)]
        url = re.search(r"http://127\.0\.0\.1:\d+/", lines[0]).group(0)
        from urllib.request import urlopen

        assert b"<html" in urlopen(url, timeout=10).read()  # it serves
        process.send_signal(signal.SIGINT)
        rest = process.stderr.read().strip()
        process.wait(10)
    finally:
        process.kill()
    assert lines == [
        render("serve.started", lang, url=url),
        render("serve.db_is", lang, path=str(db)),
    ]
    assert rest == render("serve.stopped", lang)
    chinese = re.findall(r"[\u4e00-\u9fff]", "\n".join([*lines, rest]))
    assert (chinese != []) == (lang == "zh")


# ----------------------------------------------------------------------------- security


def test_forms_without_the_csrf_token_are_refused(server):
    app, work = make_app(server.work.db_path)
    client = Client(app)
    client.get("/")
    answer = client.post("/runs/1/delete", data={"csrf": "guess"})
    assert answer.status_code == 403
    assert render("serve.csrf", "zh") in answer.text
    work.close()


def test_another_host_name_is_refused_on_127_0_0_1(server):
    app = server.app
    client = Client(app)
    answer = client.get("/", headers={"Host": "evil.example:80"})
    assert answer.status_code == 421


def test_every_page_has_a_strict_content_security_policy(server):
    answer = Client(server.app).get("/", headers={"Host": f"127.0.0.1:{server.port}"})
    policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe" not in policy and "http" not in policy


def test_with_a_token_only_the_login_is_open_and_logins_expire(tmp_path):
    app, work = make_app(tmp_path / "runs.sqlite", token="s3cret", session_hours=1)
    client = Client(app)
    assert client.get("/").status_code == 303  # to the login
    login = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
    wrong = client.post("/login", data={"csrf": csrf, "token": "guess"})
    assert client.get("/").status_code == 303 and wrong.status_code == 303
    client.post("/login", data={"csrf": csrf, "token": "s3cret"})
    assert client.get("/").status_code == 200
    for session in app.sessions.open.values():
        session.expires = time.time() - 1  # an hour later
    assert client.get("/").status_code == 303
    work.close()


def test_remote_host_makes_a_token(tmp_path):
    running = start("0.0.0.0", 0, tmp_path / "runs.sqlite")
    try:
        assert running.token and len(running.token) >= 16
        assert running.app.token == running.token
    finally:
        running.shutdown()


def test_hostile_names_are_shown_as_text(page, server, tmp_path):
    folder = tmp_path / "up"
    folder.mkdir()
    book = write_xlsx(folder / "2010.xlsx", {SHEET: hostile_rows()})
    evil = folder / "<img src=x onerror=alert(1)>.xlsx"
    shutil.copy(book, evil)
    upload(page, server, evil, scheme="bundled:anhui-2010.yaml")
    assert page.problems == []
    assert page.locator("img").count() == 0 and page.locator("main script").count() == 0
    text = page.inner_text("main")
    for shown in HOSTILE.values():
        assert shown in text, shown
    assert "\x1b" not in text


def test_uploaded_names_are_never_paths(server, tmp_path):
    from werkzeug.datastructures import FileStorage

    work = server.work
    folder = work.folder("upload")
    data = (SAMPLES / "2010.xlsx").read_bytes()
    names = [
        "../../etc/2010.xlsx",
        "/abs/2010.xlsx",
        "..\\..\\2010.xlsx",
        "2010.xlsx",
        "a\x00b.xlsx",
    ]
    files = [FileStorage(io.BytesIO(data), filename=n) for n in names]
    taken = work.take_files(files, folder)
    assert len(taken.paths) == len(names)
    for path in taken.paths:
        assert path.resolve().is_relative_to(folder.resolve())
    assert taken.names == names


def test_too_many_files_are_refused(server):
    from scorer.web.app import MAX_FILES

    client = Client(server.app)
    host = {"Host": f"127.0.0.1:{server.port}"}
    home = client.get("/", headers=host)
    csrf = re.search(r'name="csrf" value="([^"]+)"', home.text).group(1)
    files = [(io.BytesIO(b"x"), f"{n}.csv") for n in range(MAX_FILES + 1)]
    answer = client.post("/runs", data={"csrf": csrf, "files": files}, headers=host)
    assert answer.status_code == 413
    assert str(MAX_FILES) in answer.text


def test_edit_a_scheme_problems_at_their_fields_then_a_new_version(page, server):
    page.goto(server.url + "schemes/bundled/anhui-2010.yaml")
    page.fill("input[name='projects.0.weight']", "-5")
    page.click("#scheme-save")
    page.wait_for_selector("tr.invalid")
    invalid = page.eval_on_selector_all("tr.invalid input", "xs => xs.map(x => x.name)")
    assert invalid == ["total", "projects.0.weight"]  # weights no longer add up; below zero
    assert "各项目分值合计 3375 分" in page.inner_text("tr.invalid >> nth=0")
    # 120 → 110 and 100 → 110 keep the total: saved as a new version, only those numbers changed
    page.fill("input[name='projects.0.weight']", "110")
    page.fill("input[name='projects.5.weight']", "110")
    page.click("#scheme-save")
    page.wait_for_selector(".flash-ok")
    new_id = int(page.url.rsplit("/", 1)[1])
    with Store(server.work.db_path) as store:
        new = store.scheme(new_id)
        old = store.scheme(new.parent_id)
    assert new.saved and old.text == (ROOT / "rules" / "anhui-2010.yaml").read_text("utf-8")
    changed = [(a, b) for a, b in zip(old.text.splitlines(), new.text.splitlines()) if a != b]
    assert len(changed) == 2 and all("weight: 110" in b for _, b in changed)
    assert old.text.count("#") == new.text.count("#")  # every comment kept
    rows = table_rows(page, "#weights")
    assert rows[0][2] == "110" and rows[5][2] == "110"
