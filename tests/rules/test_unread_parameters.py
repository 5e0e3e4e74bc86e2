"""The two open points of qd366-hd43 that only one reading is written for (docs/rulebook-366.md §6): `band_mode`
(only "floor": fall to the highest lower level whose conditions hold) and `score_subgroup_maxima` (the workbook has
no sub-group columns, so only the totals 30 and 70 are checked). Neither may silently do nothing: the cycle page
says plainly what is used and what is not, and a rule set given another value is refused where it is built."""
import pytest

from kdweb.rules import RULE_SETS
from kdweb.rules.parameters import describe

SCORED = RULE_SETS["qd366-hd43"]


def shown(rule_set) -> dict:
    return {parameter.name: parameter for parameter in describe(rule_set)}


def test_the_page_says_floor_is_the_only_fallback_written_and_sub_group_maxima_are_not_used():
    rows = shown(SCORED)
    assert rows["band_mode"].value == "xuống mức thấp hơn đạt điều kiện (cách duy nhất đã cài đặt)"
    maxima = rows["score_subgroup_maxima"].value
    assert maxima.startswith("Chưa dùng:") and "chỉ kiểm tra tổng" in maxima and "30" in maxima and "70" in maxima


@pytest.mark.parametrize("changes", [
    {"band_mode": "one_level"}, {"band_mode": ""},
    {"score_subgroup_maxima": {"common:1": 10}},
], ids=["another band mode", "no band mode", "sub-group maxima"])
@pytest.mark.parametrize("rule_set_id", list(RULE_SETS))
def test_a_value_no_check_reads_is_refused_where_the_rule_set_is_built(rule_set_id, changes):
    with pytest.raises(ValueError) as refused:
        RULE_SETS[rule_set_id].with_changes(**changes)
    name = next(iter(changes))
    assert name in str(refused.value) and "chưa" in str(refused.value)


def test_the_values_that_are_read_are_still_accepted():
    assert SCORED.with_changes(band_mode="floor", score_subgroup_maxima={}).band_mode == "floor"
