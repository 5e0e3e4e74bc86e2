"""The fixture district's results, as plain data, and the numbers expected from them, counted in plain Python.

Built on the small demo district: BD (district, no group), BD.P01 and BD.P02 (Đảng bộ phường), BD.CQ01 and
BD.CB01 (Khối cơ quan), BD.TH01 and BD.TH02 (Khối giáo dục), BD.DN01 (Khối doanh nghiệp).
"""
from __future__ import annotations

import math
from fractions import Fraction

from tests.reports.factories import members, random_subjects, subject

RISKY_UNIT_NAME = '=HYPERLINK("http://evil.example/","Bấm vào đây")'
RISKY_SUBJECT_NAMES = ("+SUM(A1:A9)", "@cmd|' /C calc'!A0", "-2+3", "\tTab đầu dòng", "=1+1")
RISKY_GROUP = "@Nhóm tự đặt"
KINDS = ("MEMBER", "ORGANISATION", "COLLECTIVE", "LEADER")
LEVELS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
REASONS = ("EXEMPT", "SUSPENDED", "NEW", "TEMPORARY", "OTHER")
BASES = {"approved": {"approved"}, "submitted": {"submitted", "approved"}}


def district_subjects() -> list[dict]:
    organisations = [
        subject("ORGANISATION", "BD.P01", "HTXSNV", group="Đảng bộ phường"),
        subject("ORGANISATION", "BD.P02", "HTTNV", group="Đảng bộ phường"),
        subject("ORGANISATION", "BD.CQ01", "HTTNV", group="Khối cơ quan"),
        subject("ORGANISATION", "BD.CB01", "HTNV", group="Khối cơ quan"),
        subject("ORGANISATION", "BD.TH01", "HTTNV", group="Khối giáo dục"),
        subject("ORGANISATION", "BD.TH02", None, reason="NEW", group="Khối giáo dục"),
        subject("ORGANISATION", "BD.DN01", "KHTNV", disciplined=True, group="Khối doanh nghiệp"),
    ]
    collectives = [
        subject("COLLECTIVE", "BD.TT001", "HTXSNV", group="Ban Thường vụ Quận ủy"),
        subject("COLLECTIVE", "BD.TT002", "HTTNV", group="Lãnh đạo UBND quận"),
        subject("COLLECTIVE", "BD.TH01.BGH", "HTTNV", group="Trường học"),
        subject("COLLECTIVE", "BD.TH02.BGH", "HTXSNV", group="Trường học"),
        subject("COLLECTIVE", "BD.TH03.BGH", "HTTNV", group="Trường học"),
        subject("COLLECTIVE", "BD.TT006", "HTNV", group=RISKY_GROUP, remarks="=cmd"),
    ]
    leaders = [
        subject("LEADER", "LD001", "HTXSNV", group="Bí thư cấp ủy cơ sở"),
        subject("LEADER", "LD002", "HTTNV", group="Bí thư cấp ủy cơ sở"),
        subject("LEADER", "LD003", "HTTNV", group="Bí thư cấp ủy cơ sở"),
        subject("LEADER", "LD004", "HTNV", group="Hiệu trưởng"),
        subject("LEADER", "LD005", "KHTNV", disciplined=True, group="Hiệu trưởng"),
        subject("LEADER", "LD006", None, reason="NEW", group="Hiệu trưởng"),
    ]
    return organisations + collectives + leaders


def ward_subjects() -> list[dict]:
    """BD.P01: 1 HTXSNV and 2 HTTNV of 3 rated (33.33 %, 66.67 %), one exempt, one in temporary activity here."""
    organisations = [
        subject("ORGANISATION", "BD.P01.C01", "HTXSNV", group="Chi bộ khu dân cư"),
        subject("ORGANISATION", "BD.P01.C02", "HTTNV", group="Chi bộ khu dân cư"),
        subject("ORGANISATION", "BD.P01.C03", "HTTNV", group="Chi bộ khu dân cư"),
        subject("ORGANISATION", "BD.P01.CQ", "HTTNV", group="Chi bộ cơ quan"),
        subject("ORGANISATION", "BD.P01.CA", "HTNV", group="Chi bộ cơ quan"),
    ]
    collectives = [subject("COLLECTIVE", "BD.P01.TT1", "HTTNV", group="Cấp ủy cơ sở"),
                   subject("COLLECTIVE", "BD.P01.TT2", "HTTNV", group="Lãnh đạo UBND phường")]
    leaders = [subject("LEADER", "P01.LD1", "HTTNV", group="Chủ tịch MTTQ phường")]
    return members("P01", "XTT", reasons=("EXEMPT", "TEMPORARY")) + organisations + collectives + leaders


def no_reason_member(code: str) -> dict:
    row = subject("MEMBER", code, None)
    row["not_rated_reason"] = None
    return row


def scenario_results() -> dict[str, list[tuple[str, list[dict]]]]:
    """Each unit's submissions in order; the last is its current one. BD.TH02 has none."""
    return {
        "BD": [("approved", district_subjects())],
        "BD.P01": [("approved", ward_subjects())],
        # 1/8 HTXSNV, 5/8 HTTNV, 1/8 HTNV, 1/8 KHTNV (disciplined): 12.50 / 62.50 / 12.50 / 12.50
        "BD.P02": [("submitted", members("P02", "XTTTTTNK", reasons=("SUSPENDED", "NEW"), disciplined=1))],
        "BD.CQ01": [("returned", members("CQ01", "TTTNN"))],
        # approved once, then reopened and sent again: only the current (not yet approved) one counts
        "BD.CB01": [("approved", random_subjects("MEMBER", "CB01A", 10, seed=11)),
                    ("submitted", random_subjects("MEMBER", "CB01B", 12, seed=12))],
        "BD.TH01": [("approved", random_subjects("MEMBER", "TH01", 40, seed=13, names=RISKY_SUBJECT_NAMES)
                     + [no_reason_member("TH01-099")]
                     + [subject("LEADER", "TH01.LD1", "HTXSNV", group="Hiệu trưởng")])],
        "BD.DN01": [("approved", members("DN01", "XTTTTTTN", reasons=("TEMPORARY",)))],
    }


def previous_year_results() -> dict[str, list[tuple[str, list[dict]]]]:
    return {"BD.P01": [("approved", members("P01-2025", "XXTTTTTNNK"))],
            "BD.TH01": [("approved", members("TH01-2025", "TTTN"))]}


# --- what the report must say, counted independently ------------------------------------------------------

def current_in_basis(results, basis: str) -> dict[str, list[dict]]:
    return {code: sends[-1][1] for code, sends in results.items() if sends and sends[-1][0] in BASES[basis]}


def count(subjects: list[dict]) -> dict[str, int]:
    rated = [s for s in subjects if s["level"] in LEVELS]
    not_rated = [s for s in subjects if s["level"] not in LEVELS]
    result = {"roster": len(subjects), "rated": len(rated), "not_rated": len(not_rated),
              "disciplined": sum(1 for s in rated if s["disciplined"])}
    for level in LEVELS:
        result[level] = sum(1 for s in rated if s["level"] == level)
    for reason in REASONS[:-1]:
        result[reason] = sum(1 for s in not_rated if s["not_rated_reason"] == reason)
    result["OTHER"] = sum(1 for s in not_rated if s["not_rated_reason"] not in REASONS[:-1])
    return result


def expected_rows(results, basis: str, unit_groups: dict[str, str | None]) -> dict[str, dict[str, dict]]:
    """kind → row key ("unit:CODE", "group:LABEL", "rating_group:LABEL", "total") → counts; only rows with subjects."""
    current = current_in_basis(results, basis)
    rows: dict[str, dict[str, dict]] = {}
    for kind in KINDS:
        by_key: dict[str, list[dict]] = {}
        for code, subjects in current.items():
            mine = [s for s in subjects if s["subject_kind"] == kind]
            if not mine:
                continue
            group = unit_groups[code]
            by_key.setdefault(f"unit:{code}", []).extend(mine)
            by_key.setdefault(f"group:{'~' if group is None else group}", []).extend(mine)
            by_key.setdefault("total", []).extend(mine)
            if kind != "MEMBER":
                for s in mine:
                    by_key.setdefault(f"rating_group:{'~' if s['group'] is None else s['group']}", []).append(s)
        rows[kind] = {key: count(subjects) for key, subjects in by_key.items()}
    return rows


def expected_percent(part: int, whole: int) -> str | None:
    """Half-up to two decimals, by exact fractions."""
    if whole == 0:
        return None
    hundredths = math.floor(Fraction(part * 10000, whole) + Fraction(1, 2))
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def missing_codes(results, basis: str, all_codes) -> set[str]:
    return set(all_codes) - set(current_in_basis(results, basis))
