"""Typing values into a downloaded workbook by editing its sheet XML, as a spreadsheet program saves it: the typed
text goes to the shared strings table (xl/sharedStrings.xml, made if missing), a number into <v>, each cell in its
row in column order with its column's style; every other part keeps its bytes. A tenth of the CPU of openpyxl's
load and save, for the tests that only need cell values typed (tests/workbooks.py). A value or a file this does not
handle (a formula, a date, a boolean, a character XML cannot carry, a sheet laid out otherwise) answers None and the
caller fills with openpyxl as before."""
from __future__ import annotations

import io
import re
import zipfile
from html import unescape
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import column_index_from_string, get_column_letter

STRINGS_PART = "xl/sharedStrings.xml"
STRINGS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
STRINGS_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_HEAD = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

_SHEET = re.compile(r"<sheet\b([^>]*)>")
_RELATION = re.compile(r"<Relationship\b([^>]*)>")
_ATTRIBUTES = re.compile(r'([\w:]+)="([^"]*)"')
_ROW = re.compile(r'<row\b[^>]*?\br="(\d+)"[^>]*?(?:/>|>(.*?)</row>)', re.S)
_CELL = re.compile(r'<c\b([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_ATTRIBUTE = re.compile(r'\b([rst])="([^"]*)"')
_TEXT = re.compile(r"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
_VALUE = re.compile(r"<v>(.*?)</v>", re.S)
_COL = re.compile(r'<col\b[^>]*?/>')


class Book:
    """A workbook's parts, read once; `values(sheet)` for reading, `type_into(sheet, edits)` for typing."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.infos = archive.infolist()
            self.parts = {info.filename: archive.read(info) for info in self.infos}
        workbook = self.parts["xl/workbook.xml"].decode()
        relations = [dict(_ATTRIBUTES.findall(attributes))
                     for attributes in _RELATION.findall(self.parts["xl/_rels/workbook.xml.rels"].decode())]
        targets = {relation["Id"]: relation["Target"] for relation in relations}
        self.sheet_parts = {}
        for attributes in _SHEET.findall(workbook):
            sheet = dict(_ATTRIBUTES.findall(attributes))
            target = targets[sheet["r:id"]].lstrip("/")
            self.sheet_parts[unescape(sheet["name"])] = target if target.startswith("xl/") else "xl/" + target
        self.strings = _shared_strings(self.parts.get(STRINGS_PART, b"").decode())

    def rows(self, sheet: str) -> dict[int, dict[int, object]]:
        """Row number → {column number: value} (text, a number, a boolean; an error or a formula's text as str),
        the cells with a value."""
        xml = self.parts[self.sheet_parts[sheet]].decode()
        return {int(number): {column: value for column, (_, value) in _cells(body or "", self.strings).items()
                              if value is not None}
                for number, body in _ROW.findall(xml)}

    def type_into(self, sheet: str, edits: dict[int, dict[int, object]]) -> bool:
        """edits: row → {column: value}; str, int or float, None to clear. False (nothing changed) when a value
        or the sheet's XML is not one this module writes."""
        for row_edits in edits.values():
            for value in row_edits.values():
                if not _writable(value):
                    return False
        part = self.sheet_parts[sheet]
        xml = self.parts[part].decode()
        styles = _column_styles(xml)
        strings = list(self.strings)
        index = {text: number for number, text in enumerate(strings)}

        def string_number(text: str) -> int:
            if text not in index:
                index[text] = len(strings)
                strings.append(text)
            return index[text]

        done = set()

        def edited(match: re.Match) -> str:
            number = int(match.group(1))
            if number not in edits:
                return match.group(0)
            done.add(number)
            cells = {column: xml_text for column, (xml_text, _) in _cells(match.group(2) or "", self.strings).items()}
            for column, value in edits[number].items():
                ref = f"{get_column_letter(column)}{number}"
                style = _style_of(cells.get(column)) or styles.get(column)
                style_attribute = f' s="{style}"' if style else ""
                if value is None:
                    cells[column] = f'<c r="{ref}"{style_attribute}/>'
                elif isinstance(value, str):
                    cells[column] = f'<c r="{ref}"{style_attribute} t="s"><v>{string_number(value)}</v></c>'
                else:
                    cells[column] = f'<c r="{ref}"{style_attribute} t="n"><v>{value!r}</v></c>'
            opening = match.group(0)[:match.group(0).index(">") + 1]
            if opening.endswith("/>"):
                opening = opening[:-2] + ">"
            return opening + "".join(cells[column] for column in sorted(cells)) + "</row>"

        new_xml = _ROW.sub(edited, xml)
        if done != set(edits):
            return False  # a row to type into that the sheet does not have
        self.parts[part] = new_xml.encode()
        if len(strings) != len(self.strings):
            self._write_strings(strings)
        return True

    def _write_strings(self, strings: list[str]) -> None:
        items = "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>' if text != text.strip()
                        else f"<si><t>{escape(text)}</t></si>" for text in strings)
        self.parts[STRINGS_PART] = (f'{SST_HEAD} count="{len(strings)}" uniqueCount="{len(strings)}">'
                                    f"{items}</sst>").encode()
        self.strings = tuple(strings)
        if not any(info.filename == STRINGS_PART for info in self.infos):
            self.infos.append(zipfile.ZipInfo(STRINGS_PART, date_time=self.infos[0].date_time))
            rels = "xl/_rels/workbook.xml.rels"
            self.parts[rels] = self.parts[rels].replace(
                b"</Relationships>",
                f'<Relationship Id="rIdStrings" Type="{STRINGS_TYPE}" Target="sharedStrings.xml"/>'.encode()
                + b"</Relationships>")
            self.parts["[Content_Types].xml"] = self.parts["[Content_Types].xml"].replace(
                b"</Types>", f'<Override PartName="/{STRINGS_PART}" ContentType="{STRINGS_CONTENT}"/>'.encode()
                + b"</Types>")

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for info in self.infos:
                archive.writestr(info.filename, self.parts[info.filename], zipfile.ZIP_DEFLATED)
        return buffer.getvalue()


def _writable(value) -> bool:
    if value is None or type(value) in (int, float):
        return True
    return type(value) is str and not value.startswith("=") and not ILLEGAL_CHARACTERS_RE.search(value)


def _shared_strings(xml: str) -> tuple[str, ...]:
    return tuple("".join(unescape(text or "") for text in _TEXT.findall(re.sub(r"<rPh\b.*?</rPh>", "", item)))
                 for item in re.findall(r"<si>(.*?)</si>", xml, re.S))


def _cells(body: str, strings) -> dict[int, tuple[str, object]]:
    """Column number → (the cell's XML, its value: text, a number's text, or None)."""
    cells = {}
    for match in _CELL.finditer(body):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        column = column_index_from_string(re.match(r"[A-Z]+", attributes["r"]).group(0))
        inner, kind = match.group(2) or "", attributes.get("t", "n")
        if kind == "inlineStr":
            value = "".join(unescape(text or "") for text in _TEXT.findall(inner))
        else:
            found = _VALUE.search(inner)
            value = None if found is None else unescape(found.group(1))
            if value is not None and kind == "s":
                value = strings[int(value)]
            elif value is not None and kind == "n":
                value = float(value) if any(mark in value for mark in ".eE") else int(value)
            elif value is not None and kind == "b":
                value = value == "1"
        cells[column] = (match.group(0), value)
    return cells


def _style_of(cell_xml: str | None) -> str | None:
    if cell_xml is None:
        return None
    found = re.search(r'\bs="(\d+)"', cell_xml[:cell_xml.index(">")])
    return found.group(1) if found else None


def _column_styles(xml: str) -> dict[int, str]:
    """Column number → the style its <col> gives a cell typed into it (as Excel gives it)."""
    styles = {}
    for col in _COL.findall(xml[:xml.find("<sheetData")]):
        attributes = dict(re.findall(r'\b(min|max|style)="(\d+)"', col))
        if "style" in attributes:
            for column in range(int(attributes["min"]), int(attributes["max"]) + 1):
                styles[column] = attributes["style"]
    return styles
