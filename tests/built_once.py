"""A unit's workbook built once per worker for the same inputs: ~300 downloads in a run are some 40 different
workbooks (two hundred of them the demo's BD.P01, version 1, as a fresh demo has it), at 25-50 ms of openpyxl each.

`build_workbook` is a pure function of its arguments but for the file's creation and save times
(docProps/core.xml), which nothing reads: the second download of the same unit, roster, version and secret gets
the bytes the first one built. Everything around it (the roster read, the version numbering, the Template row and
its digest, the download recorded) runs as before. A test that patches module state through `monkeypatch` (a
layout, a chunk size) may change what the same arguments build: it builds for real, and its workbooks are not kept.
What counts is what the test's `monkeypatch` holds when the workbook is built, not whether the test has one:
pytest-flask's autouse `_monkeypatch_response_class` gives every test of the app a `monkeypatch` (the app's test
response class, which no workbook depends on), and judged by the fixture's name no download was ever kept.
"""
import hashlib
import pickle
from contextlib import contextmanager

from flask import Flask

from kdweb.services import workbooks

_built: dict[bytes, bytes] = {}  # the arguments' digest → the workbook
_real_build = workbooks.build_workbook
_running = [None]  # the running test's request, while it may use (and fill) _built


def build_workbook(*args, **kwargs) -> bytes:
    if _running[0] is None or _patched(_running[0]):
        return _real_build(*args, **kwargs)
    key = hashlib.blake2b(pickle.dumps((args, sorted(kwargs.items())))).digest()
    if key not in _built:
        _built[key] = _real_build(*args, **kwargs)
    return _built[key]


def install() -> None:
    """The workbook service builds through this module (the excel tests call kdweb.excel.template directly)."""
    workbooks.build_workbook = build_workbook


def _patched(request) -> bool:
    """Has the test's `monkeypatch` patched anything but pytest-flask's response class on the app?"""
    if "monkeypatch" not in request.fixturenames:
        return False
    patches = request.getfixturevalue("monkeypatch")
    setattrs = [(target, name) for target, name, _ in patches._setattr]
    return (any(not (name == "response_class" and isinstance(target, Flask)) for target, name in setattrs)
            or bool(patches._setitem) or patches._cwd is not None or patches._savesyspath is not None)


@contextmanager
def kept_unless_patched(request):
    _running[0] = request
    try:
        yield
    finally:
        _running[0] = None
