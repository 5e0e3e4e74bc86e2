"""The superior body of the organisations the site serves: a setting, never a word in the code.

Until 1/7/2025 it was a district committee (Quận ủy, its Ban Tổ chức the reviewers); since then a ward or commune
party committee (Đảng ủy phường, its Ban Xây dựng Đảng) is the superior of the tổ chức cơ sở đảng (docs/rulebook-366.md §4).
Every page footer, workbook instruction, message naming whom to call, and report letterhead reads it from here.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Superior:
    name: str = "Quận ủy Ba Đình"  # the superior committee
    staff_body: str = "Ban Tổ chức Quận ủy"  # its staff body that reviews: the reviewers' name
    deciding_body: str = "Ban Thường vụ Quận ủy"  # who decides the ratings of the tổ chức cơ sở đảng
    letterhead_committee: str = "QUẬN ỦY BA ĐÌNH"  # the exports' letterhead, first line
    letterhead_department: str = "BAN TỔ CHỨC"  # second line
    place: str = "Ba Đình"  # "Ba Đình, ngày … tháng … năm …"
    level_name: str = "cấp quận"  # the superior's own level, as deadlines name it

    @property
    def area(self) -> str:
        """The superior's area as pages name it: "quận", "phường" (its level name without "cấp")."""
        return self.level_name.removeprefix("cấp ").strip() or self.level_name

    def with_values(self, values: dict) -> Superior:
        known = {item.name for item in fields(self)}
        return replace(self, **{key: value for key, value in values.items() if key in known and value})


FIELD_LABELS = {
    "name": "Tên cấp ủy cấp trên",
    "staff_body": "Cơ quan tham mưu (người duyệt)",
    "deciding_body": "Cấp quyết định xếp loại tổ chức cơ sở đảng",
    "letterhead_committee": "Tiêu đề văn bản, dòng 1",
    "letterhead_department": "Tiêu đề văn bản, dòng 2",
    "place": "Địa danh ghi ngày tháng",
    "level_name": "Tên cấp của cấp trên (hạn nộp)",
}

WARD = Superior(
    name="Đảng ủy phường Ba Đình", staff_body="Ban Xây dựng Đảng Đảng ủy phường Ba Đình",
    deciding_body="Ban Thường vụ Đảng ủy phường Ba Đình", letterhead_committee="ĐẢNG ỦY PHƯỜNG BA ĐÌNH",
    letterhead_department="BAN XÂY DỰNG ĐẢNG", place="Ba Đình", level_name="cấp phường",
)
