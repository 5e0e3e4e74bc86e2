"""One vocabulary (docs/design.md): every kind, level, reason and status, with its Vietnamese texts, is written
once in `kdweb/domain.py`; the rules, reports, exports, workbook, services, views and templates derive from it.

The scans below fail when a second table of those words (or of their codes) appears anywhere else in `kdweb/` or
`templates/`, and the checks at the end follow the words to where they are shown.
"""
import ast
import unicodedata
from pathlib import Path

import pytest

from kdweb.domain import (
    CODED_ENUMS, Coded, Level, NotRatedReason, Role, SubjectKind, UnitLevel, WorkbookStatus,
)

ROOT = Path(__file__).resolve().parent.parent
FORMS = ("text", "short", "sheet", "heading", "group_text", "new_text")
# Role.REVIEWER's text is the department's own name, which the letterhead and the demo spell as such.
WORDED = [enum for enum in CODED_ENUMS if enum is not Role]
TABLED = (Level, SubjectKind, NotRatedReason)  # enums whose codes must never be listed by hand


def words() -> dict[str, str]:
    found = {}
    for enum in WORDED:
        for member in enum:
            for form in FORMS:
                value = getattr(member, form, None)
                if isinstance(value, str) and value != member.code:
                    found.setdefault(value, f"{enum.__name__}.{member.name}.{form}")
    return found


def python_files():
    return [path for path in sorted((ROOT / "kdweb").rglob("*.py")) if path.name != "domain.py"]


def test_every_coded_enum_has_one_base_and_texts_in_nfc():
    for enum in CODED_ENUMS:
        assert issubclass(enum, Coded), enum
        assert len({member.code for member in enum}) == len(enum)
        for member in enum:
            assert enum(member.code) is member and str(member) == member.text
            for form in FORMS:
                value = getattr(member, form, None)
                assert value is None or (value and unicodedata.is_normalized("NFC", value)), (member, form)


def test_no_coded_enum_is_written_outside_the_domain():
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(base, "id", getattr(base, "attr", "")) for base in node.bases}
                assert "Enum" not in bases or path.name in ("terms.py",), f"{path}: enum {node.name}"


@pytest.mark.parametrize("path", python_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_python_spells_no_word_and_lists_no_code_by_hand(path):
    vocabulary = words()
    relative = str(path.relative_to(ROOT))
    slugs = {member.code.lower() for enum in TABLED for member in enum} - {"exempt", "suspended", "new", "other",
                                                                           "temporary"}  # also field names
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert node.value not in vocabulary, \
                f"{relative}:{node.lineno} spells {vocabulary.get(node.value)}: derive it from kdweb.domain"
            for level in Level:  # a level quoted inside a sentence is the level's text too
                assert f"“{level.text}”" not in node.value, f"{relative}:{node.lineno} quotes {level.text}"
            assert node.value not in slugs, f"{relative}:{node.lineno} spells the kind {node.value!r} by hand"
        if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
            items = node.keys if isinstance(node, ast.Dict) else node.elts
            constants = {item.value for item in items if isinstance(item, ast.Constant)}
            for enum in TABLED:
                listed = constants & ({member.code for member in enum} | {member.code.lower() for member in enum})
                assert len(listed) < 2 or enum is NotRatedReason and not listed & {"EXEMPT", "NEW", "OTHER"}, \
                    f"{relative}:{node.lineno} lists {enum.__name__} codes {sorted(listed)} by hand"


@pytest.mark.parametrize("path", sorted((ROOT / "templates").rglob("*.html")),
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_templates_take_the_words_from_terms(path):
    html = path.read_text(encoding="utf-8")
    relative = str(path.relative_to(ROOT))
    for word, where in words().items():
        for spelled in (f">{word}<", f"'{word}'", f'"{word}"'):
            assert spelled not in html, f"{relative} spells {where}: use terms.…"
    for level in Level:
        assert f"“{level.text}”" not in html, f"{relative} quotes {level.text}: use terms.Level"
        assert f">{level.code}<" not in html and f"'{level.code}'" not in html and f'"{level.code}"' not in html, \
            f"{relative} lists the level {level.code} by hand: loop over terms.Level"


def test_the_shown_words_come_from_the_members():
    from kdweb.excel.columns import SHEET_NAMES, SHEET_TITLES
    from kdweb.exports.xlsx_report import BREAKDOWN_SHEET_NAMES, SHEET_NAMES as REPORT_SHEETS
    from kdweb.reports.columns import columns
    from kdweb.reports.vocabulary import measure_label, not_rated_label, state_text
    from kdweb.rules.labels import field_label

    headers = [column.header for column in columns()]
    for reason in NotRatedReason:
        assert f"Không xếp loại - {reason.heading}" in headers
    assert measure_label("NEW", "MEMBER") == SubjectKind.MEMBER.new_text
    assert not_rated_label("SICK") == f"Không xếp loại: {NotRatedReason.OTHER.heading}"
    for kind in SubjectKind:
        assert SHEET_NAMES[kind] == kind.sheet and kind.text.upper() in SHEET_TITLES[kind]
        assert REPORT_SHEETS[kind.code] == kind.short
        assert kind.group_text is None or BREAKDOWN_SHEET_NAMES[kind.code].startswith(kind.short)
    assert field_label("post_group") == SubjectKind.LEADER.group_text
    for status in WorkbookStatus:
        assert state_text(status.code) == status.text
    assert [level.short for level in sorted(Level, reverse=True)] == ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]
    assert UnitLevel.DISTRICT.text == "Cấp trên cơ sở"  # neutral: a district or a ward is the superior


def test_the_instruction_sheet_lists_each_level_by_its_short_form_and_text():
    import io

    import openpyxl

    from tests.excel.builders import build_demo

    sheet = openpyxl.load_workbook(io.BytesIO(build_demo()))["Hướng dẫn"]
    rows = {tuple(cell.value for cell in row if cell.value) for row in sheet.iter_rows()}
    for level in Level:
        assert (level.short, level.text) in rows


def test_quota_messages_count_the_subjects_by_their_noun():
    from tests.rules.factories import findings_for, member

    members = [member(f"DV{n}", Level.HTXSNV if n < 3 else Level.HTTNV) for n in range(12)]
    found = findings_for("Q-20", *members)
    assert found and all(f"{SubjectKind.MEMBER.noun} xếp loại" in finding.message for finding in found)
