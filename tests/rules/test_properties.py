"""Properties over arbitrary records: never a crash, order does not matter, lowering a level creates no quota error."""
import dataclasses
import os
import random
import unicodedata

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from kdweb.rules import (
    Grade, Level, MemberRecord, QuotaBase, Severity, SubjectKind, UnitBatch, get_rule_set, suggest_level,
    validate_district, validate_unit,
)
from kdweb.rules.validate import UNCHECKED

from .strategies import batches, members, seeded_batches

# KDWEB_PROPERTY_EXAMPLES raises the count for a deeper run; the default keeps the suite at a few seconds.
EXAMPLES = int(os.environ.get("KDWEB_PROPERTY_EXAMPLES", "80"))
RICH = settings(max_examples=max(EXAMPLES // 3, 10), deadline=None)
MANY = settings(max_examples=EXAMPLES, deadline=None)
KIND_FIELDS = {
    SubjectKind.MEMBER: "members",
    SubjectKind.ORGANISATION: "organisations",
    SubjectKind.COLLECTIVE: "collectives",
    SubjectKind.LEADER: "leaders",
}
QUOTA = {"Q-20", "Q-SMALL"}
SHUFFLES = st.integers(0, 2**32 - 1).map(random.Random)


def shuffled(batch, random):
    lists = {name: random.sample(getattr(batch, name), len(getattr(batch, name))) for name in KIND_FIELDS.values()}
    return dataclasses.replace(batch, **lists)


@RICH
@given(batches)
def test_validation_never_crashes_on_arbitrary_records(batch):
    assert all(finding.rule != UNCHECKED for finding in validate_unit(batch))


@MANY
@given(seeded_batches)
def test_validation_never_crashes_and_every_finding_is_well_formed(batch):
    findings = validate_unit(batch)
    assert all(finding.rule != UNCHECKED for finding in findings), [f.message for f in findings if f.rule == UNCHECKED]
    for finding in findings:
        assert finding.severity in (Severity.ERROR, Severity.WARNING)
        assert isinstance(finding.subject_kind, SubjectKind)
        assert finding.message and unicodedata.is_normalized("NFC", finding.message)


@MANY
@given(st.lists(seeded_batches, max_size=4))
def test_district_validation_never_crashes(all_batches):
    findings = validate_district(all_batches)
    assert all(finding.rule != UNCHECKED for finding in findings)


@MANY
@given(seeded_batches, SHUFFLES)
def test_findings_do_not_depend_on_record_order(batch, random):
    assert validate_unit(shuffled(batch, random)) == validate_unit(batch)


@MANY
@given(st.lists(seeded_batches, min_size=1, max_size=4), SHUFFLES)
def test_district_findings_do_not_depend_on_record_order(all_batches, random):
    reordered = [shuffled(batch, random) for batch in all_batches]
    assert validate_district(reordered) == validate_district(all_batches)


def quota_errors(findings) -> set:
    return {
        (finding.subject_kind, finding.subject_code, finding.unit_code)
        for finding in findings
        if finding.rule in QUOTA and finding.severity is Severity.ERROR
    }


def lowered(batch, kind, index, level):
    records = list(getattr(batch, KIND_FIELDS[kind]))
    records[index] = msgspec.structs.replace(records[index], level=level)
    return dataclasses.replace(batch, **{KIND_FIELDS[kind]: records})


@st.composite
def a_lowering(draw, rule_set_strategy):
    """A batch, one subject in it rated other than HTTNV (lowering an HTTNV shrinks the quota's base, see
    test_quota.test_lowering_an_httnv_to_htnv_can_shrink_the_base), and a lower level for it."""
    batch = draw(seeded_batches)
    candidates = [
        (kind, index)
        for kind, name in KIND_FIELDS.items()
        for index, record in enumerate(getattr(batch, name))
        if record.level is not None and record.level is not Level.HTTNV and record.level is not Level.KHTNV
    ]
    if not candidates:
        extra = MemberRecord(code="Z", name="Z", unit_code=batch.unit_code, level=Level.HTXSNV)
        batch = dataclasses.replace(batch, members=[*batch.members, extra])
        candidates = [(SubjectKind.MEMBER, len(batch.members) - 1)]
    kind, index = draw(st.sampled_from(candidates))
    current = getattr(batch, KIND_FIELDS[kind])[index].level
    lower = draw(st.sampled_from([level for level in Level if level < current]))
    return batch, kind, index, lower, draw(rule_set_strategy)


RULE_SETS = st.sampled_from([get_rule_set(), get_rule_set().with_changes(quota_base=QuotaBase.HTTNV_AND_BETTER)])


@MANY
@given(a_lowering(RULE_SETS))
def test_lowering_one_level_never_creates_a_quota_error(case):
    batch, kind, index, lower, rule_set = case
    before = quota_errors(validate_unit(batch, rule_set)) | quota_errors(validate_district([batch], rule_set))
    after_batch = lowered(batch, kind, index, lower)
    after = quota_errors(validate_unit(after_batch, rule_set)) | quota_errors(validate_district([after_batch], rule_set))
    assert after <= before


FULL_GRADES = st.fixed_dictionaries({code: st.sampled_from(Grade) for code in ("1", "2", "3", "4", "5")})


@RICH
@given(members, FULL_GRADES)
def test_suggestion_is_never_above_what_validation_accepts(member, grades):
    rateable = msgspec.structs.replace(member, grades=grades, exempt=False, suspended=False, temporary_activity=False)
    suggestion = suggest_level(rateable)
    assert suggestion is not None
    rated = msgspec.structs.replace(rateable, level=suggestion, not_rated=False, not_rated_reason=None)
    caps = {"M-DISCIPLINE", "M-CIVIL", "M-SICK"}
    findings = validate_unit(UnitBatch(unit_code="CS01", members=[rated]))
    assert not [f for f in findings if (f.rule in caps and f.is_error) or (f.rule == "M-GRADES" and f.field == "level")]


@MANY
@given(seeded_batches)
def test_validation_changes_no_record(batch):
    """Records are values (not frozen, for speed: rules/records.py): no check may change one."""
    before = {name: [msgspec.structs.replace(record) for record in getattr(batch, name)] for name in KIND_FIELDS.values()}
    grades = {name: [dict(record.grades) for record in getattr(batch, name)] for name in KIND_FIELDS.values()}
    validate_unit(batch)
    validate_district([batch])
    assert {name: getattr(batch, name) for name in KIND_FIELDS.values()} == before
    assert {name: [dict(record.grades) for record in getattr(batch, name)] for name in KIND_FIELDS.values()} == grades
