"""Every parameter of a rule set, and every UNCONFIRMED point of its rule book, is named on the cycle's admin page
(issue 19: "Every UNCONFIRMED point is a named parameter shown on the cycle's admin page")."""
import html
import re

import pytest

from kdweb.rules import RULE_SETS
from kdweb.rules.parameters import describe

YEARS = {rule_set_id: 2030 + index for index, rule_set_id in enumerate(RULE_SETS)}


def parameter_rows(page):
    """(name, marked unconfirmed) of each row of the parameters table."""
    table = page.split('id="rule-set-parameters"', 1)[1].split("</table>", 1)[0]
    return {html.unescape(match.group(1)): "Chưa xác nhận" in match.group(2)
            for match in re.finditer(r'<span class="code">\((.*?)\)</span></td>(.*?)</tr>', table, re.S)}


@pytest.mark.parametrize("rule_set_id", list(RULE_SETS))
def test_every_parameter_and_every_unconfirmed_point_is_on_the_cycle_page(client, admin, rule_set_id):
    year = YEARS[rule_set_id]
    client.post("/admin/cycles", data={"year": str(year), "rule_set_id": rule_set_id})
    page = client.get(f"/admin/cycles/{year}").get_data(as_text=True)
    rows = parameter_rows(page)
    rule_set = RULE_SETS[rule_set_id]
    described = describe(rule_set)
    assert rows == {parameter.name: parameter.unconfirmed for parameter in described}
    for parameter in described:
        assert html.escape(parameter.label, quote=False) in page and html.escape(parameter.value, quote=False) in page
    assert rule_set.unconfirmed and all(rows.get(name) is True for name in rule_set.unconfirmed), \
        set(rule_set.unconfirmed) - set(rows)


def test_the_366_open_points_are_all_named():
    names = {parameter.name: parameter for parameter in describe(RULE_SETS["qd366-hd43"])}
    for name in ("band_mode", "score_subgroup_maxima", "quarter_gap", "org_htxsnv_share", "small_group_threshold",
                 "quota_scope", "rule:C-UNIT", "rule:L-HEAD", "severity:M-CIVIL", "rule:O-NEW"):
        assert names[name].unconfirmed, name
    assert names["severity:M-CIVIL"].value == "Cảnh báo"
    assert names["org_htxsnv_share"].value.endswith("(O-HTXSNV không áp dụng)")
    assert names["rule:C-UNIT"].value == "Áp dụng"
    seed = {parameter.name: parameter for parameter in describe(RULE_SETS["qd132-hd21"])}
    assert seed["rule:O-HTTNV"].unconfirmed and seed["rule:O-HTTNV"].value == "Không áp dụng"


def test_docs_rules_lists_both_rule_sets_side_by_side_with_their_unconfirmed_points():
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    section = text.split("## The two rule sets side by side", 1)[1].split("\n## ", 1)[0]
    header = next(line for line in section.splitlines() if line.startswith("| |"))
    assert all(f"`{rule_set_id}`" in header for rule_set_id in RULE_SETS)
    for rule_set in RULE_SETS.values():
        assert all(f"`{name}`" in section for name in rule_set.unconfirmed), rule_set.id
