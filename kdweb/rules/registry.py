"""The rule sets by id; a yearly cycle names one."""
from __future__ import annotations

from . import qd132_hd21, qd366_hd43
from .ruleset import RuleSet

DEFAULT_RULE_SET_ID = qd132_hd21.ID
RULE_SETS: dict[str, RuleSet] = {qd132_hd21.ID: qd132_hd21.RULE_SET, qd366_hd43.ID: qd366_hd43.RULE_SET}
# The first year reviewed under each rule set: Quy định 132-QĐ/TW (2018) from the 2018 review on, Quy định 366-QĐ/TW
# (30/8/2025) and Hướng dẫn 43-HD/BTCTW (31/10/2025) from the 2025 review on (docs/rulebook-366.md).
FIRST_YEAR: dict[str, int] = {qd132_hd21.ID: 2018, qd366_hd43.ID: 2025}


def rule_set_for_year(year: int) -> str:
    """The id of the rule set a new cycle of this year is reviewed under: the newest in force that year (the
    default before the first)."""
    in_force = [(first, rule_set_id) for rule_set_id, first in FIRST_YEAR.items() if first <= year]
    return max(in_force)[1] if in_force else DEFAULT_RULE_SET_ID


def get_rule_set(rule_set_id: str | None = None) -> RuleSet:
    """The rule set with this id (the default when None); an unknown id is a configuration error: KeyError."""
    key = rule_set_id or DEFAULT_RULE_SET_ID
    try:
        return RULE_SETS[key]
    except KeyError:
        known = ", ".join(sorted(RULE_SETS))
        raise KeyError(f"Không có bộ quy tắc “{key}”; các bộ hiện có: {known}.") from None
