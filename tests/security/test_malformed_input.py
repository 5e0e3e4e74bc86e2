"""Malformed URL parts, query strings and form fields answer 4xx on every route, never 500; NUL and other control
characters are refused at the edge with a Vietnamese message (run this file on PostgreSQL too: it rejects NUL
in text, which is how the 500s came)."""
import io
import re
from urllib.parse import quote

import pytest

from tests.security.access_rules import ACCESS, ALLOWED, SAMPLE_ARGS
from tests.security.test_access_sweep import endpoints

CONTROL_MESSAGE = "ký tự điều khiển"
HUGE = "99999999999999999999"
BAD_INTS = [HUGE, "2147483648", "0", "00000000000000000000000000001", "1" * 5000]
BAD_TEXTS = ["BD.P01\x00", "x" * 3000, "\u202e", "%", "'\"<>", "BD.P01/../BD.P02", "\ud7ff"]
BAD_QUERY = {
    "page": [HUGE, "-5", "abc", "1" * 5000], "cell": [f"A{HUGE}", "ZZZZ1", "A0", "1A", "A" + "9" * 5000, "$B$"],
    "sheet": ["x" * 3000], "severity": ["nope"], "header_row": [HUGE, "-1", "x"], "unit_id": [HUGE, "x"],
    "parent": ["x" * 300], "year": [HUGE], "sort": ["nope"], "status": ["nope"], "basis": ["nope"],
    "unit": ["x" * 300], "user": ["x" * 300], "kind": ["nope"], "level": ["nope"], "group": ["x" * 300],
    "q": ["x" * 3000],
}
BAD_FORM = {"upload_id": HUGE, "unit_id": HUGE, "sort_order": HUGE, "year": HUGE, "header_row": HUGE,
            "expected_added": HUGE, "expected_updated": HUGE, "parent_id": HUGE, "comment": "x" * 20000,
            "grassroots_deadline": "31/02/99999", "district_deadline": "9" * 30, "review_date": "-1",
            "code": "x" * 300, "login": "x" * 300, "full_name": "x" * 3000, "role": "nope", "name": "x" * 3000}

PASSWORD = "mat-khau-du-dai-1"
FORM_CASES = [BAD_FORM, *({name: value} for name, value in BAD_FORM.items()),
              {"login": "tai-khoan-moi", "full_name": "Tên", "role": "staff", "unit_id": HUGE,
               "password": PASSWORD, "password_again": PASSWORD},
              {"code": "BD.X9", "name": "Chi bộ mới", "kind": "grassroots_cell", "level": "grassroots",
               "group": "Khối", "parent_id": HUGE, "sort_order": HUGE, "reports": "1"},
              {"year": HUGE, "rule_set_id": "qd132-hd21", "review_date": "01/12/2026",
               "grassroots_deadline": "15/12/2026", "district_deadline": "31/12/2026"},
              {"sheet": "x", "header_row": HUGE, "expected_added": HUGE, "expected_updated": "1", "col_0": HUGE}]

ACTORS = {"admin": ("admin", None), "own_staff": ("staff", "BD.P01")}


def actor_for(endpoint):
    allowed = ALLOWED[ACCESS[endpoint]]
    return "admin" if "admin" in allowed else "own_staff"


def variants(rule):
    """Addresses for a rule with one argument at a time made malformed (the others kept sensible)."""
    for name in rule.arguments:
        is_int = re.search(rf"<int:{name}>", rule.rule) is not None
        for value in BAD_INTS if is_int else BAD_TEXTS:
            args = {key: quote(str(value if key == name else SAMPLE_ARGS[key]), safe="/") for key in rule.arguments}
            yield re.sub(r"<(?:[^<>]*:)?(\w+)>", lambda match: args[match.group(1)], rule.rule)


@pytest.fixture
def clients(app, demo):
    made = {}
    for actor, (role, unit) in ACTORS.items():
        user = next(u for u in demo.users if u.role == role and (unit is None or u.unit_code == unit))
        client = app.test_client()
        assert client.post("/login", data={"login": user.login, "password": user.password}).status_code == 302
        made[actor] = client
    client = made["own_staff"]
    client.get("/units/BD.P01/workbook.xlsx")
    client.post("/units/BD.P01/uploads", data={"file": (io.BytesIO(b"PK\x03\x04 not a zip"), "x.xlsx")},
                content_type="multipart/form-data")
    return made


def ask(client, method, path, **kwargs):
    if method == "GET":
        return client.get(path, **kwargs)
    return client.post(path, **kwargs)


# One test per blueprint, so that xdist spreads the sweeps over its workers; together they cover every route
# (tests/security/test_access_sweep.py fails on an endpoint missing from ACCESS).
BLUEPRINTS = sorted({endpoint.split(".")[0] for endpoint in ACCESS if "." in endpoint})


def routes_of(app, blueprint, skipped):
    return [(endpoint, method, rule) for endpoint, method, rule in endpoints(app)
            if endpoint.startswith(f"{blueprint}.") and endpoint not in skipped]


def test_the_blueprints_cover_every_route(app):
    covered = {endpoint for blueprint in BLUEPRINTS for endpoint, _, _ in routes_of(app, blueprint, ())}
    assert {endpoint for endpoint, _, _ in endpoints(app)} - covered == {"static"}


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_malformed_url_parts_on_every_route_answer_4xx(app, clients, blueprint):
    problems = []
    for endpoint, method, rule in routes_of(app, blueprint, {"auth.logout"}):
        client = clients[actor_for(endpoint)]
        for path in variants(rule):
            answer = ask(client, method, path)
            if answer.status_code >= 500:
                problems.append(f"{method} {path[:80]!r}: {answer.status_code}")
    assert not problems, "\n".join(problems)


@pytest.fixture
def each_file_built_once(monkeypatch):
    """The sweep starts the bulk zip of every unit's workbook (and the roster export) some fifty times, each time from
    the same inputs: the views take only the URL's kind and the open cycle, never the malformed query strings and
    form fields. The first job of each (kind, cycle, parameters) builds its file for real; the later ones are claimed, beat,
    finish and commit as before (kdweb/services/jobs.execute) with that same file. What a runner does cannot change
    an answer's status: `execute` turns any error of it into a failed job shown on a 200 page."""
    from kdweb.services import jobs
    from kdweb.services.admin import roster_jobs

    jobs.load_kinds()
    built = {}
    for kind in ("templates", roster_jobs.EXPORT):
        def once(job, build=jobs.RUNNERS[kind]):
            key = (job.kind, job.cycle_id, job.params_json)
            if key not in built:
                build(job)
                built[key] = (job.content, job.total_count, job.done_count)
            job.content, job.total_count, job.done_count = built[key]
        monkeypatch.setitem(jobs.RUNNERS, kind, once)
    return built


@pytest.mark.slow  # seconds per blueprint
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_malformed_query_strings_and_form_fields_on_every_route_answer_4xx(app, clients, blueprint,
                                                                          each_file_built_once):
    from tests.security.test_access_sweep import address

    problems = []
    for endpoint, method, rule in routes_of(app, blueprint, {"auth.logout", "auth.login_post", "auth.password_post"}):
        client = clients[actor_for(endpoint)]
        path = address(app, endpoint, rule)
        for name, values in BAD_QUERY.items():
            for value in values:
                answer = ask(client, method, path, query_string={name: value})
                if answer.status_code >= 500:
                    problems.append(f"{method} {path}?{name}={value[:20]!r}: {answer.status_code}")
        for form in FORM_CASES if method == "POST" else ():
            answer = client.post(path, data=form)
            if answer.status_code >= 500:
                problems.append(f"POST {path} with {sorted(form)[:3]}: {answer.status_code}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("query", ["cell=A99999999999999999999", "cell=ZZZZ1", "cell=A0", "cell=1A", "cell=%3D1"])
def test_a_cell_reference_that_does_not_parse_is_a_400(clients, query):
    answer = clients["own_staff"].get(f"/units/BD.P01/v/1/preview?{query}")
    assert answer.status_code == 400
    assert "Ô" in answer.get_data(as_text=True)


@pytest.mark.parametrize("path", [f"/units/BD.P01/v/{HUGE}", f"/reports/{HUGE}", f"/admin/accounts/{HUGE}",
                                  f"/review/bulk/{HUGE}", f"/admin/cycles/{HUGE}"])
def test_an_integer_too_large_for_the_database_is_a_404(clients, path):
    assert clients["admin"].get(path).status_code == 404


CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\x85"]


@pytest.mark.parametrize("char", CONTROLS)
def test_anonymous_login_with_a_control_character_is_refused_with_a_message(app, demo, char):
    client = app.test_client()
    for data in ({"login": f"admin{char}", "password": "x"}, {"login": "admin", "password": f"x{char}y"}):
        answer = client.post("/login", data=data)
        assert answer.status_code == 400 and CONTROL_MESSAGE in answer.get_data(as_text=True)
    assert client.get(f"/login?next=/review/{char}").status_code == 400


@pytest.mark.parametrize("char", ["\x00", "\x1f"])
def test_control_characters_are_refused_in_forms_query_strings_and_paths(clients, char):
    staff, admin = clients["own_staff"], clients["admin"]
    for answer in (
        admin.get("/review/", query_string={"q": f"Cống{char}Vị"}),
        admin.get("/review/audit", query_string={"unit": f"BD{char}"}),
        admin.get(f"/units/BD.P01{char}"),
        admin.post("/review/units/BD.P01/return", data={"comment": f"Sửa{char}lại"}),
        admin.post("/admin/units/new", data={"code": "BD.X1", "name": f"Chi bộ{char}"}),
        staff.get("/units/BD.P01/v/1/findings", query_string={"sheet": f"Đảng viên{char}"}),
    ):
        assert answer.status_code == 400, answer.request.path
        assert CONTROL_MESSAGE in answer.get_data(as_text=True)


def test_line_breaks_and_tabs_in_a_comment_are_not_control_characters(clients):
    answer = clients["admin"].post("/review/units/BD.P01/return", data={"comment": "Dòng một\r\n\tdòng hai"})
    assert answer.status_code != 400


def test_an_upload_whose_filename_holds_control_characters_is_kept_under_a_cleaned_name(app, clients):
    from kdweb.extensions import db
    from kdweb.models import Upload

    staff = clients["own_staff"]
    answer = staff.post("/units/BD.P01/uploads", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(b"PK\x03\x04 another"), "ket\x00qua\x1b\t.xlsx")})
    assert answer.status_code == 303
    with app.app_context():
        kept = db.session.execute(db.select(Upload).order_by(Upload.version.desc())).scalars().first()
        assert kept.filename == "ket qua .xlsx" and kept.content == b"PK\x03\x04 another"
    assert "ket qua .xlsx" in staff.get("/units/BD.P01").get_data(as_text=True)
