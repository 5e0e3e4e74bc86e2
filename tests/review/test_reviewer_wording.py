"""Reviewer pages speak about the unit, not to it: the clerk's instructions (fill, fix, upload again, press Nộp)
appear on the unit's own page only."""
import pytest

from tests.browser.data import prepare_with_client

TO_THE_CLERK = ("Điền bằng Excel hoặc LibreOffice, không sửa", "rồi tải lên lại", "bấm Nộp", "(mở bằng Excel để sửa)",
                "sửa trên tệp này", "Hãy tải lên")


@pytest.fixture
def units(client, auth, app):
    prepare_with_client(client, auth, app, "BD.P01", submit=True)
    prepare_with_client(client, auth, app, "BD.P02", bad_level="xuất sắc lắm")


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
