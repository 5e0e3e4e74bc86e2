"""The second demo shape: a ward party committee as it stands after the 2025 reorganisation, like Phường Ba Đình
(89 tổ chức cơ sở đảng: 7 đảng bộ, 82 chi bộ; about 3,800 members), its 2026 cycle under `qd366-hd43`.

The ward committee is the superior (docs/rulebook-366.md §4): the tree's top unit, its Ban Xây dựng Đảng the reviewers.
"""
from __future__ import annotations

import random

from kdweb.demo import names
from kdweb.demo.generate import YEAR, DemoDistrict, _Builder
from kdweb.domain import UnitKind, UnitLevel
from kdweb.superior import WARD

WARD_CODE = "PBD"
RULE_SET_ID = "qd366-hd43"

# the 7 đảng bộ cơ sở, with their chi bộ trực thuộc
COMMITTEES = (
    ("Đảng bộ Cơ quan Đảng ủy, HĐND, UBND phường", ("Văn phòng HĐND và UBND", "Ban Xây dựng Đảng", "Văn phòng Đảng ủy",
                                                    "Phòng Kinh tế, Hạ tầng và Đô thị", "Phòng Văn hóa - Xã hội")),
    ("Đảng bộ Công an phường", ("Đội Cảnh sát khu vực", "Đội An ninh", "Đội Tổng hợp", "Đội Cảnh sát trật tự")),
    ("Đảng bộ Quân sự phường", ("Ban Chỉ huy Quân sự", "Dân quân thường trực", "Hậu cần")),
    ("Đảng bộ Trung tâm Y tế khu vực Ba Đình", ("Khoa Khám bệnh", "Khoa Y tế dự phòng", "Trạm Y tế phường")),
    ("Đảng bộ Trung tâm Phục vụ hành chính công phường", ("Bộ phận một cửa", "Bộ phận số hóa", "Bộ phận tổng hợp")),
    ("Đảng bộ Công ty TNHH MTV Thoát nước Ba Đình", ("Xí nghiệp 1", "Xí nghiệp 2", "Phòng Kỹ thuật", "Phòng Tổng hợp")),
    ("Đảng bộ Khối Mặt trận và các đoàn thể phường", ("Ủy ban MTTQ", "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên",
                                                       "Hội Cựu chiến binh")),
)
RESIDENTIAL, SCHOOLS, AGENCIES, ENTERPRISES = 56, 12, 7, 7  # the 82 chi bộ cơ sở
WARD_BODIES = (
    ("Ban Thường vụ Đảng ủy phường Ba Đình", "Ban Thường vụ Đảng ủy phường"),
    ("Thường trực HĐND phường Ba Đình", "Chính quyền phường"),
    ("Lãnh đạo UBND phường Ba Đình", "Chính quyền phường"),
    ("Ủy ban MTTQ Việt Nam phường Ba Đình", "MTTQ và đoàn thể phường"),
)
AGENCY_NAMES = (
    "Chi bộ Kho bạc Nhà nước khu vực", "Chi bộ Thuế cơ sở phường", "Chi bộ Bảo hiểm xã hội khu vực",
    "Chi bộ Ban Quản lý dự án phường", "Chi bộ Trung tâm Văn hóa, Thông tin và Thể thao", "Chi bộ Tòa án khu vực",
    "Chi bộ Viện Kiểm sát khu vực",
)


def generate_ward(seed: int = 366, small: bool = False) -> DemoDistrict:
    """`small` (for tests) keeps the shape with a few units of each sort."""
    builder = _WardBuilder(random.Random(seed), small)
    builder.build()
    builder.users()
    result = builder.result
    result.rule_set_id = RULE_SET_ID
    result.superior = WARD
    result.shape = "ward"
    return result


class _WardBuilder(_Builder):
    def build(self):
        top = self.unit(WARD_CODE, "Đảng bộ phường Ba Đình", "district", "district", None, None, True)
        for name, collective_type in WARD_BODIES:
            self.collective(WARD_CODE, name, collective_type, WARD_CODE, leads=WARD_CODE if "Đảng ủy" in name else None)
        committees = COMMITTEES[:2] if self.small else COMMITTEES
        for index, (name, parts) in enumerate(committees, 1):
            self.committee(f"{WARD_CODE}.DB{index:02d}", name, parts[:2] if self.small else parts)
        count = (lambda n: min(n, 2)) if self.small else (lambda n: n)
        for number in range(1, count(RESIDENTIAL) + 1):
            label = "Tổ dân phố" if number % 3 else "Khu dân cư"
            self.grassroots_cell(f"{WARD_CODE}.KDC{number:02d}", f"Chi bộ {label} số {number}", "Chi bộ khu dân cư",
                                 (8, 12) if self.small else (34, 62), 0.04)
        for index, school in enumerate(names.SCHOOLS[:count(SCHOOLS)], 1):
            self.grassroots_cell(f"{WARD_CODE}.TH{index:02d}", f"Chi bộ {school}", "Khối giáo dục", (10, 26), 0.95)
        for index, name in enumerate(AGENCY_NAMES[:count(AGENCIES)], 1):
            self.grassroots_cell(f"{WARD_CODE}.CQ{index:02d}", name, "Khối cơ quan", (12, 30), 0.9)
        for index, name in enumerate(names.ENTERPRISES[1:1 + count(ENTERPRISES)], 1):
            self.grassroots_cell(f"{WARD_CODE}.DN{index:02d}", f"Chi bộ {name}", "Khối doanh nghiệp", (10, 26), 0.1)
        self.assign_temporary_activity()
        return top

    def committee(self, code, name, parts):
        grassroots = UnitKind.GRASSROOTS_COMMITTEE  # the ward's committees form one group, named after their kind
        committee = self.unit(code, name, grassroots.code, UnitLevel.GRASSROOTS.code, grassroots.text, WARD_CODE, True)
        for number, part in enumerate(parts, 1):
            self.cell(f"{code}.C{number:02d}", f"Chi bộ {part}", committee, UnitKind.CELL.text,
                      (6, 10) if self.small else (16, 30), civil_share=0.9, retired_share=0.0)
        collective = self.collective(code, name.replace("Đảng bộ", "Đảng ủy"), "Cấp ủy cơ sở", code, leads=code)
        self.leader(f"{code}.C01", f"Bí thư {name.replace('Đảng bộ', 'Đảng ủy')}", "Bí thư cấp ủy cơ sở", WARD_CODE,
                    heads_unit=code, heads_collective=collective.code)

    def grassroots_cell(self, code, name, group, size_range, civil_share):
        unit = self.unit(code, name, "grassroots_cell", "grassroots", group, WARD_CODE, True)
        retired = 0.7 if group == "Chi bộ khu dân cư" else 0.0
        self.members(unit, unit, (6, 10) if self.small else size_range, civil_share, retired_share=retired)
        collective = self.collective(code, f"Chi ủy {name.removeprefix('Chi bộ ')}", "Cấp ủy cơ sở", code, leads=code)
        self.leader(code, f"Bí thư {name}", "Bí thư cấp ủy cơ sở", WARD_CODE, heads_unit=code,
                    heads_collective=collective.code)
        return unit

    def users(self):
        super().users()
        reviewer = next(user for user in self.result.users if user.role == "reviewer")
        reviewer.login, reviewer.full_name = "banxaydungdang", "Trần Thị Mai (Ban Xây dựng Đảng)"


__all__ = ["RULE_SET_ID", "WARD_CODE", "YEAR", "generate_ward"]
