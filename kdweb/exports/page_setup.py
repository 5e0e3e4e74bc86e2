"""How every sheet kdweb writes is printed: on A4, as wide as the page, as many pages down as it takes."""
from __future__ import annotations


def fit_to_a4(sheet, *, landscape: bool = True) -> None:
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = sheet.ORIENTATION_LANDSCAPE if landscape else sheet.ORIENTATION_PORTRAIT
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def number_pages(sheet, font: str | None = None) -> None:
    """"Trang 2/5" at the foot of each printed page."""
    sheet.oddFooter.center.text = "Trang &P/&N"
    if font:
        sheet.oddFooter.center.font = font
