"""The roster against the workbook, for a row the unit typed for a member added after its download: the code is
typed by hand (or pasted), so it comes as typing makes it: another case, an invisible character pasted with it, the
leading zeros a number cell drops. The issued rows are matched so already (tests/excel/test_reading.py); a typed
row for a member added since must be read the same, as his, at its own row, through the real admin import →
upload path. Two roster codes that typing makes alike are never guessed between."""
import io

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from kdweb.rules import Level
from tests.unit_page.conftest import UNIT, upload
from tests.unit_page.test_roster_of_record import download, import_roster_rows, latest_upload, with_typed_row
from tests.workbooks import clean_values, fill, roster

NAME = "Phạm Văn Mới"


def added_after_download(client, auth, app, codes):
    """The unit's clean workbook, downloaded; then the admin adds members with these codes to a chi bộ of it."""
    auth.login_as("staff", UNIT)
    data = fill(download(client), clean_values(roster(app, UNIT)))
    auth.logout()
    import_roster_rows(client, auth, [[number, code, f"{NAME} {number}", "15/12/1990", "Nam", "BD.P01.C01",
                                       "19/05/2015", "", ""] for number, code in enumerate(codes, start=1)])
    auth.login_as("staff", UNIT)
    return data


TYPED = {  # the roster's code → as the unit typed it
    "a zero-width space pasted before it": ("DV900001", "\u200bDV900001"),
    "a direction mark pasted after it": ("DV900001", "DV900001\u200e"),
    "lower case": ("DV900001", "dv900001"),
    "a card number whose leading zero the number cell dropped": ("0900001", 900001),
    "a card number kept as text": ("0900001", "0900001"),
}


@pytest.mark.parametrize("case", list(TYPED))
def test_a_row_typed_for_a_member_added_after_download_is_his_whatever_typing_did_to_the_code(client, auth, app,
                                                                                             demo, case):
    code, typed = TYPED[case]
    data = added_after_download(client, auth, app, [code])
    data, row, header = with_typed_row(data, typed, f"{NAME} 1", level="Hoàn thành tốt lắm", grade="Tốt")
    upload(client, data)
    result = latest_upload(app)
    assert not [f for f in result["findings"] if f[0] == "X-MISSING"], result["findings"]
    assert code in result["rated"]
    level_cell = f"{get_column_letter(header['Mức xếp loại'])}{row}"
    assert [(rule, cell) for rule, _, _, _, cell in result["findings"]] == [("P-VALUE", level_cell)], \
        result["findings"]

    book = load_workbook(io.BytesIO(data))
    book["Đảng viên"][level_cell] = Level.HTTNV.text
    corrected = io.BytesIO()
    book.save(corrected)
    upload(client, corrected.getvalue())  # the same row corrected: the unit's only problem was its level
    assert latest_upload(app)["outcome"] == "valid"


def test_two_roster_codes_that_typing_makes_alike_are_not_guessed_between(client, auth, app, demo):
    data = added_after_download(client, auth, app, ["0900002", "900002"])
    data, _, _ = with_typed_row(data, "000900002", f"{NAME} 2", level=Level.HTTNV.text, grade="Tốt")
    upload(client, data)
    result = latest_upload(app)
    missing = {f[2] for f in result["findings"] if f[0] == "X-MISSING"}
    assert any("(mã 0900002) được bổ sung" in text for text in missing), missing
    assert any("(mã 900002) được bổ sung" in text for text in missing), missing
    assert not {"0900002", "900002"} & result["rated"]
