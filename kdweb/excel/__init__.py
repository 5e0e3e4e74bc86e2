"""The unit workbook: the signed template a unit downloads, and the safe, cell-precise reader of its upload.

No Flask and no models here: plain inputs in, bytes or plain results out. The names below are loaded on first
use, each from its module: reading an upload (the sandbox worker's job) never imports the template writer and
openpyxl, which would add some 12 MB to every worker (docs/performance.md, the memory row). The annotated
copy of an upload is `kdweb.excel.annotate.annotate`: a name the same as its module's cannot be loaded so.
"""
from importlib import import_module

_MODULES = {
    "review_notes": ("ReviewNote", "add_review_notes"),
    "columns": ("FIRST_DATA_ROW", "HEADER_ROW", "Column", "SheetSpec", "sheet_specs"),
    "inputs": ("CycleInfo", "Roster", "UnitInfo"),
    "locate": ("address",),
    "metadata": ("LAYOUT", "META_SHEET", "WorkbookMeta"),
    "problems": ("MESSAGES", "Problem", "Refusal"),
    "reader": ("read_upload", "validate_upload"),
    "results": ("PreviewCell", "ReadResult", "SheetPreview"),
    "safety": ("DEFAULT_LIMITS", "Limits"),
    "template": ("build_workbook",),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}

__all__ = sorted(_HOME)


def __getattr__(name: str):
    """`from kdweb.excel import build_workbook` imports kdweb.excel.template then, not when the package loads."""
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
