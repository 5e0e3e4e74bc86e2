"""Untrusted bytes are parsed only in a sandbox worker with limits, behind guards that are right by construction.

Each hostile class is sent through the HTTP endpoint (or opened from storage through the preview and the
annotated copy); each test asserts the Vietnamese answer, that the serving process still serves, and that
its RSS grew by less than RSS_BOUND_MB (the worst of these files, read bare, took a worker from 125 MB to
1.3 GB or killed it).
"""
import io
import zipfile
from pathlib import Path

import pytest

from kdweb import isolation
from kdweb.excel import Limits
from kdweb.excel.problems import MESSAGES, Refusal
from kdweb.excel.safety import check_upload
from kdweb.extensions import db
from kdweb.models import Finding, Upload
from tests.security import hostile_files, sandbox_tasks

UNIT = "BD.P01"
RSS_BOUND_MB = 64


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


@pytest.fixture
def workbook(client, auth):
    auth.login_as("staff", UNIT)
    return client.get(f"/units/{UNIT}/workbook.xlsx").data


def send(client, data, filename="ket-qua.xlsx"):
    return client.post(f"/units/{UNIT}/uploads", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data", headers={"HX-Request": "true", "HX-Target": "results"})


def latest_upload(app):
    with app.app_context():
        upload = db.session.execute(db.select(Upload).order_by(Upload.id.desc())).scalars().first()
        upload.content  # deferred: load it before the session ends
        db.session.expunge(upload)
        return upload


def still_serving(client):
    assert client.get(f"/units/{UNIT}").status_code == 200


HOSTILE = {
    "a worksheet part in another folder": (hostile_files.sheet_elsewhere, "E-DIMENSION"),
    "a cell tag across the guards' read chunk": (hostile_files.tag_across_chunk, "E-DIMENSION"),
    "one long shared string in many cells": (hostile_files.expanding_shared_string, "E-STRING-BOMB"),
    "an entity bomb in a part not named .xml": (hostile_files.entity_bomb_elsewhere, "E-XML-BOMB"),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_each_hostile_class_is_refused_with_its_message(client, app, workbook, kind):
    build, code = HOSTILE[kind]
    data = build(workbook)
    before = rss_mb()
    response = send(client, data)
    grown = rss_mb() - before
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and f'data-problem="{code}"' in body, body[-1500:]
    assert "Tệp vẫn được lưu lại" in body
    stored = latest_upload(app)
    assert stored.content == data and stored.problem_code == code and stored.outcome == "rejected"
    still_serving(client)
    assert grown < RSS_BOUND_MB, f"the serving process grew by {grown:.0f} MB"


def test_many_large_sheets_cap_the_search_for_a_renamed_tab(client, app, workbook):
    """40 tabs each claiming A1:AX49999 in front of the renamed members' tab: the search reads at most
    max_search_sheets of them, then says the tab is missing (it would have read all 40, for minutes)."""
    data = hostile_files.many_large_sheets(workbook)
    before = rss_mb()
    body = send(client, data).get_data(as_text=True)
    grown = rss_mb() - before
    assert "Không tìm thấy trang “Đảng viên”" in body, body[-1500:]
    assert latest_upload(app).outcome == "errors"
    still_serving(client)
    assert grown < RSS_BOUND_MB


def test_total_cells_across_sheets_have_a_budget(workbook):
    data = hostile_files.many_cells(workbook, sheets=3, rows=1_000, columns=40)  # 120,000 cells in extra tabs
    check_upload(data)  # within the default budget
    with pytest.raises(Refusal) as refused:
        check_upload(data, Limits(max_total_cells=100_000))
    assert refused.value.problem.code == "E-TOO-MANY-CELLS" and "100.000 ô" in refused.value.problem.message


def test_the_cell_budget_is_counted_to_the_cell_whenever_a_package_could_exceed_it(workbook):
    """The fast pass skips counting only where the package's size cannot hold more cells than the limit (each at
    least '<c/>'); at the edge, one cell over is refused and the exact count passes."""
    data = hostile_files.many_cells(workbook, sheets=2, rows=500, columns=20)  # 20,000 cells in the extra tabs
    cells = _cells_in(data)
    check_upload(data, Limits(max_total_cells=cells))
    with pytest.raises(Refusal) as refused:
        check_upload(data, Limits(max_total_cells=cells - 1))
    assert refused.value.problem.code == "E-TOO-MANY-CELLS"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # both limits are in reach of the package's size: counted
        assert sum(info.file_size for info in archive.infolist()) > cells * 4


def _cells_in(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(archive.read(name).count(b"<c ") for name in archive.namelist())


def test_shared_strings_under_the_budget_pass(workbook):
    check_upload(hostile_files.expanding_shared_string(workbook, cells=100, length=1_000))


def test_the_signature_is_checked_before_the_payload_is_parsed(client, app, workbook):
    """A metadata payload that is not even JSON, unsigned: refused as tampered, never parsed."""
    from tests.excel import files

    parts = files.zip_parts(workbook)
    meta = files.sheet_part(workbook, "_kdweb")
    data = files.patch_part(workbook, meta, rb"\{\"", b'{"broken', count=1)
    body = send(client, data).get_data(as_text=True)
    assert 'data-problem="E-TAMPERED"' in body
    assert parts  # the original is untouched


# --- the sandbox itself ----------------------------------------------------------------------------------------
LIMITS = isolation.SandboxLimits(memory_mb=256, cpu_seconds=2, wall_seconds=30, output_mb=1, workers=1)


@pytest.mark.parametrize(("task", "args", "kind"), [
    (sandbox_tasks.abort, (), isolation.MEMORY),  # SIGABRT, as calamine on a failed allocation
    (sandbox_tasks.allocate, (512,), isolation.MEMORY),  # over RLIMIT_AS: MemoryError in the worker
    (sandbox_tasks.spin, (), isolation.TIME),  # over RLIMIT_CPU: SIGXCPU
    (sandbox_tasks.big_answer, (2,), isolation.OUTPUT),
])
def test_a_limit_kills_the_worker_never_the_caller(task, args, kind):
    before = rss_mb()
    with pytest.raises(isolation.SandboxRefused) as refused:
        isolation.run(LIMITS, task, *args)
    assert refused.value.kind == kind
    assert refused.value.message.startswith("Tệp này")
    assert isolation.run(LIMITS, sandbox_tasks.echo, 42) == 42  # a fresh worker took the dead one's place
    assert rss_mb() - before < RSS_BOUND_MB


def test_wall_time_is_a_limit_too():
    slow = isolation.SandboxLimits(cpu_seconds=30, wall_seconds=0.5, workers=1)
    with pytest.raises(isolation.SandboxRefused) as refused:
        isolation.run(slow, sandbox_tasks.spin)
    assert refused.value.kind == isolation.TIME and "0,5 giây" in refused.value.message


def test_the_pool_is_reused_and_errors_cross_as_they_are():
    # fresh workers: one left by an earlier test under larger limits may hold more than half of this test's
    # smaller budget mapped, and is rightly replaced after its next task
    isolation.shutdown()
    first = isolation.run(LIMITS, sandbox_tasks.pid)
    assert isolation.run(LIMITS, sandbox_tasks.pid) == first  # a pre-started worker, not a process per task
    with pytest.raises(ValueError, match="the task's own error"):
        isolation.run(LIMITS, sandbox_tasks.fail)
    with pytest.raises(Refusal):
        isolation.run(LIMITS, check_upload, b"not a workbook")


# --- through the app: an upload, the preview and the annotated copy stopped by a limit ---------------------------
def test_an_upload_stopped_by_a_limit_is_kept_as_unchecked(client, app, workbook, monkeypatch):
    monkeypatch.setitem(app.config, "KDWEB_SANDBOX_WALL_SECONDS", 0.001)
    response = send(client, workbook)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "data-unchecked" in body, body[-1500:]
    assert "Tệp này làm hệ thống đọc quá giới hạn thời gian" in body and "Chưa kiểm tra được" in body
    stored = latest_upload(app)
    assert stored.outcome == "unchecked" and stored.content == workbook
    assert stored.check_error.startswith("Tệp này làm hệ thống đọc quá giới hạn thời gian")
    monkeypatch.setitem(app.config, "KDWEB_SANDBOX_WALL_SECONDS", 60)
    again = send(client, workbook).get_data(as_text=True)  # the same bytes again: checked again
    assert "data-unchecked" not in again and latest_upload(app).outcome in ("valid", "errors")


def store_as_checked(app, data) -> int:
    """A file stored as if an older version of kdweb had read it (outcome and one finding), for the preview."""
    from kdweb.models import Cycle, Unit, User

    with app.app_context():
        unit = db.session.execute(db.select(Unit).filter_by(code=UNIT)).scalar_one()
        cycle = db.session.execute(db.select(Cycle)).scalars().first()
        user = db.session.execute(db.select(User).filter_by(unit_id=unit.id)).scalars().first()
        upload = Upload(cycle_id=cycle.id, unit_id=unit.id, user_id=user.id, version=1, filename="cu.xlsx",
                        size=len(data), sha256="0" * 64, content=data, outcome="errors", error_count=1)
        db.session.add(upload)
        db.session.flush()
        db.session.add(Finding(upload_id=upload.id, position=0, rule="M-LEVEL", severity="error",
                               sheet="Đảng viên", cell="N12", message="Thiếu mức xếp loại."))
        db.session.commit()
        return upload.version


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_stored_hostile_file_is_safe_to_preview_and_annotate(client, app, workbook, kind):
    data = HOSTILE[kind][0](workbook)
    version = store_as_checked(app, data)
    before = rss_mb()
    preview = client.get(f"/units/{UNIT}/v/{version}/preview", headers={"HX-Request": "true"})
    assert preview.status_code == 200 and "Không có bản xem trước" in preview.get_data(as_text=True)
    annotated = client.get(f"/units/{UNIT}/v/{version}/annotated.xlsx")
    assert annotated.status_code == 422
    assert MESSAGES[HOSTILE[kind][1]].split("{")[0].split("\"")[0][:40] in annotated.get_data(as_text=True)
    still_serving(client)
    assert rss_mb() - before < RSS_BOUND_MB


def test_a_stored_file_over_a_limit_answers_in_vietnamese(client, app, workbook, monkeypatch):
    """The annotated copy (openpyxl holds every cell) of a file with 40,000 extra cells, in 1 MB more than an
    idle worker; the preview in a wall time too short for any read."""
    version = store_as_checked(app, hostile_files.many_cells(workbook, sheets=1, rows=1_000, columns=40))
    isolation.shutdown()  # fresh workers: the budget counts from a worker's idle size
    monkeypatch.setitem(app.config, "KDWEB_SANDBOX_MEMORY_MB", 1)
    annotated = client.get(f"/units/{UNIT}/v/{version}/annotated.xlsx")
    assert annotated.status_code == 422 and "quá giới hạn bộ nhớ (1 MB)" in annotated.get_data(as_text=True)
    monkeypatch.setitem(app.config, "KDWEB_SANDBOX_MEMORY_MB", 1024)
    monkeypatch.setitem(app.config, "KDWEB_SANDBOX_WALL_SECONDS", 0.001)
    preview = client.get(f"/units/{UNIT}/v/{version}/preview", headers={"HX-Request": "true"})
    assert "quá giới hạn thời gian (0,001 giây)" in preview.get_data(as_text=True)
    still_serving(client)


def test_a_worker_loads_what_reading_an_upload_needs_not_the_writer_nor_the_web():
    """openpyxl alone is 12 MB of every worker's memory, the web stack more (docs/performance.md, the memory row);
    the first task that writes a workbook loads openpyxl then."""
    isolation.shutdown()  # a fresh worker: one that served an annotated copy has loaded openpyxl since
    try:
        loaded = set(isolation.run(isolation.SandboxLimits(workers=1), eval,
                                   "sorted({name.split('.')[0] for name in __import__('sys').modules})"))
    finally:
        isolation.shutdown()
    assert {"kdweb", "python_calamine", "isal"} <= loaded
    assert not loaded & {"openpyxl", "flask", "sqlalchemy", "werkzeug", "jinja2", "tablib"}


def test_a_large_upload_reaches_the_worker_as_a_file_deleted_after_the_check():
    from kdweb.services import untrusted

    large = b"PK\x03\x04 not really" + bytes(untrusted.HANDED_BYTES)
    with untrusted.handed(large) as path:
        assert isinstance(path, Path) and path.read_bytes() == large
    assert not path.exists()
    with untrusted.spooled(b"PK\x03\x04 not really") as path:
        assert path.read_bytes() == b"PK\x03\x04 not really"
    assert not path.exists()


def test_a_small_upload_reaches_the_worker_as_its_bytes():
    from kdweb.services import untrusted

    small = b"PK\x03\x04 not really" + bytes(untrusted.HANDED_BYTES - 20)
    with untrusted.handed(small) as given:
        assert given is small
