"""Vietnamese names and Ba Đình places for a realistic demo district."""

FAMILY_NAMES = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Vũ", 4), ("Phan", 4),
    ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Ngô", 2), ("Dương", 2), ("Hồ", 2), ("Đinh", 2), ("Lý", 1),
    ("Trịnh", 1), ("Đào", 1), ("Lương", 1), ("Tạ", 1), ("Cao", 1),
]
MIDDLE_NAMES = {
    "Nam": ["Văn", "Đức", "Hữu", "Minh", "Quang", "Thanh", "Xuân", "Mạnh", "Tiến", "Công", "Ngọc", "Trọng"],
    "Nữ": ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Thúy", "Lan", "Phương", "Kim", "Bích", "Hải"],
}
GIVEN_NAMES = {
    "Nam": ["Hùng", "Dũng", "Tuấn", "Minh", "Hải", "Nam", "Long", "Thắng", "Quân", "Sơn", "Trung", "Cường",
            "Đức", "Hiếu", "Khánh", "Phong", "Tùng", "Việt", "Bình", "Hòa", "Thành", "Toàn", "Lâm", "Khôi"],
    "Nữ": ["Hương", "Lan", "Hoa", "Mai", "Hằng", "Thảo", "Trang", "Linh", "Nga", "Hà", "Yến", "Huyền",
           "Dung", "Thủy", "Vân", "Phượng", "Loan", "Oanh", "Ngân", "Anh", "Quyên", "Nhung", "Hạnh", "Tâm"],
}

WARDS = [
    "Cống Vị", "Điện Biên", "Đội Cấn", "Giảng Võ", "Kim Mã", "Liễu Giai", "Ngọc Hà", "Ngọc Khánh",
    "Nguyễn Trung Trực", "Phúc Xá", "Quán Thánh", "Thành Công", "Trúc Bạch", "Vĩnh Phúc",
]

AGENCY_COMMITTEES = [
    ("Đảng bộ Cơ quan Chính quyền quận", ["Văn phòng HĐND và UBND", "Phòng Nội vụ", "Phòng Tài chính - Kế hoạch",
     "Phòng Tư pháp", "Phòng Quản lý đô thị", "Phòng Tài nguyên và Môi trường", "Phòng Kinh tế",
     "Phòng Lao động - Thương binh và Xã hội", "Thanh tra quận", "Phòng Văn hóa và Thông tin"]),
    ("Đảng bộ Khối Dân - Chính - Đảng quận", ["Văn phòng Quận ủy", "Ban Tổ chức Quận ủy", "Ban Tuyên giáo Quận ủy",
     "Ủy ban Kiểm tra Quận ủy", "Ban Dân vận Quận ủy", "Ủy ban MTTQ quận", "Các đoàn thể quận"]),
    ("Đảng bộ Công an quận", ["Đội Cảnh sát hình sự", "Đội Cảnh sát kinh tế", "Đội Tham mưu", "Đội Cảnh sát giao thông",
     "Đội Quản lý hành chính", "Đội Cảnh sát điều tra"]),
    ("Đảng bộ Quân sự quận", ["Ban Chỉ huy Quân sự quận", "Hậu cần - Kỹ thuật", "Tham mưu"]),
    ("Đảng bộ Trung tâm Y tế quận", ["Phòng khám đa khoa", "Trạm y tế các phường", "Khoa Kiểm soát bệnh tật"]),
    ("Đảng bộ Ban Quản lý dự án đầu tư xây dựng quận", ["Phòng Kế hoạch", "Phòng Kỹ thuật", "Phòng Hành chính"]),
]
AGENCY_CELLS = [
    "Chi bộ Trung tâm Chính trị quận", "Chi bộ Phòng Giáo dục và Đào tạo", "Chi bộ Trung tâm Văn hóa, Thông tin và Thể thao",
    "Chi bộ Chi cục Thuế quận", "Chi bộ Viện Kiểm sát nhân dân quận", "Chi bộ Tòa án nhân dân quận",
]
SCHOOLS = [
    "Trường Mầm non Hoa Sen", "Trường Mầm non Hoa Hồng", "Trường Mầm non Thành Công", "Trường Mầm non Ngọc Hà",
    "Trường Mầm non Kim Mã", "Trường Mầm non Tuổi Hoa", "Trường Mầm non Vĩnh Phúc", "Trường Mầm non Sơn Ca",
    "Trường Tiểu học Nguyễn Trung Trực", "Trường Tiểu học Ngọc Hà", "Trường Tiểu học Kim Đồng",
    "Trường Tiểu học Thủ Lệ", "Trường Tiểu học Hoàng Hoa Thám", "Trường Tiểu học Ba Đình",
    "Trường Tiểu học Đại Yên", "Trường Tiểu học Nguyễn Bá Ngọc", "Trường Tiểu học Thành Công A",
    "Trường THCS Giảng Võ", "Trường THCS Nguyễn Trãi", "Trường THCS Phan Chu Trinh", "Trường THCS Thành Công",
    "Trường THCS Thăng Long", "Trường THCS Mạc Đĩnh Chi", "Trường THCS Ba Đình", "Trường THCS Nguyễn Công Trứ",
]
ENTERPRISES = [
    "Công ty TNHH MTV Thoát nước Ba Đình", "Công ty CP Môi trường đô thị Ba Đình", "Công ty CP Xây dựng Thành Công",
    "Công ty CP Thương mại Ngọc Khánh", "Công ty CP Du lịch Liễu Giai", "Công ty TNHH Dịch vụ Giảng Võ",
    "Công ty CP Đầu tư Kim Mã", "Công ty CP In Ba Đình", "Công ty CP Cơ khí Đội Cấn",
    "Công ty CP Dược phẩm Quán Thánh", "Công ty TNHH Thương mại Phúc Xá", "Ngân hàng TMCP chi nhánh Ba Đình",
    "Hợp tác xã Dịch vụ Trúc Bạch",
]

WARD_COLLECTIVES = [
    ("Đảng ủy phường {ward}", "Cấp ủy cơ sở"),
    ("Thường trực HĐND phường {ward}", "Thường trực HĐND phường"),
    ("Lãnh đạo UBND phường {ward}", "Lãnh đạo UBND phường"),
    ("Ủy ban MTTQ phường {ward}", "MTTQ và đoàn thể phường"),
    ("Hội Liên hiệp Phụ nữ phường {ward}", "MTTQ và đoàn thể phường"),
    ("Đoàn Thanh niên phường {ward}", "MTTQ và đoàn thể phường"),
    ("Hội Cựu chiến binh phường {ward}", "MTTQ và đoàn thể phường"),
]
DISTRICT_COLLECTIVES = [
    ("Ban Thường vụ Quận ủy", "Ban Thường vụ Quận ủy"),
    ("Thường trực HĐND quận", "Chính quyền quận"),
    ("Lãnh đạo UBND quận", "Chính quyền quận"),
    ("Lãnh đạo Ban Tổ chức Quận ủy", "Các ban đảng, Văn phòng Quận ủy"),
    ("Lãnh đạo Ban Tuyên giáo Quận ủy", "Các ban đảng, Văn phòng Quận ủy"),
    ("Lãnh đạo Ủy ban Kiểm tra Quận ủy", "Các ban đảng, Văn phòng Quận ủy"),
    ("Lãnh đạo Ban Dân vận Quận ủy", "Các ban đảng, Văn phòng Quận ủy"),
    ("Lãnh đạo Văn phòng Quận ủy", "Các ban đảng, Văn phòng Quận ủy"),
    ("Lãnh đạo Trung tâm Chính trị quận", "Các ban đảng, Văn phòng Quận ủy"),
    ("Ủy ban MTTQ quận", "MTTQ và đoàn thể quận"),
    ("Hội Liên hiệp Phụ nữ quận", "MTTQ và đoàn thể quận"),
    ("Quận đoàn Ba Đình", "MTTQ và đoàn thể quận"),
    ("Hội Cựu chiến binh quận", "MTTQ và đoàn thể quận"),
    ("Liên đoàn Lao động quận", "MTTQ và đoàn thể quận"),
    ("Lãnh đạo Phòng Nội vụ", "Phòng, ban chuyên môn"),
    ("Lãnh đạo Phòng Tài chính - Kế hoạch", "Phòng, ban chuyên môn"),
    ("Lãnh đạo Phòng Giáo dục và Đào tạo", "Phòng, ban chuyên môn"),
    ("Lãnh đạo Phòng Quản lý đô thị", "Phòng, ban chuyên môn"),
    ("Lãnh đạo Phòng Tư pháp", "Phòng, ban chuyên môn"),
    ("Lãnh đạo Thanh tra quận", "Phòng, ban chuyên môn"),
    ("Lãnh đạo Trung tâm Y tế quận", "Đơn vị sự nghiệp"),
    ("Lãnh đạo Ban Quản lý dự án quận", "Đơn vị sự nghiệp"),
    ("Lãnh đạo Trung tâm Văn hóa, Thông tin và Thể thao", "Đơn vị sự nghiệp"),
]
