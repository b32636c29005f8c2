"""app/changes/risk.py: the risk a change's questionnaire suggests, for every set of answers (pure, no app)."""
from itertools import combinations

import pytest

from app.changes.risk import QUESTIONS, suggest_risk

# Every set of "yes" answers, and the risk it suggests.
SUGGESTED = [
    ((), "low"),
    (("downtime",), "medium"),
    (("first_time",), "medium"),
    (("slow_backout",), "medium"),
    (("shared",), "medium"),
    (("downtime", "slow_backout"), "high"),  # downtime that cannot be backed out quickly
    (("downtime", "first_time"), "medium"),
    (("downtime", "shared"), "medium"),
    (("first_time", "slow_backout"), "medium"),
    (("first_time", "shared"), "medium"),
    (("slow_backout", "shared"), "medium"),
    (("downtime", "first_time", "slow_backout"), "high"),
    (("downtime", "first_time", "shared"), "high"),
    (("downtime", "slow_backout", "shared"), "high"),
    (("first_time", "slow_backout", "shared"), "high"),
    (QUESTIONS, "high"),
]


def test_the_table_covers_every_set_of_answers():
    every = {frozenset(c) for n in range(len(QUESTIONS) + 1) for c in combinations(QUESTIONS, n)}
    assert {frozenset(yes) for yes, _ in SUGGESTED} == every and len(SUGGESTED) == len(every)


@pytest.mark.parametrize("yes,risk", SUGGESTED, ids=lambda v: "+".join(v) if isinstance(v, tuple) else v)
def test_suggested_risk(yes, risk):
    assert suggest_risk({name: name in yes for name in QUESTIONS}) == risk
    assert suggest_risk(dict.fromkeys(yes, True)) == risk  # a question left unanswered is a no


def test_one_more_yes_never_lowers_the_risk():
    order = ["low", "medium", "high"]
    for yes, risk in SUGGESTED:
        for extra in set(QUESTIONS) - set(yes):
            assert order.index(suggest_risk(dict.fromkeys((*yes, extra), True))) >= order.index(risk)


def test_answers_to_other_questions_are_ignored():
    assert suggest_risk({"coffee": True, "weekend": True, "unknown": True}) == "low"
    assert suggest_risk({"downtime": False, "shared": 0, "first_time": None}) == "low"
