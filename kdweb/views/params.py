"""Query-string values parsed at the edge: what cannot be parsed is a 400 with a message, never a 500 deeper in."""
import re

from flask import request
from werkzeug.exceptions import BadRequest

from kdweb.excel.columns import is_sheet_cell
from kdweb.views.converters import DATABASE_INT_MAX

CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})")


class BadParameter(BadRequest):
    def __init__(self, vietnamese: str):
        super().__init__(vietnamese)
        self.vietnamese = vietnamese


def cell_arg(name: str = "cell") -> str | None:
    """A cell reference such as D12 (upper-cased), or None when absent."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    match = CELL.fullmatch(text)
    if match is None or not is_sheet_cell(match.group(1), int(match.group(2))):
        raise BadParameter(f"Ô “{text[:20]}” không phải là địa chỉ ô hợp lệ trong trang tính (ví dụ đúng: D12).")
    return f"{match.group(1).upper()}{match.group(2)}"


def int_arg(name: str, default: int, minimum: int = 1) -> int:
    """A whole number from the query string; absent → default; not a number, or out of range → 400."""
    text = request.args.get(name, "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or len(text) > 10 or not minimum <= int(text) <= DATABASE_INT_MAX:
        raise BadParameter(f"Giá trị “{text[:20]}” của “{name}” không phải là một số hợp lệ.")
    return int(text)


def form_id(name: str) -> int | None:
    """A record id from a form field; anything that cannot be one is None, for the use case to refuse."""
    text = request.form.get(name, "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10 or int(text) > DATABASE_INT_MAX:
        return None
    return int(text)
