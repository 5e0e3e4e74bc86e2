"""A unit's workbook built once per worker for the same inputs: ~300 downloads in a run are some 40 different
workbooks (two hundred of them the demo's BD.P01, version 1, as a fresh demo has it), at 25-50 ms of openpyxl each.

`build_workbook` is a pure function of its arguments but for the file's creation and save times
(docProps/core.xml), which nothing reads: the second download of the same unit, roster, version and secret gets
the bytes the first one built. Everything around it (the roster read, the version numbering, the Template row and
its digest, the download recorded) runs as before. A test that patches module state through `monkeypatch` (a
layout, a chunk size) may change what the same arguments build: it builds for real, and its workbooks are not kept.
"""
import hashlib
import pickle
from contextlib import contextmanager

from kdweb.services import workbooks

_built: dict[bytes, bytes] = {}  # the arguments' digest → the workbook
_real_build = workbooks.build_workbook
_kept = [False]  # the running test may use (and fill) _built


def build_workbook(*args, **kwargs) -> bytes:
    if not _kept[0]:
        return _real_build(*args, **kwargs)
    key = hashlib.blake2b(pickle.dumps((args, sorted(kwargs.items())))).digest()
    if key not in _built:
        _built[key] = _real_build(*args, **kwargs)
    return _built[key]


def install() -> None:
    """The workbook service builds through this module (the excel tests call kdweb.excel.template directly)."""
    workbooks.build_workbook = build_workbook


@contextmanager
def kept_unless_patched(request):
    _kept[0] = "monkeypatch" not in request.fixturenames
    try:
        yield
    finally:
        _kept[0] = False
