from datetime import timedelta
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from kdweb.domain import UploadOutcome
from kdweb.models.base import PkModel, UnitVersion, UTCDateTime, utcnow

# A check runs inside the request that received the file; one still "received" after this long has died.
CHECK_STALE_AFTER = timedelta(minutes=5)
CHECKED = (UploadOutcome.REJECTED.code, UploadOutcome.ERRORS.code, UploadOutcome.VALID.code)


class Template(UnitVersion):
    """A workbook issued to a unit: which version, signed over which roster."""

    __tablename__ = "templates"

    file_sha256: Mapped[str] = mapped_column(String(128))  # of the .xlsx as issued
    generated_at = mapped_column(UTCDateTime, default=utcnow)
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # the subjects it was issued for (roster_digest of the roster then), to tell when the roster has changed since
    roster_digest: Mapped[str | None] = mapped_column(String(64))
    # who it listed, {kind: {code: name}} (kdweb.services.roster.issued_roster_json), to name who changed since
    roster_json: Mapped[str | None] = mapped_column(Text)
    # the roster revision (models/roster_revision.py) read before its roster was: while the revision has not moved,
    # the roster is the one it lists (None: issued before the revision existed)
    roster_revision: Mapped[int | None] = mapped_column(Integer)


class Upload(UnitVersion):
    """One file a unit sent: its bytes are kept forever and never overwritten."""

    __tablename__ = "uploads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content = deferred(mapped_column(LargeBinary))
    # received → checked (rejected: unreadable, errors, valid) or unchecked (the check could not finish)
    outcome: Mapped[str] = mapped_column(String(20), default=UploadOutcome.RECEIVED.code)
    problem_code: Mapped[str | None] = mapped_column(String(40))
    problem_message: Mapped[str | None] = mapped_column(Text)
    check_error: Mapped[str | None] = mapped_column(Text)  # why an unchecked upload could not be checked
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    summary_json: Mapped[str | None] = mapped_column(Text)

    unit = relationship("Unit")
    user = relationship("User")
    findings = relationship("Finding", back_populates="upload", order_by="Finding.position")

    @property
    def is_stuck(self) -> bool:
        """Received so long ago that the check that started with it has died."""
        return self.outcome == UploadOutcome.RECEIVED.code and self.created_at is not None \
            and self.created_at < utcnow() - CHECK_STALE_AFTER

    @property
    def needs_check(self) -> bool:
        """Never checked to the end: may be checked again ("Kiểm tra lại"), and is never parsed for display."""
        return self.outcome == UploadOutcome.UNCHECKED.code or self.is_stuck

    @property
    def is_checked(self) -> bool:
        return self.outcome in CHECKED

    @property
    def outcome_text(self) -> str:
        return (UploadOutcome.UNCHECKED if self.is_stuck else UploadOutcome(self.outcome)).text


class Finding(PkModel):
    __tablename__ = "findings"

    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    sheet: Mapped[str | None] = mapped_column(String(80))
    cell: Mapped[str | None] = mapped_column(String(20))
    subject_kind: Mapped[str | None] = mapped_column(String(20))
    subject_code: Mapped[str | None] = mapped_column(String(40))
    subject_name: Mapped[str | None] = mapped_column(String(200))
    field: Mapped[str | None] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text)

    upload = relationship("Upload", back_populates="findings")


class Rating(PkModel):
    """One subject's rating as read from an upload: the rows the district report counts."""

    __tablename__ = "ratings"

    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"), index=True)
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_code: Mapped[str] = mapped_column(String(40))
    subject_name: Mapped[str] = mapped_column(String(200))
    group: Mapped[str | None] = mapped_column(String(100))
    level: Mapped[str | None] = mapped_column(String(10))  # HTXSNV … KHTNV; None when not rated
    not_rated_reason: Mapped[str | None] = mapped_column(String(20))
    disciplined: Mapped[bool] = mapped_column(default=False)
    remarks: Mapped[str | None] = mapped_column(Text)
    # every field of the subject's record as read (kdweb.rules.stored), for the checks across workbooks
    record_json: Mapped[str | None] = mapped_column(Text)
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # a scored rule set's total (qd366-hd43)
    score_band: Mapped[str | None] = mapped_column(String(10))  # the level the total's band gives
