"""What-if over a rule's own numbers (issue 16): every number of every indicator listed as
``--set`` names it, tier bounds, steps and rank bands set by path, checked as a rule file is."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import RULES, SAMPLES

from scorer.cli import main
from scorer.errors import UsageError
from scorer.scheme import load_scheme
from scorer.whatif import changed, parameters

ANHUI = load_scheme(RULES / "anhui-2010.yaml")
ROADS = "农村公路“村村通”"


def test_every_number_of_every_rule_is_listed_as_set_names_it():
    found = {p.setting: p.value for p in parameters(ANHUI)}
    # the template the 33 projects share, then each project's own (its template's numbers)
    assert found["标准.资金拨付.tiers.2.min"] == 0.85
    assert found[f"{ROADS}.资金拨付.tiers.3.score"] == 0.6
    assert found["资金保障.资金到位率.loss_per_point"] == 0.02
    assert found[f"{ROADS}.目标任务完成.full_at"] == 1.0
    # a share alone cannot change (a project's shares add up to 1), nor a formula
    assert not [s for s in found if s.endswith((".share", ".value"))]
    template = [p for p in parameters(ANHUI) if p.template]
    assert {p.owner for p in template} == {"标准"} and len(template) == 11
    assert len(found) == 11 + 33 * 11 + 3  # 资金保障: full_at, loss_per_point, floor


def test_steps_rank_bands_and_sequences_are_listed_without_their_words():
    shapes = {p.setting for p in parameters(load_scheme(RULES / "shapes-2024.yaml"))}
    assert any(s.endswith(".gain.per") for s in shapes)
    assert any(s.endswith(".sequence.step") for s in shapes)
    tongling = {p.setting for p in parameters(load_scheme(RULES / "tongling-2015.yaml"))}
    assert any(s.endswith(".bands.2.points") for s in tongling)
    assert not any(s.endswith(".ranks") for s in tongling)


def test_a_projects_tier_bound_changes_that_project_only():
    scheme, said = changed(ANHUI, [f"{ROADS}.资金拨付.tiers.2.min=0.9"])
    assert [s.render("zh") for s in said] == [f"{ROADS}·资金拨付 tiers.2.min 0.85 → 0.9"]
    roads = next(p for p in scheme.projects if p.name == ROADS)
    water = next(p for p in scheme.projects if p.name == "农村饮水安全工程")
    assert scheme.rules_of(roads).indicators[1].tiers[1].min == 0.9
    assert scheme.rules_of(water).indicators[1].tiers[1].min == 0.85


def test_a_templates_tier_bound_changes_every_project_using_it():
    scheme, said = changed(ANHUI, ["标准.资金拨付.tiers.1.score=0.9"])
    assert [s.render("zh") for s in said] == ["模板“标准”·资金拨付 tiers.1.score 1.0 → 0.9"]
    assert {scheme.rules_of(p).indicators[1].tiers[0].score for p in scheme.projects[:33]} == {0.9}


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        (f"{ROADS}.资金拨付.tiers.4.min=0.5", "没有可改的参数“tiers.4.min”"),
        (f"{ROADS}.资金拨付.tiers.0.min=0.5", "没有可改的参数“tiers.0.min”"),
        (f"{ROADS}.资金拨付.tiers.1=0.5", "没有可改的参数“tiers.1”"),
        (f"{ROADS}.资金拨付.tiers.x.min=0.5", "没有可改的参数“tiers.x.min”"),
        (f"{ROADS}.资金拨付.tiers.2.min=0.97", "各档 min 须从高到低排列"),  # the rule file's check
        (f"{ROADS}.目标任务完成.full_at.x=1", "没有可改的参数“full_at.x”"),
    ],
)
def test_a_path_that_names_nothing_or_a_bad_value_is_refused(setting, said):
    with pytest.raises(UsageError) as caught:
        changed(ANHUI, [setting])
    assert said in caught.value.said.render("zh")
    assert setting in caught.value.said.render("zh")


def test_the_command_line_takes_the_same_paths():
    answer = CliRunner().invoke(
        main,
        ["whatif", str(SAMPLES / "2010.xlsx"), "--set", "标准.资金拨付.tiers.2.min=0.9"],
    )
    assert answer.exit_code == 0, answer.output
    assert "模板“标准”·资金拨付 tiers.2.min 0.85 → 0.9" in answer.output
