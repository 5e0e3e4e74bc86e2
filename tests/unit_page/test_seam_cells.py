"""The guards against the parser, cell by cell: what a spreadsheet program leaves in a cell that the guards let through
must reach the unit as what the cell shows, on every subject sheet of both rule sets, through the real download →
fill → upload path. Each class of cell: an Excel error (#N/A, #REF!), a boolean, invisible characters pasted into a
dropdown cell, a roster date kept as its serial number, a row copied twice."""
import io
from datetime import date

import pytest

from kdweb.excel import sheet_specs
from kdweb.extensions import db
from kdweb.models import Upload
from kdweb.rules import Level, SubjectKind, get_rule_set
from tests import loaded
from tests.excel import files
from tests.unit_page.conftest import UNIT, upload
from tests.unit_page.test_flow_366 import scored_values, switch_to_366
from tests.workbooks import cell_of, changed, clean_values, fill, roster

RULE_SETS = ("qd132-hd21", "qd366-hd43")
EXCEL_EPOCH = date(1899, 12, 30)


@pytest.fixture(params=RULE_SETS)
def issued(request, client, auth, app, demo, saved_state):
    """(rule set id, the unit's downloaded workbook, values_for that rates every subject cleanly, the roster), with
    the unit's staff logged in; under qd366 the admin first switches the open cycle to it. The same in every test
    of a rule set: done once per worker and rule set, then given back as it left the database (`saved_state`)."""
    rule_set_id = request.param

    def issue():
        if rule_set_id == "qd366-hd43":
            switch_to_366(client, auth, app)
        auth.login_as("staff", UNIT)
        batch = roster(app, UNIT)
        data = client.get(f"/units/{UNIT}/workbook.xlsx").data
        values = scored_values(batch) if rule_set_id == "qd366-hd43" else clean_values(batch, rule_set_id)
        assert "Không có lỗi" in upload(client, fill(data, values, rule_set_id)).get_data(as_text=True)
        return rule_set_id, data, values, batch
    return saved_state(("seam_cells.issued", rule_set_id), issue, client)


def rated_codes(issued_workbook, kind: SubjectKind, count: int = 2) -> list[str]:
    _rule_set_id, _data, values, batch = issued_workbook
    codes = [record.code for record in batch.records_of(kind) if values(kind, record.code)["level"] == Level.HTTNV.text]
    assert len(codes) >= count, f"the demo unit has too few rated {kind.text.lower()}"
    return codes[:count]


def with_cell_xml(data: bytes, kind: SubjectKind, ref: str, xml: str, rule_set_id: str) -> bytes:
    sheet = next(spec.name for spec in sheet_specs(get_rule_set(rule_set_id)) if spec.kind is kind)
    return files.patch_part(data, files.sheet_part(data, sheet), rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'.encode(),
                            xml.encode())


def newest_findings(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        found = db.session.execute(db.select(Upload).order_by(Upload.id.desc())).scalars().first()
        rows = [(f.rule, f"'{f.sheet}'!{f.cell}", f.message) for f in found.findings]
        db.session.remove()
    return rows


@pytest.mark.parametrize("kind", list(SubjectKind))
def test_a_cell_showing_an_excel_error_or_a_boolean_is_told_as_it_shows(client, app, issued, kind):
    rule_set_id, data, values, _batch = issued
    first, second = rated_codes(issued, kind)
    filled = fill(data, values, rule_set_id)
    level_sheet, level_cell = cell_of(data, kind, first, "level", rule_set_id)
    _, name_cell = cell_of(data, kind, first, "name", rule_set_id)
    _, other_level = cell_of(data, kind, second, "level", rule_set_id)
    filled = with_cell_xml(filled, kind, level_cell, f'<c r="{level_cell}" t="e"><f>VLOOKUP(A1,Z:Z,2,0)</f>'
                                                     f'<v>#N/A</v></c>', rule_set_id)
    filled = with_cell_xml(filled, kind, name_cell, f'<c r="{name_cell}" t="e"><v>#REF!</v></c>', rule_set_id)
    filled = with_cell_xml(filled, kind, other_level, f'<c r="{other_level}" t="b"><v>1</v></c>', rule_set_id)

    body = upload(client, filled).get_data(as_text=True)
    found = {cell: (rule, message) for rule, cell, message in newest_findings(app)}
    at = lambda cell: f"'{level_sheet}'!{cell}"  # noqa: E731
    assert found[at(level_cell)][0] == "P-VALUE" and "“#N/A”" in found[at(level_cell)][1]
    assert "chưa có mức xếp loại" not in body  # the cell is not empty: it shows an error
    assert found[at(name_cell)][0] == "W-IDENTITY" and "trong tệp là “#REF!”" in found[at(name_cell)][1]
    assert "“TRUE”" in found[at(other_level)][1] and "“True”" not in body


@pytest.mark.parametrize("kind", list(SubjectKind))
def test_invisible_characters_pasted_into_a_choice_read_as_the_choice(client, app, issued, kind):
    rule_set_id, data, values, _batch = issued
    first, second = rated_codes(issued, kind)
    pasted = changed(changed(values, first, level="\ufeffHoàn thành tốt\u200b nhiệm\u00a0vụ\u200f"),
                     second, level="\u202bHoàn thành tốt nhiệm vụ\u202c\u00ad")
    filled = fill(data, pasted, rule_set_id)
    _, level_cell = cell_of(data, kind, first, "level", rule_set_id)  # and a control character, written "_x0001_"
    filled = with_cell_xml(filled, kind, level_cell, f'<c r="{level_cell}" t="inlineStr"><is><t>Hoàn thành tốt'
                                                     f'_x0001_nhiệm vụ</t></is></c>', rule_set_id)
    body = upload(client, filled).get_data(as_text=True)
    assert "Không có lỗi" in body, newest_findings(app)[:3]


DATE_FIELDS = {SubjectKind.MEMBER: "admitted_on", SubjectKind.ORGANISATION: "founded_on",
               SubjectKind.COLLECTIVE: "founded_on"}


@pytest.mark.parametrize("kind", list(DATE_FIELDS))
def test_a_roster_date_kept_as_its_serial_number_is_not_an_edit(client, app, issued, kind):
    """A date column pasted as values or formatted "General" shows the day's serial number: the same day."""
    rule_set_id, data, values, batch = issued
    key = DATE_FIELDS[kind]
    record = next(r for r in batch.records_of(kind) if getattr(r, key) is not None)
    sheet, cell = cell_of(data, kind, record.code, key, rule_set_id)
    book = loaded.load_workbook(fill(data, values, rule_set_id))
    book[sheet][cell].value = (getattr(record, key) - EXCEL_EPOCH).days
    book[sheet][cell].number_format = "General"
    buffer = io.BytesIO()
    book.save(buffer)
    body = upload(client, buffer.getvalue()).get_data(as_text=True)
    assert "Không có lỗi" in body, newest_findings(app)[:3]

    book[sheet][cell].value = (getattr(record, key) - EXCEL_EPOCH).days + 1  # another day is still an edit
    buffer = io.BytesIO()
    book.save(buffer)
    upload(client, buffer.getvalue())
    assert [rule for rule, at, _ in newest_findings(app) if at == f"'{sheet}'!{cell}"] == ["W-IDENTITY"]


@pytest.mark.parametrize("kind", list(SubjectKind))
def test_a_row_copied_twice_is_told_once_on_each_of_its_rows(client, app, issued, kind):
    rule_set_id, data, values, _batch = issued
    code = rated_codes(issued, kind, 1)[0]
    sheet, first = cell_of(data, kind, code, "code", rule_set_id)
    book = loaded.load_workbook(fill(data, values, rule_set_id))
    worksheet = book[sheet]
    row, copy = int(first.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), worksheet.max_row + 1
    for cell in worksheet[row]:
        worksheet.cell(copy, cell.column, cell.value)
    buffer = io.BytesIO()
    book.save(buffer)
    upload(client, buffer.getvalue())
    repeated = [at for rule, at, message in newest_findings(app) if rule == "X-MISSING" and "2 lần" in message]
    letter = first.rstrip("0123456789")
    assert repeated == [f"'{sheet}'!{first}", f"'{sheet}'!{letter}{copy}"]


@pytest.mark.parametrize("kind", list(SubjectKind))
def test_a_huge_cell_is_quoted_short_in_its_message(client, app, issued, kind):
    """A cell may hold 32,767 characters; the message quoting it is stored, shown and written back as a note."""
    rule_set_id, data, values, _batch = issued
    code = rated_codes(issued, kind, 1)[0]
    filled = fill(data, changed(values, code, level="Hoàn thành " + "x" * 32_000), rule_set_id)
    sheet, name_cell = cell_of(data, kind, code, "name", rule_set_id)
    _, level_cell = cell_of(data, kind, code, "level", rule_set_id)
    filled = with_cell_xml(filled, kind, name_cell, f'<c r="{name_cell}" t="inlineStr"><is><t>{"y" * 5_000}</t></is></c>',
                           rule_set_id)
    upload(client, filled)
    told = {at: message for _, at, message in newest_findings(app)}
    for cell in (level_cell, name_cell):
        message = told[f"'{sheet}'!{cell}"]
        assert len(message) < 1_000 and "…”" in message, message[:200]


UNCOMPUTED_FORMS = {  # how a program that does not calculate writes a formula: no value stored beside it
    "openpyxl (an empty <v />)": '<c r="{ref}"><f>{formula}</f><v /></c>',
    "no <v> at all (Apache POI and others)": '<c r="{ref}" s="1"><f>{formula}</f></c>',
    "an empty <v></v>": '<c r="{ref}"><f>{formula}</f><v></v></c>',
    "a shared formula's follower": '<c r="{ref}"><f t="shared" si="0"/></c>',
}


@pytest.mark.parametrize("form", list(UNCOMPUTED_FORMS))
@pytest.mark.parametrize("kind", list(SubjectKind))
def test_a_formula_without_its_value_is_told_at_its_cell_not_read_as_blank_silently(client, app, issued, kind, form):
    """A level typed as a formula and saved by a program that does not calculate (a script's openpyxl): calamine
    reads the cell as blank; the unit is told which cell holds a formula whose value is not stored. The template's
    own computed columns (qd366's level a score allows, never calculated in a file openpyxl filled) say nothing."""
    rule_set_id, data, values, _batch = issued
    first, second = rated_codes(issued, kind)
    sheet, level_cell = cell_of(data, kind, first, "level", rule_set_id)
    _, name_cell = cell_of(data, kind, second, "name", rule_set_id)
    filled = fill(data, values, rule_set_id)
    for ref, formula in ((level_cell, "B5&amp;&quot;&quot;"), (name_cell, "UPPER(C9)")):
        filled = with_cell_xml(filled, kind, ref, UNCOMPUTED_FORMS[form].format(ref=ref, formula=formula), rule_set_id)

    body = upload(client, filled).get_data(as_text=True)
    told = [(rule, at, message) for rule, at, message in newest_findings(app) if rule == "W-FORMULA"]
    assert [at for _, at, _ in told] == [f"'{sheet}'!{level_cell}", f"'{sheet}'!{name_cell}"], told
    for _, _, message in told:
        assert "có công thức" in message and "chưa có giá trị đã tính" in message and "Excel hoặc LibreOffice" in message
    if form != "a shared formula's follower":  # the formula quoted as the cell holds it
        assert "(“=B5&\"\"”)" in told[0][2] and "(“=UPPER(C9)”)" in told[1][2]
    assert f"(mã {first})" in told[0][2] and f"(mã {second})" in told[1][2]  # whose row it is
    assert "Không có lỗi" not in body


@pytest.mark.parametrize("kind", list(SubjectKind))
def test_a_formula_with_its_value_stored_reads_as_its_value(client, app, issued, kind):
    """As Excel and LibreOffice save it: the value beside the formula is what the cell says; a text formula whose
    value is empty text (t="str", <v></v>) is a blank cell, not a formula without a value."""
    rule_set_id, data, values, _batch = issued
    first, second = rated_codes(issued, kind)
    _, level_cell = cell_of(data, kind, first, "level", rule_set_id)
    _, other_level = cell_of(data, kind, second, "level", rule_set_id)
    filled = with_cell_xml(fill(data, values, rule_set_id), kind, level_cell,
                           f'<c r="{level_cell}" t="str"><f>IF(1,"Hoàn thành tốt nhiệm vụ","")</f>'
                           f'<v>Hoàn thành tốt nhiệm vụ</v></c>', rule_set_id)
    assert "Không có lỗi" in upload(client, filled).get_data(as_text=True), newest_findings(app)[:3]

    filled = with_cell_xml(filled, kind, other_level, f'<c r="{other_level}" t="str"><f>IF(0,"x","")</f><v></v></c>',
                           rule_set_id)
    upload(client, filled)
    rules = {rule for rule, at, _ in newest_findings(app) if at.endswith(f"!{other_level}")}
    assert rules and "W-FORMULA" not in rules  # blank, told as a level missing


def saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", list(SubjectKind))
def test_a_level_merged_over_several_rows_is_told_at_the_cells_it_covers(client, app, issued, kind):
    """Merged cells show their first cell's value on every row they span, but hold it in the first cell only: the
    unit is warned, at the first covered cell, why a level it sees was read as blank (the blank level is the
    error). The template's own merged
    title rows say nothing (every clean upload proves it)."""
    rule_set_id, data, values, _batch = issued
    first, second = rated_codes(issued, kind)
    sheet, one = cell_of(data, kind, first, "level", rule_set_id)
    _, other = cell_of(data, kind, second, "level", rule_set_id)
    top, bottom = sorted((one, other), key=lambda ref: int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")))
    book = loaded.load_workbook(fill(data, values, rule_set_id))
    book[sheet][bottom].value = None
    book[sheet].merge_cells(f"{top}:{bottom}")
    body = upload(client, saved(book)).get_data(as_text=True)
    letter, row = top.rstrip("0123456789"), int(top.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    merged = [(at, message) for rule, at, message in newest_findings(app) if rule == "W-MERGED"]
    assert [at for at, _ in merged] == [f"'{sheet}'!{letter}{row + 1}"], merged
    assert "Không có lỗi" not in body
    assert f"vùng gộp ô {top}:{bottom}" in merged[0][1] and f"({top})" in merged[0][1] and "bỏ gộp ô" in merged[0][1]


@pytest.mark.parametrize("kind", list(SubjectKind))
def test_hidden_rows_and_columns_and_an_extra_tab_are_read_as_they_are(client, app, issued, kind):
    """Rows a filter hid, a column hidden, a tab of the unit's own notes: what the hidden cells hold still counts
    (a mistake hidden by a filter is still told), and the extra tab is not read."""
    rule_set_id, data, values, _batch = issued
    first, _second = rated_codes(issued, kind)
    sheet, level_cell = cell_of(data, kind, first, "level", rule_set_id)
    book = loaded.load_workbook(fill(data, changed(values, first, level="Hoàn thành tốt lắm"), rule_set_id))
    book[sheet].row_dimensions[int(level_cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))].hidden = True
    book[sheet].column_dimensions[level_cell.rstrip("0123456789")].hidden = True
    book.create_sheet("Ghi chép riêng")["A1"] = "=SUM(1,2)"  # a formula left uncalculated on a tab not read
    upload(client, saved(book))
    found = newest_findings(app)
    assert [(rule, at) for rule, at, _ in found] == [("P-VALUE", f"'{sheet}'!{level_cell}")], found


NUMBER_FIELDS = {  # rule set: two typed number columns of the member sheet and the end of their "not a number"
    "qd132-hd21": ("sick_leave_months", "maternity_leave_months", "không phải số hợp lệ (số không âm, ví dụ 3 hoặc 2,5)."),
    "qd366-hd43": ("score_common", "score_tasks", "không phải số điểm hợp lệ (số không âm, ví dụ 27,5)."),
}


def test_a_number_typed_as_text_in_a_form_people_do_not_type_is_told_at_its_cell(client, app, issued):
    """“2e1” typed as text in a column of months or of points is not 20 (Python's float() and Decimal() would read
    it so), nor “inf” endless: each is not a number, at its cell; “1,5” typed as text is read."""
    rule_set_id, data, values, _batch = issued
    one, other, message = NUMBER_FIELDS[rule_set_id]
    first, second = rated_codes(issued, SubjectKind.MEMBER)
    typed = changed(changed(values, first, **{one: "2e1"}), second, **{other: "inf"})
    upload(client, fill(data, typed, rule_set_id))
    cells = {key: "'{}'!{}".format(*cell_of(data, SubjectKind.MEMBER, code, key, rule_set_id))
             for code, key in ((first, one), (second, other))}
    found = [(cell, text.split(": ", 1)[-1]) for rule, cell, text in newest_findings(app)
             if rule == "P-VALUE" and cell in cells.values()]
    assert sorted(found) == sorted([(cells[one], f"“2e1” {message}"), (cells[other], f"“inf” {message}")])
    upload(client, fill(data, changed(values, first, **{one: "1,5"}), rule_set_id))
    assert not [row for row in newest_findings(app) if row[1] == cells[one] and row[0] == "P-VALUE"]
