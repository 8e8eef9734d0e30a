"""The HTML report's order and charts as Chromium draws them: summary first, internal material
last, every chart label inside its picture, a value in every heat-map cell."""

from __future__ import annotations

import os
import shutil

import pytest
from update_golden import sample_result

from scorer.render.report import render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(scope="module")
def sample():
    return sample_result()


@pytest.fixture(scope="module")
def html(sample):
    return render(sample, ".html").decode()


def test_the_summary_comes_first_and_internal_material_last(html, sample):
    order = [
        "考核结果概况",
        "<h2>排名</h2>",
        "各项目得分率",
        "未达到进度要求的项目",
        "考核方案分值表",
    ]
    places = [html.index(word) for word in order]
    assert places == sorted(places)
    last_district = max(html.index(f"<h2>{d}：") for d in sample.ranking.table["district"])
    appendix = html.index("附录（内部资料，不对外印发）")
    assert appendix > last_district
    assert html.index("SHA-256") > appendix and html.index("数据问题与提醒") > appendix
    assert "总分分布（横轴自 2,800 分起，不从 0 开始）" in html


@pytest.fixture(scope="module")
def page(sample, tmp_path_factory):
    if CHROMIUM is None and not IN_CI:
        pytest.skip("needs Debian's chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_bytes(render(sample, ".html"))
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.goto(path.as_uri())
        yield page
        browser.close()


def test_no_chart_label_is_clipped(page):
    outside = page.evaluate(
        """() => [...document.querySelectorAll('svg')].flatMap(svg => {
            const box = svg.getBoundingClientRect();
            return [...svg.querySelectorAll('text')].filter(t => {
                const r = t.getBoundingClientRect();
                return r.left < box.left - 0.5 || r.right > box.right + 0.5 ||
                       r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
            }).map(t => t.textContent);
        })"""
    )
    assert outside == []


def test_every_heat_map_cell_has_its_value_and_dots_show_the_spread(page, sample):
    values = page.evaluate(
        """() => [...document.querySelectorAll('svg[aria-label="各项目得分率"] rect')].map(r =>
              r.nextElementSibling && r.nextElementSibling.tagName === 'text'
                ? r.nextElementSibling.textContent : null)"""
    )
    scored = ~sample.ranking.assessment.suspended.to_numpy()
    assert len(values) == scored.size
    assert sum(v is not None for v in values) == int(scored.sum())
    xs = page.evaluate(
        """() => [...document.querySelectorAll('svg[aria-label="总分"] circle')].map(c =>
              c.getBoundingClientRect().left)"""
    )
    assert len(xs) == 17 and max(xs) - min(xs) > 300  # 2,804 to 3,275 spread over the width
