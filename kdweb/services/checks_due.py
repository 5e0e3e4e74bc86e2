"""Which changes the district checks depend on, noted in the transaction that makes them and kept once it commits
(kdweb/services/checks_store.py asks for a computation then). No imports but the session: audit.record calls it."""
from sqlalchemy import event
from sqlalchemy.orm import Session

from kdweb.extensions import db

MATTERS = frozenset({
    "upload_checked", "upload_identical", "upload_recheck", "submitted", "approved", "returned", "reopened",
    "roster_imported", "unit_created", "unit_moved", "unit_updated", "unit_activated", "unit_deactivated",
    "cycle_created", "cycle_opened", "cycle_updated", "cycle_closed", "quota_mark_added", "quota_mark_removed",
    "superior_updated", "demo_loaded", "leader_post_holder_changed", "collective_renamed",
    "leader_post_added", "leader_post_ended", "collective_added", "collective_ended", "quota_group_changed",
})
_DUE, _COMMITTED = "district_checks_due", "district_checks_committed"


def note(action: str) -> None:
    """Called by audit.record: this transaction changes what the checks read."""
    if action in MATTERS:
        db.session.info[_DUE] = True


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    if session.info.pop(_DUE, None):
        session.info[_COMMITTED] = True


@event.listens_for(Session, "after_rollback")
def _rolled_back(session) -> None:
    session.info.pop(_DUE, None)


def committed_change() -> bool:
    """Whether a transaction of this session that changed what the checks read has committed since last asked."""
    return bool(db.session.info.pop(_COMMITTED, None))
