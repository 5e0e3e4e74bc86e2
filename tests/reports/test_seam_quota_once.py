"""A subject other than a member rated by two units (moved after the first one submitted): the district checks count
it once in its district-wide quota group, where it is first listed (by unit code), and so do the report's quota
rows, on the page and in the .csv, the .xlsx and the .json; the kind's note says where it was counted. Under both
rule sets (qd132-hd21 has no quota table: its note says where the checks count it, the rows stay as submitted)."""
from __future__ import annotations

import html
import io
import json

import openpyxl
import pytest

from kdweb.extensions import db
from kdweb.reports.vocabulary import rating_group_label
from kdweb.rules import SubjectKind
from kdweb.rules.checks_quota import each_once
from kdweb.rules.checks_quota_groups import quota_groups
from kdweb.services import district_checks
from tests.reports import factories
from tests.reports.test_seam_figures import quota_from_csv, quota_from_json, quota_from_page, quota_from_xlsx

RULE_SETS = ("qd132-hd21", "qd366-hd43")
KINDS = ("ORGANISATION", "COLLECTIVE", "LEADER")
GROUP = "Nhóm chung"
FIRST, SECOND = "BD.P01", "BD.P02"  # FIRST comes first by code, though SECOND sends first


def rated_by_two(app, rule_set_id):
    """Of each kind: M1 rated HTXSNV by both units, M2 HTTNV by FIRST and HTXSNV by SECOND, and four more HTTNV in
    FIRST. Counted once, where first listed (FIRST): 1 HTXSNV of 5 HTTNV, within 20 %. Counted as submitted: 3 of 5."""
    with app.app_context():
        cycle = factories.cycle(2026)
        cycle.rule_set_id = rule_set_id
        factories.send_result(cycle, factories.unit(SECOND), [
            subject for kind in KINDS for subject in (
                factories.subject(kind, f"{kind[0]}M1", "HTXSNV", group=GROUP),
                factories.subject(kind, f"{kind[0]}M2", "HTXSNV", group=GROUP))], "submitted")
        factories.send_result(cycle, factories.unit(FIRST), [
            subject for kind in KINDS for subject in (
                factories.subject(kind, f"{kind[0]}M1", "HTXSNV", group=GROUP),
                factories.subject(kind, f"{kind[0]}M2", "HTTNV", group=GROUP),
                *(factories.subject(kind, f"{kind[0]}G{index}", "HTTNV", group=GROUP) for index in range(4)))])
        db.session.commit()
        batches, _ = district_checks.current_batches(cycle)
        findings, _, _ = district_checks.district_findings(cycle)
        counted = {}
        for kind in KINDS:
            groups = quota_groups(SubjectKind(kind), each_once(batches, SubjectKind(kind)))
            excellent = [record.code for record in groups[GROUP] if record.level.code == "HTXSNV"]
            counted[kind] = (len(excellent), len(groups[GROUP]) - len(excellent))
        db.session.remove()
    quota_fired = [finding for finding in findings if finding.rule.startswith("Q-")
                   and finding.subject_kind.code in KINDS]
    return counted, quota_fired


def every_export(client) -> dict[str, str]:
    """The text of each place the report is read: the page, the .csv, the .xlsx's cells, the .json's notes."""
    book = openpyxl.load_workbook(io.BytesIO(client.get("/reports/2026/report.xlsx?basis=submitted").data))
    cells = " ".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row
                     if cell.value is not None)
    return {"page": html.unescape(client.get("/reports/2026?basis=submitted").get_data(as_text=True)),
            "csv": client.get("/reports/2026/report.csv?basis=submitted").data.decode("utf-8-sig"),
            "xlsx": cells,
            "json": " ".join(json.loads(client.get("/reports/2026/report.json?basis=submitted").data)["notes"])}


def unit_label(app, code):
    with app.app_context():
        return f"{factories.unit(code).name} ({code})"


def test_the_366_quota_rows_count_it_once_as_the_checks_do_in_every_export(app, client, auth, demo):
    counted, fired = rated_by_two(app, "qd366-hd43")
    assert counted == {kind: (1, 5) for kind in KINDS} and fired == []
    auth.login_as("reviewer")
    page = quota_from_page(client.get("/reports/2026?basis=submitted").get_data(as_text=True))
    places = {
        "page": page,
        "csv": quota_from_csv(client.get("/reports/2026/report.csv?basis=submitted").data.decode("utf-8-sig")),
        "xlsx": quota_from_xlsx(openpyxl.load_workbook(io.BytesIO(
            client.get("/reports/2026/report.xlsx?basis=submitted").data))),
        "json": quota_from_json(json.loads(client.get("/reports/2026/report.json?basis=submitted").data)),
    }
    for name, figures in places.items():
        for kind in KINDS:
            row = figures[(kind, rating_group_label(GROUP))]
            assert (int(row["htxsnv"]), int(row["httnv"])) == counted[kind], (name, kind, row)
            assert (row["limit"], row["over"] or "0") == ("1", "0"), (name, kind, row)  # Q-20 is quiet too


@pytest.mark.parametrize("rule_set_id", RULE_SETS)
def test_the_note_says_where_each_subject_rated_twice_was_counted_once_in_every_export(app, client, auth, demo,
                                                                                       rule_set_id):
    """The level counts stay as each unit submitted (rulebook.md §6: the note gives the count without repeats)."""
    counted, fired = rated_by_two(app, rule_set_id)
    assert counted == {kind: (1, 5) for kind in KINDS} and fired == []
    first = unit_label(app, FIRST)
    auth.login_as("reviewer")
    for name, text in every_export(client).items():
        for kind in KINDS:
            noun = SubjectKind(kind).noun
            said = f"chỉ tính mỗi {noun} này một lần, ở đơn vị ghi tên trước (theo thứ tự mã đơn vị): "
            assert f"{said}mã {kind[0]}M1 ở {first}; mã {kind[0]}M2 ở {first}." in text, (name, kind)
    document = json.loads(client.get("/reports/2026/report.json?basis=submitted").data)
    for kind in KINDS:
        for row in document["rows"]:
            if row["kind"] == kind and row["row_type"] in ("rating_group", "total"):
                assert (row["htxsnv"], row["httnv"], row["rated"]) == (3, 5, 8), (kind, row["row_type"])
