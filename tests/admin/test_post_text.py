"""A member's roster post text taking or leaving a leader post's title (kdweb/services/admin/post_text.py): the title
found whole between separators, whatever its case, spaces or Unicode form, a comma inside a title included."""
import unicodedata

import pytest

from kdweb.services.admin.post_text import LONGEST, with_post, without_post

TITLE = "Bí thư Chi bộ 1, Đảng ủy phường Cống Vị"  # a title may hold a comma


@pytest.mark.parametrize("text, left", [
    (TITLE, None),
    (f"  {TITLE} ", None),
    (TITLE.upper(), None),
    (unicodedata.normalize("NFD", TITLE), None),
    (f"Chủ tịch HĐND phường; {TITLE}", "Chủ tịch HĐND phường"),
    (f"{TITLE}; Chủ tịch HĐND phường", "Chủ tịch HĐND phường"),
    (f"Chủ tịch HĐND, {TITLE} ,Tổ trưởng", "Chủ tịch HĐND, Tổ trưởng"),
    (f"Phó {TITLE}", f"Phó {TITLE}"),  # another post
    (f"{TITLE} nhiệm kỳ trước", f"{TITLE} nhiệm kỳ trước"),
    ("Chủ tịch HĐND phường", "Chủ tịch HĐND phường"),
    (None, None),
    ("", ""),
])
def test_leaving_a_post_takes_its_title_out_whole(text, left):
    assert without_post(text, TITLE) == left


@pytest.mark.parametrize("text, taken", [
    (None, TITLE),
    ("  ", TITLE),
    ("Chủ tịch HĐND phường", f"{TITLE}; Chủ tịch HĐND phường"),
    (f"Chủ tịch HĐND phường; {TITLE.lower()}", f"Chủ tịch HĐND phường; {TITLE.lower()}"),  # named already
    (f"Phó {TITLE}", f"{TITLE}; Phó {TITLE}"),
])
def test_taking_a_post_puts_its_title_first(text, taken):
    assert with_post(text, TITLE) == taken


def test_a_long_text_is_cut_to_the_column_the_title_kept_whole():
    taken = with_post("Tổ trưởng " * 30, TITLE)
    assert len(taken) == LONGEST and taken.startswith(f"{TITLE}; Tổ trưởng") and taken.endswith("…")
    assert without_post(taken, TITLE).startswith("Tổ trưởng")
