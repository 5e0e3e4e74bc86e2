"""What the checks of one unit's batch share: the batch, the rule set, indexes by code, and how to emit."""
from __future__ import annotations

from collections import defaultdict

from .findings import Finding
from .messages import record_phrase
from .records import UnitBatch
from .ruleset import RuleSet
from .terms import SubjectKind


def record_finding(rule_set: RuleSet, rule: str, record, field: str | None, text: str, unit_code) -> Finding:
    """A finding about one record; `text` continues the sentence that starts with the subject's name."""
    return Finding(
        rule=rule,
        severity=rule_set.severity(rule),
        subject_kind=record.subject_kind,
        subject_code=record.code,
        subject_name=record.name,
        field=field,
        message=f"{record_phrase(record)}: {text}",
        unit_code=unit_code or None,
    )


class UnitContext:
    def __init__(self, batch: UnitBatch, rule_set: RuleSet):
        self.batch = batch
        self.rule_set = rule_set
        self.unit_code = batch.unit_code
        self.review_date = batch.review_date
        self._indexes: dict[str, dict] = {}

    def records(self, kind: SubjectKind) -> list:
        return self.batch.records_of(kind)

    def finding(self, rule: str, record, field: str | None, text: str) -> Finding:
        return record_finding(self.rule_set, rule, record, field, text, self.unit_code)

    def organisations_by_code(self) -> dict[str, list]:
        return self._index("org_code", self.batch.organisations, lambda org: org.code)

    def collectives_by_code(self) -> dict[str, list]:
        return self._index("collective_code", self.batch.collectives, lambda collective: collective.code)

    def organisations_by_parent(self) -> dict[str, list]:
        return self._index("org_parent", self.batch.organisations, lambda org: org.parent_code)

    def members_of_cell(self, code: str) -> list:
        """The members of a chi bộ: by `cell_code`, or by `unit_code` when the cell code is blank (a chi bộ cơ sở)."""
        if "member_cell" not in self._indexes:
            index = defaultdict(list)
            for member in self.batch.members:
                index[member.cell_code or member.unit_code].append(member)
            self._indexes["member_cell"] = index
        return self._indexes["member_cell"].get(code, [])

    def _index(self, name: str, records, key) -> dict[str, list]:
        if name not in self._indexes:
            index = defaultdict(list)
            for record in records:
                index[key(record)].append(record)
            self._indexes[name] = index
        return self._indexes[name]


class DistrictContext:
    """Every unit's batch at once, for the checks across workbooks; records are indexed with their batch's position."""

    def __init__(self, batches: list[UnitBatch], rule_set: RuleSet):
        self.batches = batches
        self.rule_set = rule_set
        self.unit_names = {batch.unit_code: batch.unit_name for batch in batches}
        self.organisations_by_code = _positions(batches, SubjectKind.ORGANISATION)
        self.collectives_by_code = _positions(batches, SubjectKind.COLLECTIVE)

    def finding(self, rule: str, record, field: str | None, text: str, position: int) -> Finding:
        return record_finding(self.rule_set, rule, record, field, text, self.batches[position].unit_code)

    def records(self, kind: SubjectKind):
        """(position, record) for every record of `kind` in every batch."""
        for position, batch in enumerate(self.batches):
            for record in batch.records_of(kind):
                yield position, record


def _positions(batches, kind) -> dict[str, list]:
    index = defaultdict(list)
    for position, batch in enumerate(batches):
        for record in batch.records_of(kind):
            index[record.code].append((position, record))
    return index
