"""The app's one vocabulary: every kind, level, reason and status, each written once with its code (what the
database stores and the query strings carry) and its Vietnamese texts (docs/design.md, "One vocabulary").

Everything else derives from here: the rules (`kdweb.rules.terms`), the models, the reports, the instruction
sheet, the quota messages and the templates (the `terms` Jinja global). This module imports nothing of kdweb, so
every layer, pure or not, may import it.
"""
from __future__ import annotations

from enum import Enum


class Term:
    """One member's definition: its code, its text, and the further forms its enum gives every member."""

    __slots__ = ("code", "text", "forms")

    def __init__(self, code: str, text: str, **forms):
        self.code, self.text, self.forms = code, text, forms


class Coded(Enum):
    """An enum whose members are their code and carry a Vietnamese `text`, a `short` form (the code unless given)
    and the other forms of their `Term`. Look a member up by its code with `Kind(code)`."""

    def __new__(cls, term: Term):
        member = object.__new__(cls)
        member._value_ = term.code
        member.text = term.text
        for name, value in {"short": term.code, **term.forms}.items():
            setattr(member, name, value)
        return member

    @property
    def code(self) -> str:
        return self._value_  # not Enum's `value` descriptor: read for every rating of every upload

    def __str__(self) -> str:
        return self.text

    # Members are singletons compared by identity, so the identity hash is exact, and much cheaper than Enum's.
    __hash__ = object.__hash__


class Ranked(Coded):
    """A coded enum whose members are ordered by their `rank`."""

    def __lt__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self.rank >= other.rank


NOT_RATED_TEXT = "Không xếp loại"


class Level(Ranked):
    """Mức xếp loại chất lượng, ordered HTXSNV > HTTNV > HTNV > KHTNV; `tone` colours it on charts."""

    HTXSNV = Term("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", rank=4, tone="success")
    HTTNV = Term("HTTNV", "Hoàn thành tốt nhiệm vụ", rank=3, tone="primary")
    HTNV = Term("HTNV", "Hoàn thành nhiệm vụ", rank=2, tone="warning")
    KHTNV = Term("KHTNV", "Không hoàn thành nhiệm vụ", rank=1, tone="danger")


class Grade(Ranked):
    """Cấp độ của một tiêu chí, ordered Xuất sắc > Tốt > Trung bình > Kém."""

    XUAT_SAC = Term("XUAT_SAC", "Xuất sắc", rank=4)
    TOT = Term("TOT", "Tốt", rank=3)
    TRUNG_BINH = Term("TRUNG_BINH", "Trung bình", rank=2)
    KEM = Term("KEM", "Kém", rank=1)


class Discipline(Ranked):
    """Hình thức kỷ luật đảng, in rising order of severity."""

    KHIEN_TRACH = Term("KHIEN_TRACH", "Khiển trách", rank=1)
    CANH_CAO = Term("CANH_CAO", "Cảnh cáo", rank=2)
    CACH_CHUC = Term("CACH_CHUC", "Cách chức", rank=3)
    KHAI_TRU = Term("KHAI_TRU", "Khai trừ", rank=4)


class NotRatedReason(Coded):
    """Lý do "Không xếp loại": `text` is the workbook's choice, `heading` the report's column (docs/rulebook.md §6;
    "temporary" stands under "Khác": the member is rated at the chi bộ of official activity)."""

    EXEMPT = Term("EXEMPT", "Miễn công tác và sinh hoạt đảng", heading="Miễn công tác và sinh hoạt đảng")
    SUSPENDED = Term("SUSPENDED", "Đình chỉ sinh hoạt đảng", heading="Đình chỉ sinh hoạt đảng")
    NEW = Term("NEW", "Mới kết nạp/mới thành lập chưa đủ 6 tháng",
               heading="Mới kết nạp / mới thành lập chưa đủ 6 tháng")
    TEMPORARY = Term("TEMPORARY", "Sinh hoạt tạm thời, xếp loại ở chi bộ nơi sinh hoạt chính thức",
                     heading="Khác: sinh hoạt tạm thời (xếp loại ở nơi sinh hoạt chính thức)")
    OTHER = Term("OTHER", "Lý do khác", heading="Lý do khác")


class SubjectKind(Coded):
    """Đối tượng đánh giá, xếp loại. `prefix` is the letter of its rule codes; `sheet` its sheet in the workbook and
    `short` in the report's files; `noun` how a sentence counts it ("3 đảng viên"); `group_text` what its own quota
    group is called (docs/rulebook.md §4 Q-20; members have none) and `group_short` in a sheet name; `new_text` its
    "new" reason (kết nạp / thành lập)."""

    MEMBER = Term(
        "MEMBER", "Đảng viên", prefix="M", sheet="Đảng viên", short="Đảng viên", noun="đảng viên",
        group_text=None, group_short=None, new_text="Mới kết nạp chưa đủ 6 tháng")
    ORGANISATION = Term(
        "ORGANISATION", "Tổ chức đảng", prefix="O", sheet="Tổ chức đảng", short="Tổ chức đảng", noun="tổ chức đảng",
        group_text="Nhóm có chức năng, nhiệm vụ tương đồng", group_short="nhóm",
        new_text="Mới thành lập chưa đủ 6 tháng")
    COLLECTIVE = Term(
        "COLLECTIVE", "Tập thể lãnh đạo, quản lý", prefix="C", sheet="Tập thể lãnh đạo, quản lý",
        short="Tập thể LĐQL", noun="tập thể lãnh đạo, quản lý", group_text="Loại tập thể lãnh đạo, quản lý",
        group_short="loại", new_text="Mới thành lập chưa đủ 6 tháng")
    LEADER = Term(
        "LEADER", "Cá nhân cán bộ lãnh đạo, quản lý", prefix="L", sheet="Cán bộ lãnh đạo, quản lý",
        short="Cán bộ LĐQL", noun="cán bộ lãnh đạo, quản lý", group_text="Nhóm chức danh tương đương",
        group_short="chức danh", new_text=None)


class UnitKind(Coded):
    """Loại tổ chức đảng of a unit of the tree (glossary: grassroots_committee, grassroots_cell, sub_committee,
    cell); `is_committee` when it has parts of its own."""

    DISTRICT = Term("district", "Đảng bộ cấp trên cơ sở", is_committee=True)  # quận; since 1/7/2025 phường, xã
    GRASSROOTS_COMMITTEE = Term("grassroots_committee", "Đảng bộ cơ sở", is_committee=True)
    GRASSROOTS_CELL = Term("grassroots_cell", "Chi bộ cơ sở", is_committee=False)
    SUB_COMMITTEE = Term("sub_committee", "Đảng bộ bộ phận", is_committee=True)
    CELL = Term("cell", "Chi bộ trực thuộc", is_committee=False)


# The kinds an organisation rated in a workbook may be: every kind below the district.
ORGANISATION_KINDS = tuple(kind for kind in UnitKind if kind is not UnitKind.DISTRICT)


class UnitLevel(Coded):
    DISTRICT = Term("district", "Cấp trên cơ sở")  # the superior's own bodies; pages name the level by the setting
    GRASSROOTS = Term("grassroots", "Cấp cơ sở")


class Role(Coded):
    STAFF = Term("staff", "Cán bộ đơn vị")
    REVIEWER = Term("reviewer", "Cán bộ duyệt (cơ quan tham mưu cấp trên)")
    ADMIN = Term("admin", "Quản trị")


class WorkbookStatus(Coded):
    """The status of a unit's workbook in a cycle: one list, shared by every page; `tone` colours its badge."""

    NOT_DOWNLOADED = Term("not_downloaded", "Chưa tải mẫu", tone="secondary")
    DOWNLOADED = Term("downloaded", "Đã tải mẫu", tone="info")
    HAS_ERRORS = Term("has_errors", "Có lỗi", tone="danger")
    VALID = Term("valid", "Hợp lệ, chưa nộp", tone="warning")
    SUBMITTED = Term("submitted", "Đã nộp, chờ duyệt", tone="primary")
    RETURNED = Term("returned", "Bị trả lại", tone="danger")
    APPROVED = Term("approved", "Đã duyệt", tone="success")


NOT_SUBMITTED_TEXT = "Chưa nộp"


class UploadOutcome(Coded):
    """What the check of one uploaded file came to: received → rejected (unreadable), errors or valid, or
    unchecked (the check could not finish)."""

    RECEIVED = Term("received", "Đang kiểm tra")
    UNCHECKED = Term("unchecked", "Chưa kiểm tra được")
    REJECTED = Term("rejected", "Không đọc được")
    ERRORS = Term("errors", "Có lỗi")
    VALID = Term("valid", "Hợp lệ")


class Severity(str, Enum):
    """A finding's weight. A plain `str` enum, not `Coded`: findings are compared with, stored and sent as the bare
    code ("error", "warning"), which a `str` member equals."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def text(self) -> str:
        return "Lỗi" if self is Severity.ERROR else "Cảnh báo"

    def __str__(self) -> str:
        return self.value


class QuotaBase(str, Enum):
    """What the 20 % of Q-20 is taken of."""

    HTTNV = "HTTNV"
    HTTNV_AND_BETTER = "HTTNV_AND_BETTER"


class QuotaScope(str, Enum):
    """Where a kind's quota group is counted: inside one unit's workbook, or across the district."""

    UNIT = "unit"
    DISTRICT = "district"


CODED_ENUMS = (Level, Grade, Discipline, NotRatedReason, SubjectKind, UnitKind, UnitLevel, Role, WorkbookStatus,
               UploadOutcome)
# What the templates see as `terms` (a Jinja global): `terms.Level`, `terms.WorkbookStatus.SUBMITTED.text`, …
VOCABULARY = {**{kind.__name__: kind for kind in CODED_ENUMS}, "Severity": Severity, "NOT_RATED_TEXT": NOT_RATED_TEXT}
