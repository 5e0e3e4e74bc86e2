"""The report page against numbers counted independently from the fixture rows; drill-down; basis; access."""
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.reports.pages import read_report, subject_codes
from tests.reports.scenario import (
    KINDS, LEVELS, RISKY_UNIT_NAME, current_in_basis, expected_percent, expected_rows, missing_codes,
)

PERCENT_KEYS = {f"{level.lower()}_percent": level for level in LEVELS}


def page(client, basis=None, **headers):
    url = "/reports/2026" + (f"?basis={basis}" if basis else "")
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("basis", ["approved", "submitted"])
def test_every_row_of_every_table_matches_the_fixture(client, reviewer, scenario, basis):
    shown = read_report(page(client, basis).get_data(as_text=True))
    expected = expected_rows(scenario.results, basis, scenario.unit_groups)
    for kind in KINDS:
        table = shown.table(kind)
        assert set(table) == set(expected[kind]), kind
        for key, counts in expected[kind].items():
            assert table[key].counts == counts, (kind, key)


@pytest.mark.parametrize("basis", ["approved", "submitted"])
def test_percentages_and_ratio_match_exact_fractions(client, reviewer, scenario, basis):
    shown = read_report(page(client, basis).get_data(as_text=True))
    for kind in KINDS:
        for key, row in shown.table(kind).items():
            for percent_key, level in PERCENT_KEYS.items():
                assert row.percents[percent_key] == expected_percent(row.counts[level], row.counts["rated"])
            assert row.percents["htxsnv_httnv_ratio"] == expected_percent(row.counts["HTXSNV"], row.counts["HTTNV"])


def test_known_percentages_are_shown_rounded_half_up(client, reviewer, scenario):
    members = read_report(page(client, "submitted").get_data(as_text=True)).table("MEMBER")
    ward = members["unit:BD.P01"].percents
    assert (ward["htxsnv_percent"], ward["httnv_percent"]) == ("33.33", "66.67")
    other_ward = members["unit:BD.P02"].percents
    assert [other_ward[key] for key in PERCENT_KEYS] == ["12.50", "62.50", "12.50", "12.50"]
    assert other_ward["htxsnv_httnv_ratio"] == "20.00"


def test_every_row_adds_up(client, reviewer, scenario):
    shown = read_report(page(client, "submitted").get_data(as_text=True))
    assert len(shown.rows) > 20
    for row in shown.rows:
        counts = row.counts
        assert sum(counts[level] for level in LEVELS) == counts["rated"], row.key
        assert counts["roster"] == counts["rated"] + counts["not_rated"], row.key
        assert counts["not_rated"] == sum(counts[r] for r in ("EXEMPT", "SUSPENDED", "NEW", "TEMPORARY", "OTHER"))
        assert counts["disciplined"] <= counts["rated"]


def test_units_not_in_the_basis_are_listed_as_missing(client, reviewer, scenario):
    for basis in ("approved", "submitted"):
        shown = read_report(page(client, basis).get_data(as_text=True))
        assert set(shown.missing) == missing_codes(scenario.results, basis, scenario.unit_codes)
    assert set(read_report(page(client).get_data(as_text=True)).missing) == {
        "BD.P02", "BD.CQ01", "BD.CB01", "BD.TH02"}


def test_the_basis_switch_adds_exactly_the_submitted_but_not_approved_units(client, reviewer, scenario):
    approved = read_report(page(client, "approved").get_data(as_text=True))
    submitted = read_report(page(client, "submitted").get_data(as_text=True))
    approved_units = {row.key for row in approved.rows if row.key.startswith("unit:")}
    submitted_units = {row.key for row in submitted.rows if row.key.startswith("unit:")}
    assert submitted_units - approved_units == {"unit:BD.P02", "unit:BD.CB01"}
    assert approved_units <= submitted_units
    for kind in KINDS:
        for key, row in approved.table(kind).items():
            if key.startswith("unit:"):
                assert submitted.table(kind)[key].counts == row.counts
    assert set(approved.missing) - set(submitted.missing) == {"BD.P02", "BD.CB01"}
    # BD.CB01 counts with its current submission, never the earlier approved one
    current = current_in_basis(scenario.results, "submitted")["BD.CB01"]
    assert submitted.table("MEMBER")["unit:BD.CB01"].counts["roster"] == len(current) == 12
    notes = {row.key: row.note for row in submitted.rows if row.kind == "MEMBER"}
    assert notes["unit:BD.P02"] == "Đã nộp, chờ duyệt" and notes["unit:BD.P01"] == ""


def test_the_default_basis_is_approved_and_an_unknown_one_is_refused(client, reviewer, scenario):
    default = page(client).get_data(as_text=True)
    assert read_report(default).rows == read_report(page(client, "approved").get_data(as_text=True)).rows
    assert client.get("/reports/2026?basis=everything").status_code == 400
    assert client.get("/reports/1999").status_code == 404


def test_the_basis_form_swaps_the_report_with_htmx_and_pushes_the_url(client, reviewer, scenario):
    full = page(client, "approved").get_data(as_text=True)
    assert 'hx-get="/reports/2026"' in full and 'hx-push-url="true"' in full and 'hx-target="#report-body"' in full
    assert 'id="report-body"' in full and 'name="basis" value="submitted"' in full
    fragment = page(client, "submitted", **{"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "report-body" not in body
    assert "HX-Request" in fragment.headers["Vary"]
    assert "/reports/2026/report.xlsx?basis=submitted" in body
    assert read_report(body).table("MEMBER") == read_report(
        page(client, "submitted").get_data(as_text=True)).table("MEMBER")


@pytest.mark.slow
def test_every_number_links_to_exactly_the_subjects_behind_it(client, reviewer, scenario):
    shown = read_report(page(client, "submitted").get_data(as_text=True))
    followed = 0
    for row in shown.rows:
        for measure, value in row.counts.items():
            if value == 0:
                assert measure not in row.links
                continue
            response = client.get(row.links[measure])
            assert response.status_code == 200
            html = response.get_data(as_text=True)
            assert f"<strong data-total>{value}</strong>" in html, (row.key, measure)
            assert len(subject_codes(html)) == min(value, 100), (row.key, measure)
            followed += 1
    assert followed > 150


def test_a_drill_down_lists_the_right_subjects(client, reviewer, scenario):
    members = read_report(page(client, "submitted").get_data(as_text=True)).table("MEMBER")
    link = members["unit:BD.P02"].links["HTTNV"]
    assert parse_qs(urlsplit(link).query) == {"kind": ["MEMBER"], "basis": ["submitted"], "unit": ["BD.P02"],
                                              "level": ["HTTNV"]}
    html = client.get(link).get_data(as_text=True)
    assert subject_codes(html) == ["P02-002", "P02-003", "P02-004", "P02-005", "P02-006"]
    exempt = client.get(members["group:Đảng bộ phường"].links["EXEMPT"]).get_data(as_text=True)
    assert subject_codes(exempt) == ["P01-004"]
    everyone = current_in_basis(scenario.results, "submitted")
    expected_disciplined = sorted(s["subject_code"] for subjects in everyone.values() for s in subjects
                                  if s["subject_kind"] == "MEMBER" and s["level"] and s["disciplined"])
    disciplined = client.get(members["total"].links["disciplined"]).get_data(as_text=True)
    assert sorted(subject_codes(disciplined)) == expected_disciplined


def test_drill_down_by_collective_type_and_pages(client, reviewer, scenario):
    html = client.get("/reports/2026/subjects?kind=COLLECTIVE&rgroup=Trường học&level=HTTNV").get_data(as_text=True)
    assert subject_codes(html) == ["BD.TH01.BGH", "BD.TH03.BGH"]
    assert client.get("/reports/2026/subjects?kind=MEMBER&unit=NOPE").status_code == 404
    assert client.get("/reports/2026/subjects?kind=MEMBER&level=BEST").status_code == 400
    assert client.get("/reports/2026/subjects?kind=spy").status_code == 400


def test_long_lists_come_in_pages(app, client, reviewer, scenario):
    from kdweb.extensions import db
    from tests.reports import factories

    with app.app_context():
        factories.send_result(factories.cycle(2026), factories.unit("BD.TH02"),
                              factories.members("TH02", "T" * 130))
        db.session.commit()
    first = client.get("/reports/2026/subjects?kind=MEMBER&unit=BD.TH02").get_data(as_text=True)
    assert "<strong data-total>130</strong>" in first and "trang 1/2" in first
    assert len(subject_codes(first)) == 100
    assert 'href="/reports/2026/subjects?year' not in first
    second_url = "/reports/2026/subjects?basis=approved&page=2&kind=MEMBER&unit=BD.TH02"
    assert 'hx-get="' + second_url.replace("&", "&amp;") + '"' in first
    second = client.get(second_url).get_data(as_text=True)
    assert subject_codes(second) == [f"TH02-{number:03d}" for number in range(101, 131)]
    fragment = client.get(second_url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and subject_codes(fragment) == subject_codes(second)


def test_user_text_is_escaped_on_the_page(client, reviewer, scenario):
    html = page(client).get_data(as_text=True)
    assert RISKY_UNIT_NAME not in html
    assert "=HYPERLINK(&#34;http://evil.example/&#34;" in html


def test_the_charts_are_inline_svg_one_bar_per_group_and_total(client, reviewer, scenario):
    html = page(client, "submitted").get_data(as_text=True)
    assert html.count("<svg") == 4  # one per subject kind that has numbers
    assert "<script" not in html.split("<main", 1)[1]
    member_chart = html.split('id="kind-MEMBER"', 1)[1].split("</svg>", 1)[0]
    assert member_chart.count('<g class="bar') == 5  # four groups and the total
    assert 'style="' not in html


def test_last_years_percentages_are_shown_beside_this_years(client, reviewer, previous_year):
    shown = read_report(page(client).get_data(as_text=True)).table("MEMBER")
    assert shown["unit:BD.P01"].previous["htxsnv_percent"] == "20.00"  # 2 of 10 in 2025
    assert shown["unit:BD.TH01"].previous["httnv_percent"] == "75.00"
    assert shown["total"].previous["htxsnv_percent"] == expected_percent(2, 14)
    assert shown["unit:BD.DN01"].previous["htxsnv_percent"] is None
    assert "tỷ lệ năm 2025" in page(client).get_data(as_text=True)


def test_no_previous_figures_without_last_years_cycle(client, reviewer, scenario):
    html = page(client).get_data(as_text=True)
    assert 'class="previous"' not in html


@pytest.mark.parametrize("url", [
    "/reports/", "/reports/2026", "/reports/2026?basis=submitted", "/reports/2026/subjects?kind=MEMBER",
    "/reports/2026/report.xlsx", "/reports/2026/report.csv", "/reports/2026/report.ods", "/reports/2026/report.json",
])
def test_staff_are_refused(client, auth, scenario, url):
    auth.login_as("staff", "BD.P01")
    assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, scenario):
    response = client.get("/reports/2026")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_reviewers_and_admins_see_the_report_link(client, auth, scenario):
    auth.login_as("admin")
    assert 'href="/reports/"' in client.get("/reports/").get_data(as_text=True)
    assert 'href="/reports/2026"' in client.get("/reports/").get_data(as_text=True)
    auth.logout()
    auth.login_as("staff", "BD.P01")
    assert 'href="/reports/"' not in client.get("/", follow_redirects=True).get_data(as_text=True)
