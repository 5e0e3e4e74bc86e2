"""openpyxl's load_workbook, parsed once per worker for the same file: the tests load the same downloaded or filled
workbook again and again (a property test's every example, each kind of a parametrised test), at 60 ms of openpyxl
each. The first load of a file keeps a pickle of what openpyxl read; a later load of a file with the same parts gets
a new, independent copy of it (4 ms), with the file's own document properties (docProps/core.xml: its timestamps,
the only part in which two downloads of the same workbook differ). A copy saves to the same bytes as a workbook
loaded afresh, and edits made to it reach neither the kept pickle nor any other copy."""
from __future__ import annotations

import hashlib
import io
import pickle
import zipfile
from collections import OrderedDict

import openpyxl
from openpyxl.packaging.core import DocumentProperties
from openpyxl.xml.functions import fromstring

CORE = "docProps/core.xml"
KEPT = 48  # files kept (~200 KB each), the least recently loaded dropped first

_loaded: OrderedDict[tuple, bytes] = OrderedDict()  # (the parts' digest but core.xml, options) → the pickled workbook


def load_workbook(data: bytes, **options):
    """openpyxl.load_workbook(io.BytesIO(data), **options), for the options that read the whole workbook (not
    read_only, whose workbook reads its file lazily)."""
    if options.get("read_only"):
        return openpyxl.load_workbook(io.BytesIO(data), **options)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        digest = hashlib.blake2b(digest_size=20)
        core = None
        for info in archive.infolist():
            content = archive.read(info)
            if info.filename == CORE:
                core = content
                continue
            digest.update(info.filename.encode() + b"\0" + content + b"\0")
    key = (digest.digest(), tuple(sorted(options.items())))
    if key in _loaded:
        _loaded.move_to_end(key)
        workbook = pickle.loads(_loaded[key])
        if core is not None:
            workbook.properties = DocumentProperties.from_tree(fromstring(core))
        return workbook
    workbook = openpyxl.load_workbook(io.BytesIO(data), **options)
    _loaded[key] = pickle.dumps(workbook, protocol=pickle.HIGHEST_PROTOCOL)
    if len(_loaded) > KEPT:
        _loaded.popitem(last=False)
    return workbook
