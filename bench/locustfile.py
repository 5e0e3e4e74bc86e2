"""The load of bench_load.py, run by locust in headless mode: one user class per endpoint.

bench_load.py logs every client in beforehand and passes the plan (sessions, unit, workbook, pause, output
file) in the JSON file named by KDWEB_LOAD_PLAN. Each locust user is one client with its own session. Every
response is checked (status and a text only that page has); the raw response times are written to the plan's
`output` file so bench_load.py computes exact percentiles (locust's own tables round them).
"""
import itertools
import json
import os
import sys
import time
from pathlib import Path

from locust import HttpUser, between, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import USER_AGENT, workbook_variant  # noqa: E402

PLAN = json.loads(Path(os.environ["KDWEB_LOAD_PLAN"]).read_text()) if os.environ.get("KDWEB_LOAD_PLAN") else {}
SAMPLES: list[tuple] = []  # (started at, response time ms, failure or None, request name, HTTP status)
SESSION_NUMBERS = itertools.count()
UPLOAD_NUMBERS = itertools.count(PLAN.get("first_number", 1))  # never a number an earlier run sent
WORKBOOK = Path(PLAN["workbook"]).read_bytes() if PLAN.get("workbook") else b""


def pause():
    low, high = PLAN.get("pause", (0, 0))
    return constant(0) if high == 0 else between(low, high)


@events.request.add_listener
def remember(request_type, name, response_time, response_length, exception, start_time=None, **kwargs):
    response = kwargs.get("response")
    SAMPLES.append((start_time or time.time(), response_time, None if exception is None else str(exception)[:100],
                    name, getattr(response, "status_code", 0)))


@events.quitting.add_listener
def write_samples(**kwargs):
    if PLAN.get("output"):
        Path(PLAN["output"]).write_text(json.dumps(SAMPLES))


def expect(response, status, text, absent=None):
    """A locust answer is a success only with `status`, `text` in it and, if given, `absent` not in it."""
    body = response.text
    if response.status_code != status:
        response.failure(f"HTTP {response.status_code}")
    elif text not in body:
        response.failure(f"no {text!r} in the answer")
    elif absent and absent in body:
        response.failure(f"{absent!r} in the answer")
    else:
        response.success()


def poll_dashboard(user, headers):
    """The dashboard's 30-second poll, as a browser sends it: htmx headers, and If-None-Match once it holds an
    ETag (kept on `user`)."""
    headers = {**headers, "HX-Request": "true", "HX-Target": "dashboard-body"}
    if user.etag:
        headers["If-None-Match"] = user.etag
    with user.client.get("/review/", headers=headers, allow_redirects=False, name="GET /review/ (poll)",
                         catch_response=True) as response:
        if response.status_code == 304:
            response.success()
        else:
            user.etag = response.headers.get("ETag")
            expect(response, 200, 'id="dashboard-body"')


def get_dashboard(user, headers):
    with user.client.get("/review/", headers=headers, allow_redirects=False, name="GET /review/",
                         catch_response=True) as response:
        expect(response, 200, "Theo dõi kiểm điểm, đánh giá, xếp loại năm")


def post_upload(user, unit, data, headers, identical=False):
    """A workbook sent as the unit page's form sends it; the answer names the identical earlier version, or a new one."""
    headers = {**headers, "HX-Request": "true", "HX-Target": "results"}
    files = {"file": ("ket-qua.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
    with user.client.post(f"/units/{unit}/uploads", headers=headers, files=files, allow_redirects=False,
                          name="POST /units/<code>/uploads", catch_response=True) as response:
        if identical:
            expect(response, 200, "giống hệt phiên bản")
        else:
            expect(response, 200, "Kết quả kiểm tra · phiên bản", absent="giống hệt")


class Client(HttpUser):
    abstract = True
    wait_time = pause()

    def on_start(self):
        session = PLAN["sessions"][next(SESSION_NUMBERS) % len(PLAN["sessions"])]
        self.headers = {"User-Agent": USER_AGENT, "Cookie": f"session={session['cookie']}"}
        self.csrf = session["csrf"]


class DashboardUser(Client):
    @task
    def dashboard(self):
        get_dashboard(self, self.headers)


class DashboardPollUser(Client):
    etag = None

    @task
    def poll(self):
        poll_dashboard(self, self.headers)


class UnitPageUser(Client):
    @task
    def unit_page(self):
        with self.client.get(f"/units/{PLAN['unit']}", headers=self.headers, allow_redirects=False,
                             name="GET /units/<code>", catch_response=True) as response:
            expect(response, 200, "Lịch sử các phiên bản")


class UploadUser(Client):
    @task
    def upload(self):
        identical = PLAN["mode"] == "identical"
        data = WORKBOOK if identical else workbook_variant(WORKBOOK, PLAN["marker"], next(UPLOAD_NUMBERS))
        post_upload(self, PLAN["unit"], data, {**self.headers, "X-CSRFToken": self.csrf}, identical)


# --- the deadline week (bench_deadline.py): units uploading while reviewers follow the dashboard ---------------
class DeadlineUnitUser(HttpUser):
    """A unit's staff in the last days: uploads its real workbook again every few seconds, one cell changed."""

    wait_time = between(*PLAN.get("upload_pause", (3, 8)))

    def on_start(self):
        number = next(SESSION_NUMBERS)
        self.client_plan = PLAN.get("units", [{}])[number % max(1, len(PLAN.get("units", [])))]
        self.workbook = Path(self.client_plan["workbook"]).read_bytes() if self.client_plan else b""

    @task
    def upload(self):
        data = workbook_variant(self.workbook, PLAN["marker"], next(UPLOAD_NUMBERS))
        headers = {"User-Agent": USER_AGENT, "Cookie": f"session={self.client_plan['cookie']}",
                   "X-CSRFToken": self.client_plan["csrf"]}
        post_upload(self, self.client_plan["unit"], data, headers)


class DeadlineReviewerUser(HttpUser):
    """A reviewer with the dashboard open: its 30-second poll (ETag), and now and then a page of their own."""

    fixed_count = PLAN.get("reviewers", 20)
    wait_time = constant(PLAN.get("poll_seconds", 30) / 3)
    etag = None

    def on_start(self):
        session = PLAN["reviewer_sessions"][next(SESSION_NUMBERS) % len(PLAN["reviewer_sessions"])]
        self.headers = {"User-Agent": USER_AGENT, "Cookie": f"session={session['cookie']}"}

    @task(3)
    def poll(self):
        poll_dashboard(self, self.headers)

    @task(1)
    def page(self):
        get_dashboard(self, self.headers)

    @task(1)
    def unit(self):
        unit = PLAN["units"][next(SESSION_NUMBERS) % len(PLAN["units"])]["unit"]
        with self.client.get(f"/review/units/{unit}", headers=self.headers, allow_redirects=False,
                             name="GET /review/units/<code>", catch_response=True) as response:
            if response.status_code == 200:
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")
