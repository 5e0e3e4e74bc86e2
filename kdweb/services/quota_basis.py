"""The quota basis of a unit's check: which of its groups the cycle marks outstanding (Q-25, up to 25 % HTXSNV)
now, what an upload was checked with, and the unit page's notice when an admin changed a mark since
(docs/rulebook-366.md §7 Quota). Only kinds whose quota is counted inside the unit's workbook are the unit's basis:
the others' quota is the district checks' (which read the cycle's marks themselves)."""
import json
from types import SimpleNamespace

from sqlalchemy import bindparam

from kdweb.extensions import db
from kdweb.models import QuotaMark, Rating
from kdweb.rules import SubjectKind, get_rule_set
from kdweb.rules.terms import QuotaScope

SUMMARY_KEY = "quota_marks"

# asked on every upload under a scored rule set: a handful of rows, built once
_MARKED = db.select(QuotaMark.subject_kind).where(QuotaMark.cycle_id == bindparam("cycle"),
                                                  QuotaMark.unit_id == bindparam("unit"))


def marked_now(cycle, unit) -> frozenset[str] | None:
    """The codes of the kinds the cycle marks outstanding for the unit now; None under a rule set without marks
    (the check then reads nothing of them)."""
    if not get_rule_set(cycle.rule_set_id).scored:
        return None
    return frozenset(db.session.connection().execute(_MARKED, {"cycle": cycle.id, "unit": unit.id}).scalars())


def unit_basis(cycle, marked) -> list[str] | None:
    """Of `marked`, the kinds whose quota the unit's own check counts, sorted (what an upload's summary records)."""
    if marked is None:
        return None
    rule_set = get_rule_set(cycle.rule_set_id)
    return sorted(code for code in marked if rule_set.quota_scope_of(SubjectKind(code)) is QuotaScope.UNIT)


def checked_basis(cycle, upload) -> list[str] | None:
    """The unit basis an upload was checked with; None when unknown (not checked, or under a rule set without
    marks). An upload checked before the summary kept it was checked with the marks signed into its workbook,
    which its stored records still carry."""
    if not upload.summary_json or not get_rule_set(cycle.rule_set_id).scored:
        return None
    recorded = recorded_basis(cycle, upload.summary_json)
    return recorded if recorded is not None else signed_basis(cycle, upload)


def signed_basis(cycle, upload) -> list[str] | None:
    """The marks of the unit-scope kinds as one stored record of each says (the workbook signs the same mark on
    every row of a kind; a false mark is left out of the JSON); None when no record was stored in full."""
    basis, known = [], False
    for code in unit_basis(cycle, [kind.code for kind in SubjectKind]):
        text = db.session.scalar(db.select(Rating.record_json).where(
            Rating.upload_id == upload.id, Rating.subject_kind == code, Rating.record_json.is_not(None)).limit(1))
        if text is not None:
            known = True
            if json.loads(text).get("quota_outstanding"):
                basis.append(code)
    return basis if known else None


def recorded_basis(cycle, summary_json: str | None) -> list[str] | None:
    """The unit basis an upload's summary recorded; None when it recorded none (see checked_basis for the rest)."""
    if not summary_json or not get_rule_set(cycle.rule_set_id).scored:
        return None
    return json.loads(summary_json).get(SUMMARY_KEY)


def marked_everywhere(cycle) -> dict[int, frozenset[str]]:
    """The kinds the cycle marks outstanding now, by unit id, in one query (the dashboard's whole board); no query
    under a rule set without marks."""
    if not get_rule_set(cycle.rule_set_id).scored:
        return {}
    marked: dict[int, set[str]] = {}
    for unit_id, code in db.session.execute(db.select(QuotaMark.unit_id, QuotaMark.subject_kind)
                                            .where(QuotaMark.cycle_id == cycle.id)):
        marked.setdefault(unit_id, set()).add(code)
    return {unit_id: frozenset(codes) for unit_id, codes in marked.items()}


def changed_since(cycle, upload, marked) -> bool:
    """The upload was checked with another unit basis than `marked` (what marked_now answered)."""
    then = checked_basis(cycle, upload)
    return then is not None and then != unit_basis(cycle, marked)


def notice(cycle, unit, state, uploads, can_upload: bool) -> SimpleNamespace | None:
    """The unit page's notice when a mark changed after the check of the unit's current version (the latest, or
    an earlier one made current again by sending its bytes): the version checked, each kind marked or unmarked
    since, and whether the unit may check the same file again (a new version)."""
    current = state.latest_upload_id if state is not None else None
    checked = [upload for upload in uploads if upload.outcome in ("errors", "valid")]
    latest = next((upload for upload in checked if upload.id == current), checked[0] if checked else None)
    if latest is None:
        return None
    marked = marked_now(cycle, unit)
    then = checked_basis(cycle, latest)
    now = unit_basis(cycle, marked)
    if then is None or now is None or then == now:
        return None
    share = f"{get_rule_set(cycle.rule_set_id).quota_outstanding_share * 100:g}".replace(".", ",")
    return SimpleNamespace(
        version=latest.version, share=share, can_recheck=can_upload,
        added=[SubjectKind(code) for code in now if code not in then],
        removed=[SubjectKind(code) for code in then if code not in now])
