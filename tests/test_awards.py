"""The award rule's two implementations agree: ``decide`` on the published ranking, ``honoured``
over draws of totals (sensitivity)."""

from __future__ import annotations

import numpy as np
from conftest import RULES, SAMPLES

import scorer
from scorer.awards import honoured


def test_honoured_agrees_with_the_published_award():
    result = scorer.assess([SAMPLES / "2010-counties.xlsx"], RULES / "anhui-2010.yaml")
    assessment = result.ranking.assessment
    published = result.ranking.awards[0]
    award = result.scheme.awards[0]
    totals = assessment.total.round(result.scheme.precision).to_numpy()[None, :]
    won = honoured(award, assessment, totals)[0]
    by_numpy = {d for d, w in zip(assessment.districts, won) if w}
    tied = {
        d
        for g in published.groups
        if g.note
        for d in g.note.render("zh").split("总分")[0].split("、")
    }
    # a tie on a quota line counts as honoured in the draws; the published award settles it
    assert set(published.winners) - tied == by_numpy - tied
    assert set(published.winners) <= by_numpy
    assert tied and tied <= by_numpy  # 临泉县 and 太和县 both, in the draws


def test_honoured_follows_the_grade_floor():
    result = scorer.assess([SAMPLES / "2010-counties.xlsx"], RULES / "anhui-2010.yaml")
    assessment = result.ranking.assessment
    lowered = np.full((1, len(assessment.districts)), 0.7 * result.scheme.total)
    assert not honoured(result.scheme.awards[0], assessment, lowered).any()  # 合格: none
