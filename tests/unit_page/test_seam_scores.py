"""Scores against levels under qd366-hd43, through the real download → fill (openpyxl, as a unit fills) → upload
path: each band's exact floor and a point (or a hundredth) below it, decimals typed with a comma, a score above its
maximum, negative, typed as words or with three decimals, a score left blank beside a level and the reverse. Each
gives its Vietnamese finding at its own cell, or none where the rule book allows the level (docs/rulebook-366.md
§1, §7)."""
import pytest

from kdweb.rules import Level, SubjectKind
from tests.unit_page.conftest import UNIT, upload
from tests.unit_page.test_flow_366 import scored_values, switch_to_366
from tests.unit_page.test_seam_cells import newest_findings
from tests.workbooks import cell_of, changed, fill, roster

RULE_SET = "qd366-hd43"
X, T, H, K = (level.text for level in (Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV))
CASES = {  # name: (the row's changes, [(rule, field, part of the message)])
    "90 exactly": (dict(level=X, score_common=30, score_tasks=60, tasks_exceeded=3), []),
    "89,99 typed with commas": (dict(level=X, score_common="29,5", score_tasks="60,49", tasks_exceeded=3),
                                [("S-BAND", "level", "tổng điểm 89,99 thuộc khung “Hoàn thành tốt nhiệm vụ” (từ 70 "
                                                     "đến dưới 90 điểm)")]),
    "70 exactly": (dict(level=T, score_common=20, score_tasks=50), []),
    "69": (dict(level=T, score_common=19, score_tasks=50), [("S-BAND", "level", "tổng điểm 69 thuộc khung")]),
    "50 exactly": (dict(level=H, score_common=10, score_tasks=40), []),
    "49": (dict(level=H, score_common=9, score_tasks=40), [("S-BAND", "level", "(dưới 50 điểm)")]),
    "85,5 typed with a comma": (dict(level=T, score_common="25,5", score_tasks="60"), []),
    "above each maximum": (dict(level=T, score_common=31, score_tasks=75),
                           [("S-SUM", "score_common", "điểm 31 vượt mức tối đa 30 điểm"),
                            ("S-SUM", "score_tasks", "điểm 75 vượt mức tối đa 70 điểm")]),
    "negative": (dict(level=T, score_common=-5, score_tasks=60),
                 [("P-VALUE", "score_common", "“-5” không phải số điểm hợp lệ")]),
    "words": (dict(level=T, score_common="hai mươi lăm", score_tasks=60),
              [("P-VALUE", "score_common", "“hai mươi lăm” không phải số điểm hợp lệ")]),
    "three decimals": (dict(level=T, score_common=25.125, score_tasks=60),
                       [("P-VALUE", "score_common", "“25,125”: điểm chỉ ghi tối đa hai chữ số thập phân")]),
    "a level, no scores": (dict(level=T, score_common=None, score_tasks=None),
                           [("S-SUM", "score_common", "đã xếp loại nhưng chưa ghi điểm (tối đa 30)"),
                            ("S-SUM", "score_tasks", "đã xếp loại nhưng chưa ghi điểm (tối đa 70)")]),
    "scores, no level": (dict(level=None, score_common=25, score_tasks=60),
                         [("M-LEVEL", "level", "chưa có mức xếp loại")]),
    "KHTNV below a high score is allowed": (dict(level=K, score_common=30, score_tasks=65), []),
}


@pytest.fixture
def issued(client, auth, app, demo, saved_state):
    def issue():
        switch_to_366(client, auth, app)
        auth.login_as("staff", UNIT)
        batch = roster(app, UNIT)
        return client.get(f"/units/{UNIT}/workbook.xlsx").data, scored_values(batch), batch
    return saved_state(("seam_scores.issued",), issue, client)


@pytest.mark.parametrize("name", list(CASES))
def test_a_score_against_its_level_is_told_at_its_cell(client, app, issued, name):
    data, values, batch = issued
    member = next(record.code for record in batch.members if values(SubjectKind.MEMBER, record.code)["level"] == T)
    row, expected = CASES[name]
    upload(client, fill(data, changed(values, member, **row), RULE_SET))
    cells = {field: "'{}'!{}".format(*cell_of(data, SubjectKind.MEMBER, member, field, RULE_SET))
             for field in ("level", "score_common", "score_tasks", "score_total")}
    found = [(rule, cell, message) for rule, cell, message in newest_findings(app) if cell in cells.values()]
    assert len(found) == len(expected), found
    for rule, field, words in expected:
        assert any(r == rule and c == cells[field] and words in m for r, c, m in found), (rule, field, found)
