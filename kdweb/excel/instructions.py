"""The instructions sheet: what the unit fills, with which values, by when, and whom to call."""
from __future__ import annotations

from kdweb.exports.page_setup import fit_to_a4
from kdweb.exports.safe_cells import set_text
from kdweb.rules.checks_score import NOT_RATED_REASONS
from kdweb.rules.parse import GRADE_CHOICES, REASON_CHOICES
from kdweb.rules.registry import get_rule_set
from kdweb.rules.ruleset import RuleSet
from kdweb.rules.terms import NOT_RATED_TEXT, Level

from . import styles
from .columns import LISTS, SheetSpec
from .inputs import CycleInfo, UnitInfo

SHEET = "Hướng dẫn"
_DEFAULT_BASIS = "Kế hoạch 174-KH/QU; Quy định 132-QĐ/TW; Hướng dẫn 21-HD/BTCTW"


def write_instructions(sheet, unit: UnitInfo, cycle: CycleInfo, specs: tuple[SheetSpec, ...], summary_sheet: str,
                       rule_set: RuleSet | None = None) -> None:
    sheet.title = SHEET
    sheet.column_dimensions["A"].width = 4
    sheet.column_dimensions["B"].width = 34
    sheet.column_dimensions["C"].width = 90
    rows = _rows(unit, cycle, specs, summary_sheet, rule_set) + _column_rows(specs, rule_set or get_rule_set())
    for number, (style, left, right) in enumerate(rows, start=1):
        if style in (styles.TITLE, styles.SUBTITLE):
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=3)
            cell = sheet.cell(number, 1)
            cell.style = style
            set_text(cell, left)  # the unit's name may look like a formula: it stays text
            continue
        for column, value in ((2, left), (3, right)):
            if value:
                cell = sheet.cell(number, column)
                cell.style = style
                set_text(cell, value)
    sheet.sheet_view.showGridLines = False
    fit_to_a4(sheet, landscape=False)


def _column_rows(specs, rule_set: RuleSet) -> list[tuple[str, str, str]]:
    """Each sheet's columns the unit fills, or that the workbook computes, with their help text (the registry's)."""
    rows = [(styles.TEXT, "", ""), (styles.SUBTITLE, "CÁC CỘT CẦN ĐIỀN", "")]
    for spec in specs:
        rows.append((styles.TEXT, f"Trang “{spec.name}”", ""))
        for column in spec.columns:
            if column.is_input or column.is_computed:
                rows.append((styles.TEXT, column.header, _column_help(column, rule_set)))
    return rows


def _column_help(column, rule_set: RuleSet) -> str:
    if column.help:
        return column.help_under(rule_set)
    if column.choices:
        return "Chọn trong danh sách: " + "; ".join(LISTS[column.choices]) + "."
    return "Ghi nội dung (nếu có)."


def _rows(unit: UnitInfo, cycle: CycleInfo, specs, summary_sheet: str, rule_set=None) -> list[tuple[str, str, str]]:
    deadline = cycle.deadline_for(unit)
    level_text = cycle.superior_level if unit.level == "district" else "cấp cơ sở"
    sheets = ", ".join(f"“{spec.name}”" for spec in specs)
    rows = [
        (styles.TITLE, f"KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM {cycle.year}", ""),
        (styles.SUBTITLE, f"{unit.name} (mã {unit.code})", ""),
        (styles.TEXT, "", ""),
        (styles.TEXT, "Đơn vị", f"{unit.name}, mã {unit.code} ({level_text})"),
        (styles.TEXT, "Hạn nộp", _deadline_text(deadline, level_text) or f"Theo thông báo của {cycle.contact}."),
        (styles.TEXT, "Căn cứ", rule_set.title if rule_set is not None and rule_set.scored else _DEFAULT_BASIS),
        (styles.TEXT, "Cần hỗ trợ", f"Liên hệ {cycle.contact}."),
        *([(styles.TEXT, "Cấp quyết định", cycle.deciding_body)] if cycle.deciding_body else []),
        (styles.TEXT, "", ""),
        (styles.SUBTITLE, "CÁCH ĐIỀN", ""),
        (styles.TEXT, "1. Các trang cần điền", f"{sheets}. Mỗi dòng là một đối tượng trong danh sách được giao."),
        (styles.TEXT, "2. Cột nền xám", "Danh sách do hệ thống cấp (mã, họ tên, ngày sinh, chi bộ, tình trạng, chức vụ): "
                                        f"không sửa, không xóa dòng, không thêm dòng. Nếu danh sách sai, báo {cycle.contact}."),
        (styles.TEXT, "3. Cột tiêu đề nền vàng", "Đơn vị điền: chọn giá trị trong danh sách thả xuống của từng ô."),
        (styles.TEXT, "4. Cấp độ tiêu chí", "Mỗi tiêu chí chấm một trong: " + ", ".join(GRADE_CHOICES) + "."),
    ]
    if rule_set is not None and rule_set.scored:
        rows[-1] = (
            styles.TEXT, "4. Chấm điểm",
            f"Điểm tiêu chí chung tối đa {rule_set.score_common_max}, điểm kết quả thực hiện nhiệm vụ tối đa "
            f"{rule_set.score_tasks_max}; tổng điểm và mức tối đa theo khung điểm tự tính. Khung: từ "
            f"{rule_set.band_htxsnv} điểm HTXSNV, từ {rule_set.band_httnv} HTTNV, từ {rule_set.band_htnv} HTNV; "
            "mức xếp loại còn phải đạt các điều kiện về nhiệm vụ.",
        )
    rows += [
        (styles.TEXT, "5. Mức xếp loại", "Chọn một trong bốn mức dưới đây, hoặc “" + NOT_RATED_TEXT + "” kèm lý do."),
        (styles.TEXT, "6. Có/Không", "Các cột hỏi Có/Không: chọn “Có” khi đúng, để trống hoặc “Không” khi không."),
        (styles.TEXT, "7. Ngày tháng", "Ghi theo dạng ngày/tháng/năm, ví dụ 15/12/" + str(cycle.year) + "."),
        (styles.TEXT, "8. Tự kiểm tra", f"Trang “{summary_sheet}” tự đếm số lượng theo từng mức và báo đỏ khi số "
                                        f"“{Level.HTXSNV.text}” vượt tỷ lệ cho phép."),
        (styles.TEXT, "9. Nộp", "Lưu tệp dạng .xlsx (Excel hoặc LibreOffice đều được), tải lên hệ thống, sửa hết các lỗi "
                                "hệ thống chỉ ra rồi bấm Nộp."),
        (styles.TEXT, "", ""),
        (styles.SUBTITLE, "MỨC XẾP LOẠI", ""),
    ]
    for level in sorted(Level, reverse=True):
        rows.append((styles.TEXT, level.short, level.text))
    reasons = REASON_CHOICES
    if rule_set is not None and rule_set.scored:  # 366: whoever is reviewed is rated (docs/rulebook-366.md §3, §7)
        reasons = tuple(reason.text for reason in NOT_RATED_REASONS)
    rows.append((styles.TEXT, NOT_RATED_TEXT, "Chỉ dùng kèm một lý do: " + "; ".join(reasons) + "."))
    return rows


def _deadline_text(deadline, level_text: str) -> str:
    if deadline is None:
        return None
    return f"Trước ngày {deadline:%d/%m/%Y} (hạn của {level_text}). Nộp muộn vẫn được nhận nhưng bị ghi là muộn."
