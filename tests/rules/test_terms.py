"""The vocabulary: canonical texts (NFC), codes and order."""
import unicodedata

import pytest

from kdweb.rules import NOT_RATED_TEXT, Discipline, Grade, Level, NotRatedReason, SubjectKind


def test_levels_are_ordered_htxsnv_highest():
    assert Level.HTXSNV > Level.HTTNV > Level.HTNV > Level.KHTNV
    assert Level.HTTNV >= Level.HTTNV and not Level.HTNV >= Level.HTTNV
    assert max(Level) is Level.HTXSNV and min(Level) is Level.KHTNV


def test_level_texts_and_codes():
    assert Level.HTXSNV.text == "Hoàn thành xuất sắc nhiệm vụ"
    assert Level.KHTNV.text == "Không hoàn thành nhiệm vụ"
    assert Level("HTTNV") is Level.HTTNV and Level.HTNV.code == "HTNV"
    assert NOT_RATED_TEXT == "Không xếp loại"


def test_every_text_is_nfc():
    texts = [NOT_RATED_TEXT] + [member.text for enum in (Level, Grade, Discipline, NotRatedReason, SubjectKind) for member in enum]
    assert all(unicodedata.is_normalized("NFC", text) for text in texts)


def test_grades_and_discipline_are_ordered():
    assert Grade.XUAT_SAC > Grade.TOT > Grade.TRUNG_BINH > Grade.KEM
    assert Discipline.KHIEN_TRACH < Discipline.CANH_CAO < Discipline.CACH_CHUC < Discipline.KHAI_TRU
    assert Grade.TRUNG_BINH.text == "Trung bình" and Discipline.CANH_CAO.text == "Cảnh cáo"


def test_kinds_of_enum_do_not_compare():
    assert Level.HTNV != Grade.TOT
    with pytest.raises(TypeError):
        Level.HTNV < Grade.TOT


def test_subject_kinds_and_reasons_have_vietnamese_texts():
    assert SubjectKind.COLLECTIVE.text == "Tập thể lãnh đạo, quản lý"
    assert SubjectKind.LEADER.text == "Cá nhân cán bộ lãnh đạo, quản lý"
    assert NotRatedReason.EXEMPT.text == "Miễn công tác và sinh hoạt đảng"
    assert NotRatedReason.SUSPENDED.text == "Đình chỉ sinh hoạt đảng"
