"""Reads the report page's tables back: per table row, the counts, the percentages, last year's percentages and
the drill-down links, as shown (Vietnamese number format undone)."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageRow:
    kind: str
    key: str
    label: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    percents: dict[str, str | None] = field(default_factory=dict)
    previous: dict[str, str | None] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    note: str = ""


def number(text: str) -> int:
    return int(text.strip().replace(".", ""))


def percent_text(text: str) -> str | None:
    text = text.strip()
    return None if text in ("–", "") else text.replace(".", "").replace(",", ".")


class _ReportParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[PageRow] = []
        self.kind = None
        self.row: PageRow | None = None
        self.cell: tuple[str, str] | None = None  # (type, name)
        self.in_previous = False
        self.in_label = False
        self.text: list[str] = []
        self.previous_text: list[str] = []
        self.missing: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table" and "data-kind" in attributes:
            self.kind = attributes["data-kind"]
        elif tag == "tr" and "data-key" in attributes:
            self.row = PageRow(self.kind, attributes["data-key"])
            self.rows.append(self.row)
        elif tag == "tr" and "data-missing" in attributes:
            self.missing.append(attributes["data-missing"])
        elif self.row is not None and tag == "th":
            self.in_label, self.text = True, []
        elif self.row is not None and tag == "td":
            self.text, self.previous_text = [], []
            if "data-m" in attributes:
                self.cell = ("count", attributes["data-m"])
            elif "data-p" in attributes:
                self.cell = ("percent", attributes["data-p"])
            elif "note" in (attributes.get("class") or ""):
                self.cell = ("note", "note")
        elif tag == "a" and self.cell and self.cell[0] == "count":
            self.row.links[self.cell[1]] = attributes["href"]
        elif tag == "small" and "previous" in (attributes.get("class") or ""):
            self.in_previous = True

    def handle_endtag(self, tag):
        if tag == "small":
            self.in_previous = False
        elif tag == "th" and self.in_label:
            self.row.label, self.in_label = "".join(self.text).strip(), False
        elif tag == "td" and self.cell:
            kind, name = self.cell
            text = "".join(self.text)
            if kind == "count":
                self.row.counts[name] = number(text)
            elif kind == "percent":
                self.row.percents[name] = percent_text(text)
                if self.previous_text:
                    self.row.previous[name] = percent_text("".join(self.previous_text))
            else:
                self.row.note = text.strip()
            self.cell = None
        elif tag == "tr":
            self.row = None
        elif tag == "table":
            self.kind = None

    def handle_data(self, data):
        if self.in_previous:
            self.previous_text.append(data)
        elif self.cell or self.in_label:
            self.text.append(data)


@dataclass
class ReportPage:
    rows: list[PageRow]
    missing: list[str]

    def table(self, kind: str) -> dict[str, PageRow]:
        """Row key → row; the total appears under both of a kind's tables and must say the same."""
        result: dict[str, PageRow] = {}
        for row in self.rows:
            if row.kind == kind:
                if row.key in result:
                    assert result[row.key].counts == row.counts
                result[row.key] = row
        return result


def read_report(html: str) -> ReportPage:
    parser = _ReportParser()
    parser.feed(html)
    return ReportPage(parser.rows, parser.missing)


def subject_codes(html: str) -> list[str]:
    class Codes(HTMLParser):
        codes: list[str] = []

        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "tr" and "data-subject" in attributes:
                self.codes.append(attributes["data-subject"])

    parser = Codes()
    parser.codes = []
    parser.feed(html)
    return parser.codes
