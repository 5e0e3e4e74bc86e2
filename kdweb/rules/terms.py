"""The vocabulary of the rule book: levels, reasons, grades, discipline forms, subject kinds."""
from __future__ import annotations

from enum import Enum

NOT_RATED_TEXT = "Không xếp loại"


class _Ranked(Enum):
    """An enum whose members carry a code, a Vietnamese text and a rank that orders them."""

    def __new__(cls, code: str, text: str, rank: int):
        member = object.__new__(cls)
        member._value_ = code
        member.text = text
        member.rank = rank
        return member

    @property
    def code(self) -> str:
        return self.value

    def __str__(self) -> str:
        return self.text

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

    # Members are singletons compared by identity, so the identity hash is exact, and much cheaper than Enum's.
    __hash__ = object.__hash__


class Level(_Ranked):
    """Mức xếp loại chất lượng, ordered HTXSNV > HTTNV > HTNV > KHTNV."""

    HTXSNV = "HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", 4
    HTTNV = "HTTNV", "Hoàn thành tốt nhiệm vụ", 3
    HTNV = "HTNV", "Hoàn thành nhiệm vụ", 2
    KHTNV = "KHTNV", "Không hoàn thành nhiệm vụ", 1


class Grade(_Ranked):
    """Cấp độ của một tiêu chí, ordered Xuất sắc > Tốt > Trung bình > Kém."""

    XUAT_SAC = "XUAT_SAC", "Xuất sắc", 4
    TOT = "TOT", "Tốt", 3
    TRUNG_BINH = "TRUNG_BINH", "Trung bình", 2
    KEM = "KEM", "Kém", 1


class Discipline(_Ranked):
    """Hình thức kỷ luật đảng, in rising order of severity."""

    KHIEN_TRACH = "KHIEN_TRACH", "Khiển trách", 1
    CANH_CAO = "CANH_CAO", "Cảnh cáo", 2
    CACH_CHUC = "CACH_CHUC", "Cách chức", 3
    KHAI_TRU = "KHAI_TRU", "Khai trừ", 4


class NotRatedReason(Enum):
    """Lý do "Không xếp loại"."""

    EXEMPT = "EXEMPT", "Miễn công tác và sinh hoạt đảng"
    SUSPENDED = "SUSPENDED", "Đình chỉ sinh hoạt đảng"
    NEW = "NEW", "Mới kết nạp/mới thành lập chưa đủ 6 tháng"
    TEMPORARY = "TEMPORARY", "Sinh hoạt tạm thời, xếp loại ở chi bộ nơi sinh hoạt chính thức"
    OTHER = "OTHER", "Lý do khác"

    def __new__(cls, code: str, text: str):
        member = object.__new__(cls)
        member._value_ = code
        member.text = text
        return member

    __hash__ = object.__hash__

    @property
    def code(self) -> str:
        return self.value

    def __str__(self) -> str:
        return self.text


class SubjectKind(Enum):
    """Đối tượng đánh giá, xếp loại; `prefix` is the letter of its rule codes."""

    MEMBER = "MEMBER", "Đảng viên", "M"
    ORGANISATION = "ORGANISATION", "Tổ chức đảng", "O"
    COLLECTIVE = "COLLECTIVE", "Tập thể lãnh đạo, quản lý", "C"
    LEADER = "LEADER", "Cá nhân cán bộ lãnh đạo, quản lý", "L"

    def __new__(cls, code: str, text: str, prefix: str):
        member = object.__new__(cls)
        member._value_ = code
        member.text = text
        member.prefix = prefix
        return member

    __hash__ = object.__hash__

    @property
    def code(self) -> str:
        return self.value

    def __str__(self) -> str:
        return self.text


class OrgKind(Enum):
    """Loại tổ chức đảng (glossary: grassroots_committee, grassroots_cell, sub_committee, cell)."""

    GRASSROOTS_COMMITTEE = "grassroots_committee", "Đảng bộ cơ sở", True
    GRASSROOTS_CELL = "grassroots_cell", "Chi bộ cơ sở", False
    SUB_COMMITTEE = "sub_committee", "Đảng bộ bộ phận", True
    CELL = "cell", "Chi bộ trực thuộc", False

    def __new__(cls, code: str, text: str, is_committee: bool):
        member = object.__new__(cls)
        member._value_ = code
        member.text = text
        member.is_committee = is_committee
        return member

    __hash__ = object.__hash__

    @property
    def code(self) -> str:
        return self.value

    def __str__(self) -> str:
        return self.text


class Severity(str, Enum):
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
