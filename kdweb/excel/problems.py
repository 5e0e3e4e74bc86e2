"""Why an upload cannot be read at all: one stable code and one Vietnamese message each."""
from __future__ import annotations

from dataclasses import dataclass

from kdweb.rules.registry import RULE_SETS

MESSAGES = {
    "E-EMPTY": "Tệp rỗng (0 byte). Hãy chọn đúng tệp Excel đã điền rồi tải lên lại.",
    "E-TOO-BIG": (
        "Tệp quá lớn ({size_mb} MB, tối đa {limit_mb} MB). Tệp mẫu của một đơn vị thường chỉ vài trăm KB: "
        "hãy tải lên đúng tệp mẫu đã điền, không kèm ảnh hay dữ liệu khác."
    ),
    "E-XLS": (
        "Đây là tệp Excel cũ dạng .xls (Excel 97-2003), hệ thống chỉ nhận .xlsx. Hãy điền vào tệp mẫu .xlsx "
        "tải từ hệ thống, hoặc mở tệp, chọn Lưu thành (Save As) → Excel Workbook (.xlsx) rồi tải lên."
    ),
    "E-ENCRYPTED": (
        "Tệp đang được đặt mật khẩu mở (đã mã hóa) nên hệ thống không đọc được. Hãy mở tệp, gỡ mật khẩu "
        "(Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu → xóa mật khẩu), lưu lại rồi tải lên."
    ),
    "E-ODS": (
        "Đây là tệp bảng tính LibreOffice/OpenOffice dạng .ods, hệ thống chỉ nhận .xlsx. Hãy chọn "
        "Lưu thành (Save As), kiểu tệp Excel 2007-365 (.xlsx), giữ định dạng .xlsx, rồi tải lên tệp .xlsx."
    ),
    "E-CSV": (
        "Đây là tệp văn bản (CSV/TXT), không phải sổ Excel: tệp CSV làm mất danh sách chọn, chữ ký của "
        "tệp mẫu và vị trí các ô. Hãy điền vào tệp mẫu .xlsx tải từ hệ thống rồi tải lên tệp đó."
    ),
    "E-PDF": (
        "Đây là tệp PDF (có thể đã bị đổi đuôi thành .xlsx). Hãy tải lên tệp Excel .xlsx đã điền, "
        "không phải bản in, bản chụp hay bản quét."
    ),
    "E-XLSB": (
        "Đây là sổ Excel dạng nhị phân (.xlsb). Hãy mở tệp, chọn Lưu thành (Save As) → Excel Workbook (.xlsx) "
        "rồi tải lên."
    ),
    "E-MACRO": (
        "Tệp có chứa macro (VBA). Để bảo đảm an toàn, hệ thống không nhận sổ có macro: hãy chọn Lưu thành "
        "(Save As) → Excel Workbook (.xlsx, không có macro) rồi tải lên."
    ),
    "E-WEB-PAGE": (
        "Đây là tệp trang web (HTML: kiểu “Trang web” .htm/.html hoặc “Trang web một tệp” .mht của Excel) được lưu "
        "với tên đuôi .xls/.xlsx, không phải sổ Excel nên hệ thống không đọc được. Hãy mở tệp bằng Excel, chọn "
        "Lưu thành (Save As), kiểu tệp Excel Workbook (.xlsx), rồi tải lên tệp .xlsx đó."
    ),
    "E-XML-2003": (
        "Đây là tệp “Bảng tính XML 2003” (XML Spreadsheet 2003), một kiểu tệp cũ, không phải sổ Excel .xlsx nên hệ "
        "thống không đọc được. Hãy mở tệp bằng Excel, chọn Lưu thành (Save As), kiểu tệp Excel Workbook (.xlsx), "
        "rồi tải lên tệp .xlsx đó."
    ),
    "E-NOT-XLSX": (
        "Tệp không phải là sổ Excel .xlsx (có thể là tệp Word, ảnh hoặc tệp nén khác bị đổi đuôi). "
        "Hãy tải lên tệp mẫu .xlsx của đơn vị đã điền."
    ),
    "E-CORRUPT": (
        "Tệp bị hỏng hoặc tải lên chưa trọn vẹn nên không mở được. Hãy mở thử tệp trên máy, lưu lại "
        "rồi tải lên lần nữa; nếu vẫn lỗi, hãy tải lại tệp mẫu và điền lại."
    ),
    "E-ZIP-BOMB": (
        "Tệp có cấu trúc bất thường: khi giải nén sẽ lớn hơn rất nhiều lần mức cho phép (nghi là "
        "\"bom nén\"). Hệ thống đã dừng đọc để bảo vệ máy chủ. Hãy tải lên đúng tệp mẫu đã điền."
    ),
    "E-XML-BOMB": (
        "Tệp chứa khai báo XML không được phép (DOCTYPE/ENTITY, kiểu tấn công \"bom XML\"). Hệ thống đã "
        "dừng đọc. Hãy tải lên đúng tệp mẫu đã điền, được lưu bằng Excel hoặc LibreOffice."
    ),
    "E-DIMENSION": (
        "Trang tính \"{sheet}\" có vùng dữ liệu quá lớn ({ref}), có lẽ do đã lỡ điền hoặc định dạng tới "
        "tận cuối trang. Hãy xóa các hàng, cột thừa phía dưới và bên phải vùng danh sách, lưu lại rồi tải lên."
    ),
    "E-TOO-MANY-CELLS": (
        "Tệp có quá nhiều ô có dữ liệu (quá {limit} ô trên tất cả các trang), có lẽ do đã lỡ điền hoặc sao chép "
        "tới tận cuối trang, hoặc có thêm nhiều trang không thuộc tệp mẫu. Hãy xóa các trang, hàng, cột thừa, "
        "lưu lại rồi tải lên."
    ),
    "E-STRING-BOMB": (
        "Tệp có một đoạn chữ rất dài được lặp lại ở rất nhiều ô (khi đọc sẽ vượt quá {limit_mb} MB). Hệ thống "
        "đã dừng đọc để bảo vệ máy chủ. Hãy xóa nội dung thừa ở các ô đó, lưu lại rồi tải lên."
    ),
    "E-NO-COPY": (
        "Hệ thống không tạo được bản sao của tệp này có đánh dấu hoặc ghi chú: tệp được lưu theo một kiểu mà công "
        "cụ ghi chú không mở được (ví dụ kiểu “Strict Open XML Spreadsheet”). Tệp vẫn được lưu nguyên vẹn và đã "
        "được kiểm tra; các lỗi và nhận xét xem được ngay trên trang này. Nếu cần bản sao có đánh dấu, hãy mở tệp, "
        "chọn Lưu thành (Save As), kiểu tệp Excel Workbook (.xlsx), rồi tải lên lại."
    ),
    "E-NOT-KDWEB": (
        "Tệp này không phải tệp mẫu do hệ thống phát hành (không có phần thông tin ẩn của tệp mẫu). "
        "Hãy tải tệp mẫu của đơn vị từ hệ thống, điền vào đó rồi tải lên."
    ),
    "E-WRONG-UNIT": (
        "Đây là tệp mẫu của đơn vị khác: {found_name} (mã {found}), không phải của đơn vị bạn (mã {expected}). "
        "Hãy tải lên đúng tệp mẫu của đơn vị mình; nếu chưa có, tải tệp mẫu của đơn vị tại trang này. "
        "Nếu tệp này được gửi nhầm, hãy chuyển lại cho {found_name}."
    ),
    "E-OLD-CYCLE": (
        "Đây là tệp mẫu của đợt đánh giá năm {found}, không phải đợt năm {expected} đang mở. Số liệu năm {found} "
        "không dùng cho năm nay: hãy tải tệp mẫu năm {expected} của đơn vị tại trang này và điền vào đó."
    ),
    "E-OTHER-CYCLE": (
        "Đây là tệp mẫu của đợt đánh giá năm {found}, không phải đợt năm {expected} đang mở. Hãy tải tệp mẫu "
        "năm {expected} của đơn vị tại trang này và điền vào đó."
    ),
    "E-VERSION": (
        "Tệp mẫu này của đúng đơn vị và đúng năm nhưng thuộc phiên bản \"{version}\", một phiên bản hệ thống "
        "không còn lưu. Hãy tải tệp mẫu mới của đơn vị tại trang này, chép số liệu sang rồi tải lên."
    ),
    "E-LAYOUT": (
        "Tệp mẫu này (phiên bản \"{version}\") được tạo theo bố cục cũ mà hệ thống nay không còn đọc được. "
        "Hãy tải tệp mẫu mới của đơn vị tại trang này, chép số liệu sang rồi tải lên."
    ),
    "E-TAMPERED": (
        "Phần thông tin ẩn của tệp mẫu đã bị sửa hoặc danh sách do hệ thống cấp đã bị chỉnh tay (chữ ký "
        "không khớp). Hãy tải lại tệp mẫu từ hệ thống và điền vào đó; nếu danh sách cần thay đổi, đề nghị "
        "cơ quan tham mưu của cấp trên cập nhật danh sách."
    ),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """The reason a file is refused as a whole; `detail` is technical, in English, for the log only."""

    code: str
    message: str
    detail: str = ""


class Refusal(Exception):
    """Raised inside the reader to stop at the first problem; carries the Problem."""

    def __init__(self, problem: Problem):
        super().__init__(problem.code)
        self.problem = problem

    def __reduce__(self):  # crosses the sandbox's process boundary whole
        return (Refusal, (self.problem,))


def problem(code: str, detail: str = "", **values) -> Problem:
    return Problem(code, MESSAGES[code].format(**values), detail)


def refuse(code: str, detail: str = "", **values) -> Refusal:
    return Refusal(problem(code, detail, **values))


RULE_SET_CHANGED = (
    " Tệp năm {found} theo {found_basis}; đợt năm {expected} đánh giá theo {expected_basis}, với các cột "
    "và cách xếp loại khác."
)


def other_cycle_problem(found: int, expected: int, found_rule_set: str, expected_rule_set: str | None) -> Problem:
    """E-OLD-CYCLE or E-OTHER-CYCLE; when the two cycles are rated under different rule sets (2025's qd366-hd43
    after qd132-hd21, or the reverse), the message names both."""
    found_problem = problem("E-OLD-CYCLE" if found < expected else "E-OTHER-CYCLE",
                            detail=f"rule set {found_rule_set}", found=found, expected=expected)
    if expected_rule_set is None or expected_rule_set == found_rule_set:
        return found_problem
    titles = {rule_set_id: rule_set.title for rule_set_id, rule_set in RULE_SETS.items()}
    changed = RULE_SET_CHANGED.format(found=found, expected=expected,
                                      found_basis=titles.get(found_rule_set, found_rule_set),
                                      expected_basis=titles.get(expected_rule_set, expected_rule_set))
    return Problem(found_problem.code, found_problem.message + changed, found_problem.detail)
