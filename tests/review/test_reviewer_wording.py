"""Reviewer pages speak about the unit, not to it: the clerk's instructions (fill, fix, upload again, press Nộp)
appear on the unit's own page only."""
import pytest

from tests.browser.data import prepare_with_client

TO_THE_CLERK = ("Điền bằng Excel hoặc LibreOffice, không sửa", "rồi tải lên lại", "bấm Nộp", "(mở bằng Excel để sửa)",
                "sửa trên tệp này", "Hãy tải lên")


@pytest.fixture
def units(client, auth, app, saved_state):
    def prepare():
        prepare_with_client(client, auth, app, "BD.P01", submit=True)
        prepare_with_client(client, auth, app, "BD.P02", bad_level="xuất sắc lắm")
    saved_state("reviewer_wording.units", prepare, client)


def clerk_sentences(page: str) -> list[str]:
    return [sentence for sentence in TO_THE_CLERK if sentence in page]


def test_the_reviewer_reads_no_sentence_meant_for_the_clerk(client, auth, units):
    auth.login_as("reviewer")
    for path in ("/review/", "/review/units/BD.P01", "/review/units/BD.P02", "/units/BD.P02", "/units/BD.P02/v/1"):
        assert clerk_sentences(client.get(path).get_data(as_text=True)) == [], path


def test_the_clerk_still_reads_them_on_the_units_own_page(client, auth, units):
    auth.login_as("staff", "BD.P02")
    page = client.get("/units/BD.P02").get_data(as_text=True)
    assert "Điền bằng Excel hoặc LibreOffice, không sửa" in page and "(mở bằng Excel để sửa)" in page


# Findings and refusals addressed to the unit ("Hãy …", "Nếu …, hãy …"): the reviewer reads what is wrong, not what
# the unit was told to do; every page of the reviewer that shows a message, each class of message.
ADVICE = ("Hãy trả lại giá trị được cấp", "hãy sửa lại cho đúng mã", "Hãy điền vào tệp mẫu", "Hãy tải mẫu mới")
DIAGNOSES = {"BD.P01": ("thuộc danh sách do hệ thống cấp nên không được sửa",
                        "không có trong danh sách đảng viên được giao cho đơn vị"),
             "BD.P02": ("Đây là tệp văn bản (CSV/TXT), không phải sổ Excel",)}
WORKBOOK_PAGES = ("/review/units/{code}", "/units/{code}/v/1", "/units/{code}/v/1/findings")
PAGES = [("BD.P01", page) for page in WORKBOOK_PAGES] + [("BD.P02", WORKBOOK_PAGES[0]), ("BD.P02", WORKBOOK_PAGES[1])]


@pytest.fixture
def told_units(client, auth, app, saved_state):
    """BD.P01 sent a workbook with an edited name and a row typed for nobody on the roster; BD.P02 a CSV file. The
    same in every test: sent once per worker, then given back as it left the database (`saved_state`)."""
    return saved_state("reviewer_wording.told_units", lambda: send_told_units(client, auth, app), client)


def send_told_units(client, auth, app):
    import io

    from openpyxl import load_workbook

    from kdweb.excel import HEADER_ROW
    from tests.browser.data import UnitWorkbooks

    auth.login_as("staff", "BD.P01")
    workbooks = UnitWorkbooks(app, "BD.P01", client.get("/units/BD.P01/workbook.xlsx").data)
    book = load_workbook(io.BytesIO(workbooks.clean()))
    sheet = book["Đảng viên"]
    header = {cell.value: cell.column_letter for cell in sheet[HEADER_ROW]}
    name_cell = f"{header['Họ và tên']}{HEADER_ROW + 1}"
    sheet[name_cell] = "Tên Đã Sửa"
    sheet[f"{header['Mã đảng viên']}{sheet.max_row + 1}"] = "DV999999"
    buffer = io.BytesIO()
    book.save(buffer)
    for code, data, name in (("BD.P01", buffer.getvalue(), "kq.xlsx"), ("BD.P02", b"ma,ten\nDV1,An\n", "kq.xlsx")):
        auth.logout()
        auth.login_as("staff", code)
        client.post(f"/units/{code}/uploads", data={"file": (io.BytesIO(data), name)},
                    content_type="multipart/form-data")
    auth.logout()
    return name_cell


@pytest.mark.parametrize("code, path", PAGES)
def test_the_reviewer_reads_what_is_wrong_without_what_the_unit_was_told_to_do(client, auth, told_units, code, path):
    auth.login_as("reviewer")
    page = client.get(path.format(code=code)).get_data(as_text=True)
    assert [advice for advice in ADVICE if advice in page] == []
    assert all(diagnosis in page for diagnosis in DIAGNOSES[code])


def test_the_reviewer_reads_the_previewed_cell_without_the_advice(client, auth, told_units):
    auth.login_as("reviewer")
    page = client.get(f"/units/BD.P01/v/1/preview?sheet=Đảng viên&cell={told_units}").get_data(as_text=True)
    assert DIAGNOSES["BD.P01"][0] in page and "Hãy trả lại giá trị được cấp" not in page


@pytest.mark.parametrize("code", list(DIAGNOSES))
def test_the_unit_reads_the_whole_message(client, auth, told_units, code):
    auth.login_as("staff", code)
    page = client.get(f"/units/{code}/v/1").get_data(as_text=True)
    assert any(advice in page for advice in ADVICE) and all(diagnosis in page for diagnosis in DIAGNOSES[code])
