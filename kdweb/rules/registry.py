"""The rule sets by id; a yearly cycle names one."""
from __future__ import annotations

from . import qd132_hd21, qd366_hd43
from .ruleset import RuleSet

DEFAULT_RULE_SET_ID = qd132_hd21.ID
RULE_SETS: dict[str, RuleSet] = {qd132_hd21.ID: qd132_hd21.RULE_SET, qd366_hd43.ID: qd366_hd43.RULE_SET}


def get_rule_set(rule_set_id: str | None = None) -> RuleSet:
    """The rule set with this id (the default when None); an unknown id is a configuration error: KeyError."""
    key = rule_set_id or DEFAULT_RULE_SET_ID
    try:
        return RULE_SETS[key]
    except KeyError:
        known = ", ".join(sorted(RULE_SETS))
        raise KeyError(f"Không có bộ quy tắc “{key}”; các bộ hiện có: {known}.") from None
