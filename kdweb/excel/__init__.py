"""The unit workbook: the signed template a unit downloads, and the safe, cell-precise reader of its upload.

No Flask and no models here: plain inputs in, bytes or plain results out.
"""
from .annotate import annotate
from .review_notes import ReviewNote, add_review_notes
from .columns import FIRST_DATA_ROW, HEADER_ROW, Column, SheetSpec, sheet_specs
from .inputs import CycleInfo, Roster, UnitInfo
from .locate import address
from .metadata import LAYOUT, META_SHEET, WorkbookMeta
from .problems import MESSAGES, Problem, Refusal
from .reader import read_upload, validate_upload
from .results import PreviewCell, ReadResult, SheetPreview, finding_address
from .safety import DEFAULT_LIMITS, Limits
from .template import build_workbook

__all__ = [
    "DEFAULT_LIMITS", "FIRST_DATA_ROW", "HEADER_ROW", "LAYOUT", "MESSAGES", "META_SHEET", "ReviewNote", "add_review_notes", "Column", "CycleInfo",
    "Limits", "PreviewCell", "Problem", "ReadResult", "Refusal", "Roster", "SheetPreview", "SheetSpec", "UnitInfo",
    "WorkbookMeta", "address", "annotate", "build_workbook", "finding_address", "read_upload", "sheet_specs",
    "validate_upload",
]
