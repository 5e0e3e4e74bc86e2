"""A large roster file is read and previewed by a queue job, not in the request: the upload only keeps it, its page
polls the job, then shows the same preview as a small file's. (Here every file counts as large.)

The roster-import tests imported below run again through the job; the queue runs a job where it is enqueued
(KDWEB_QUEUE=immediate), except where a test holds it back to see the page while the job waits."""
import io
import re

import pytest

from kdweb.extensions import db
from kdweb.models import BulkJob, RosterImport
from kdweb.queue import Queue
from kdweb.services import jobs
from kdweb.services.admin import roster_jobs
from tests.admin.files import HEADERS, xlsx
from tests.admin.test_roster_import import (  # noqa: F401 - collected again, through the preview job
    HX, confirm_form, counts, files, test_a_failure_mid_import_rolls_everything_back,
    test_a_preview_gone_stale_is_not_applied, test_import_the_valid_rows_only_and_download_the_rows_with_errors,
    test_the_mapping_can_be_changed_and_the_dry_run_follows_in_place, test_upload_preview_and_import, upload,
)


@pytest.fixture(autouse=True)
def every_file_is_large(app, monkeypatch):
    monkeypatch.setitem(app.config, "KDWEB_ROSTER_PREVIEW_IN_REQUEST_BYTES", 0)


@pytest.fixture
def held_queue(monkeypatch):
    """Jobs stay queued, as when no worker has taken them yet; `run(job_id)` is the worker taking one."""
    held = []
    monkeypatch.setattr(Queue, "enqueue_job", lambda queue, job_id, delay=0: held.append(job_id))

    def run(job_id):
        jobs.execute(job_id)
        db.session.remove()
    return held, run


def preview_section(page: str, import_id: int) -> str:
    section = re.search(r'<section id="roster-preview".*</section>', page, re.S).group(0)
    section = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', section)  # signed with the time
    return section.replace(f"/imports/{import_id}", "/imports/ID")


def test_the_job_shows_the_same_preview_as_the_request(client, admin, demo, app, monkeypatch, query):
    name, content = files(demo)["xlsx"]
    by_job = upload(client, name, content)
    job_page = client.get(f"/admin/roster/imports/{by_job}").get_data(as_text=True)
    monkeypatch.setitem(app.config, "KDWEB_ROSTER_PREVIEW_IN_REQUEST_BYTES", len(content))
    in_request = upload(client, name, content)
    request_page = client.get(f"/admin/roster/imports/{in_request}").get_data(as_text=True)
    assert counts(job_page) == (2, 1, 1, 0)
    assert preview_section(job_page, by_job) == preview_section(request_page, in_request)
    # the job's preview, its progress counted in the file's data rows
    job = query(lambda: [(job.state, job.done_count, job.total_count) for job in db.session.execute(
        db.select(BulkJob).filter_by(kind=roster_jobs.PREVIEW)).scalars()])
    assert job == [("done", 4, 4)]


def test_the_upload_only_keeps_the_file_and_the_page_polls_until_the_preview(client, admin, demo, held_queue, query):
    held, run = held_queue
    import_id = upload(client, *files(demo)["xlsx"])
    assert query(lambda: db.session.get(RosterImport, import_id).mapping_json) is None  # not read yet
    assert held == []  # the upload enqueues nothing but keeps the file; its page asks for the preview

    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    [job_id] = held
    status_url = f"/admin/roster/imports/{import_id}/previews/{job_id}"
    assert 'data-job-state="queued"' in page and f'hx-get="{status_url}"' in page and "data-added" not in page
    assert 'hx-trigger="load delay:1s"' in page and "Đang đọc và kiểm tra tệp" in page
    reloaded = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    assert held == [job_id] and f'hx-get="{status_url}"' in reloaded  # a reload follows the same reading

    run(job_id)
    fragment = client.get(status_url, headers=HX).get_data(as_text=True)
    assert fragment.startswith('<section id="roster-preview">') and "hx-trigger=\"load" not in fragment
    assert counts(client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)) == (2, 1, 1, 0)
    assert held == [job_id]  # the page, opened again, shows the done reading: the file is not read twice
    assert counts(fragment) == (2, 1, 1, 0)
    form = confirm_form(fragment)
    assert (form["expected_added"], form["expected_updated"]) == ("2", "1")  # the stale-preview guard's counts
    client.post(f"/admin/roster/imports/{import_id}/apply", data=form)
    assert query(lambda: db.session.get(RosterImport, import_id).state) == "preview"  # its job is held too
    run(held[-1])
    assert query(lambda: db.session.get(RosterImport, import_id).state) == "applied"


def test_a_new_mapping_starts_a_new_preview_and_drops_the_finished_one(client, admin, demo, query):
    import_id = upload(client, *files(demo)["xlsx"])
    client.get(f"/admin/roster/imports/{import_id}")
    first = query(lambda: db.session.execute(db.select(BulkJob.id)).scalar_one())
    client.get(f"/admin/roster/imports/{import_id}?sheet=&shown_sheet=&header_row=3&shown_header_row=3&col_1=code"
               f"&col_2=full_name&col_5=cell", headers=HX)
    second = query(lambda: db.session.execute(db.select(BulkJob.id)).scalar_one())
    assert second != first
    # the first job's page is gone: it reads the file again
    response = client.get(f"/admin/roster/imports/{import_id}/previews/{first}")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/admin/roster/imports/{import_id}")


def test_an_unreadable_large_file_is_kept_and_its_page_says_why(client, admin, demo, query, audit_log):
    import_id = upload(client, "hong.xlsx", b"PK\x03\x04 broken")
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    assert 'data-job-state="failed"' in page and "hx-get" not in page.split('id="roster-preview"')[1]
    assert "Không đọc được tệp sau 1 lần thử: Tệp bị hỏng" in page and "Tệp gốc vẫn được lưu" in page
    assert query(lambda: db.session.get(RosterImport, import_id).content) == b"PK\x03\x04 broken"
    assert [target for _user, target, _detail in audit_log("roster_file_received")] == [import_id]


def test_a_preview_job_is_the_admins_and_shows_on_its_file_only(client, auth, demo, query):
    admin = auth.login_as("admin")
    import_id = upload(client, "danh-sach.xlsx", xlsx([HEADERS, [1, "DV900001", "Phạm Văn Mới", "", "Nam",
                                                                "BD.P01.C01", "", "", ""]]))
    assert admin and client.get(f"/admin/roster/imports/{import_id}").status_code == 200
    job_id = query(lambda: db.session.execute(db.select(BulkJob.id)).scalar_one())
    other = upload(client, "khac.xlsx", xlsx([HEADERS]))
    assert client.get(f"/admin/roster/imports/{other}/previews/{job_id}").status_code == 404
    assert client.get(f"/admin/roster/jobs/{job_id}").status_code == 404  # not the export's or import's page
    assert client.get(f"/review/bulk/{job_id}").status_code == 404

    auth.logout()
    auth.login_as("staff")
    response = client.get(f"/admin/roster/imports/{import_id}/previews/{job_id}")
    assert response.status_code in (302, 303, 403) and "DV900001" not in response.get_data(as_text=True)


def test_the_bulk_page_shows_bulk_zips_only(client, auth, demo, query):
    auth.login_as("admin")
    response = client.post("/admin/roster/export")
    export_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/admin/roster/jobs/{export_id}").status_code == 200
    auth.logout()
    auth.login_as("reviewer")
    assert client.get(f"/review/bulk/{export_id}").status_code == 404
    response = client.post("/review/bulk/templates", headers=HX)
    zip_id = query(lambda: db.session.execute(db.select(BulkJob.id).filter_by(kind="templates")).scalar_one())
    assert client.get(f"/review/bulk/{zip_id}").status_code == 200 and response.status_code == 200


def test_an_upload_is_stored_without_being_read(client, admin, demo, query):
    """The request keeps the bytes as sent: reading them (the sandbox, calamine) is the job's."""
    content = io.BytesIO(files(demo)["csv"][1]).getvalue()
    import_id = upload(client, "danh-sach.csv", content)
    assert query(lambda: (db.session.get(RosterImport, import_id).content,
                          db.session.get(RosterImport, import_id).mapping_json)) == (content, None)
