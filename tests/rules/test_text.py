"""normalise_text and looks_like_legacy_font."""
import unicodedata

import pytest

from kdweb.rules import looks_like_legacy_font, normalise_text


@pytest.mark.parametrize("left, right", [
    ("Hoà", "hòa"),
    ("Thuỷ", "thủy"),
    ("khoẻ", "khỏe"),
    ("Quỳnh", "QUỲNH"),
    ("Ðảng bộ", "Đảng bộ"),
    ("  Kim   Mã ", "kim mã"),
    (unicodedata.normalize("NFD", "Nguyễn Thị Thuý Hoà"), "nguyễn thị thúy hòa"),
    ("Hoàn\u00a0thành", "hoàn thành"),
])
def test_equal_after_normalising(left, right):
    assert normalise_text(left) == normalise_text(right)


@pytest.mark.parametrize("left, right", [("Hòa", "Hóa"), ("Toàn", "Toán"), ("Lý", "Ly")])
def test_different_words_stay_different(left, right):
    assert normalise_text(left) != normalise_text(right)


def test_result_is_nfc_and_blank_is_empty():
    assert unicodedata.is_normalized("NFC", normalise_text(unicodedata.normalize("NFD", "Trường Tiểu học")))
    assert normalise_text(None) == "" and normalise_text("   ") == ""


@pytest.mark.parametrize("text", ["NguyÔn V¨n A", "§¶ng bé", "Nguyeãn Vaên A", "Ñaûng boä Phöôøng"])
def test_legacy_font_text_is_detected(text):
    assert looks_like_legacy_font(text)


@pytest.mark.parametrize("text", ["Nguyễn Văn A", "Hoàng Minh", "Trần Quân", "Khuê", "hoá", "Nguyen Van A", "", None, 12])
def test_unicode_text_is_not_legacy(text):
    assert not looks_like_legacy_font(text)


def test_legacy_font_text_converts_to_unicode():
    from kdweb.rules.text import from_tcvn3, from_vni

    assert from_tcvn3("NguyÔn V¨n A") == "Nguyễn Văn A"
    assert from_tcvn3("Hoµn thµnh xuÊt s¾c nhiÖm vô") == "Hoàn thành xuất sắc nhiệm vụ"
    assert from_tcvn3("Kh«ng xÕp lo¹i") == "Không xếp loại"
    assert from_vni("Nguyeãn Vaên A") == "Nguyễn Văn A"
    assert from_vni("Hoaøn thaønh toát nhieäm vuï") == "Hoàn thành tốt nhiệm vụ"
    assert from_vni("Ñaûng boä phöôøng") == "Đảng bộ phường"
