"""Excel workbooks with xlsxwriter: real dates and numbers, text always written as text.

Rows stream in (constant-memory mode: each row goes to disk once written), so a workbook
of a million rows costs a few megabytes. Text is only ever written as an inline string
(never through ``write()``, which would turn ``=cmd|'/c calc'!A1`` into a formula).

xlsxwriter makes the workbook (styles, widths, frozen header, autofilter, header row),
but its per-cell API costs ~10 µs a cell, which caps a 28-column export near 5,000
rows/s. Data rows are therefore serialised here, one string per row, in exactly the XML
xlsxwriter's constant-memory mode writes (inline strings, its own escaping of XML and
control characters, its number format), into the worksheet's row file. This relies on
xlsxwriter internals (``fh``, ``previous_row``, ``dim_rowmax``), pinned in pyproject
and covered by the export tests, which read the files back with openpyxl.
"""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

TEXT, DATETIME, DATE, NUMBER, INTEGER, PERCENT = (
    "text", "datetime", "date", "number", "integer", "percent")
LABEL = "label"  # text that repeats (reference labels, names): escaped once, cached
EXCEL_EPOCH = datetime(1899, 12, 30)
MAX_WIDTH = 60
MAX_TEXT = 32767 // 2  # Excel's limit in UTF-16 units, kept safe for any character
# What xlsxwriter's _escape_control_characters changes (an "_xHHHH_" literal, control
# characters, non-characters): such rare strings go through it.
NEEDS_ESCAPE = re.compile("_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
# Anything that makes a string more than "<t>…</t>": markup characters, what the line
# above escapes, or whitespace to preserve at either end. Most cells have none of it.
NEEDS_WORK = re.compile(r"^\s|\s$|[&<>]|_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
CACHE_LIMIT = 5000
WIDTHS = {TEXT: 18, LABEL: 16, DATETIME: 17, DATE: 12, NUMBER: 12, INTEGER: 10, PERCENT: 10}
DATE_FORMATS = {"fr": ("dd/mm/yyyy hh:mm", "dd/mm/yyyy"),
                "en": ("yyyy-mm-dd hh:mm", "yyyy-mm-dd")}


class Sheet:
    """One worksheet: a frozen, filterable header row, then typed rows in order."""

    def __init__(self, workbook, name, columns, language="fr", time_zone="UTC"):
        """``columns``: ``[(header, kind, width or None)]``."""
        self.workbook, self.columns = workbook, columns
        self.sheet = workbook.add_worksheet(name)
        self.zone = ZoneInfo(time_zone)
        datetime_fmt, date_fmt = DATE_FORMATS.get(language, DATE_FORMATS["fr"])
        formats = {DATETIME: workbook.add_format({"num_format": datetime_fmt}),
                   DATE: workbook.add_format({"num_format": date_fmt}),
                   NUMBER: workbook.add_format({"num_format": "0.0"}),
                   INTEGER: None,
                   PERCENT: workbook.add_format({"num_format": "0.0%"}),
                   TEXT: None, LABEL: None}
        self.bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.cells = []  # per column: (XML before the value, how to render the value)
        for index, (header, kind, width) in enumerate(columns):
            self.sheet.set_column(index, index, min(width or WIDTHS[kind], MAX_WIDTH))
            self.sheet.write_string(0, index, str(header), self.bold)
            self.cells.append((xl_col_to_name(index), kind, formats[kind]))
        self.sheet.freeze_panes(1, 0)
        self.row = 0
        self._prefixes = None
        self._offsets = {}  # UTC day -> the zone's offset all day long (None: it changes)
        self._texts = {}  # repeated short texts (labels) -> their escaped XML

    def _serial(self, value, kind):
        """Excel's date number of a naive UTC datetime in the sheet's time zone (a date
        is taken as is)."""
        if kind == DATETIME and isinstance(value, datetime):
            seconds = (value - EXCEL_EPOCH).total_seconds()
            return (seconds + self._offset(value, int(seconds // 86400))) / 86400
        if not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        return (value - EXCEL_EPOCH).total_seconds() / 86400

    def _offset(self, value, day) -> float:
        """The zone's UTC offset at ``value``: one lookup per UTC day whose offset is the
        same at both ends (every day but the two daylight-saving changes a year)."""
        offset = self._offsets.get(day, False)
        if offset is False:
            start = EXCEL_EPOCH.replace(tzinfo=UTC) + timedelta(days=day)
            ends = {(start + timedelta(seconds=s)).astimezone(self.zone).utcoffset()
                    for s in (0, 86399)}
            offset = self._offsets[day] = ends.pop().total_seconds() if len(ends) == 1 else None
        if offset is None:
            offset = value.replace(tzinfo=UTC).astimezone(self.zone).utcoffset().total_seconds()
        return offset

    def _label(self, value) -> str:
        """``_text`` of a value that repeats (a reference label), from a bounded cache."""
        cached = self._texts.get(value)
        if cached is None:
            if len(self._texts) > CACHE_LIMIT:
                self._texts.clear()
            cached = self._texts[value] = _text(value)
        return cached

    def append(self, values) -> None:
        """Write one row; None (or "") leaves the cell empty."""
        if self._prefixes is None:
            self._start_rows()
        self.row += 1
        number = self.row + 1
        parts = [f'<row r="{number}">']
        for (letters, kind, style), value in zip(self._prefixes, values, strict=True):
            if value is None or value == "":
                continue
            if kind == TEXT:
                parts.append(f'<c r="{letters}{number}" t="inlineStr"><is>{_text(value)}</is></c>')
                continue
            if kind == LABEL:
                parts.append(f'<c r="{letters}{number}" t="inlineStr"><is>{self._label(value)}'
                             '</is></c>')
                continue
            if kind in (DATETIME, DATE):
                value = self._serial(value, kind)
            parts.append(f'<c r="{letters}{number}"{style}><v>{value:.16G}</v></c>')
        parts.append("</row>")
        self.sheet.fh.write("".join(parts))

    def _start_rows(self):
        """Flush the header row through xlsxwriter; from here on rows are ours."""
        self.sheet._write_single_row(1)
        self._prefixes = [(letters, kind, f' s="{fmt._get_xf_index()}"' if fmt else "")
                          for letters, kind, fmt in self.cells]

    def write_footer(self, values) -> None:
        """One last row below the filtered range (a total), after ``finish``."""
        row = self.row + 1
        for index, ((_, kind, fmt), value) in enumerate(zip(self.cells, values, strict=True)):
            if value is None:
                continue
            if kind in (TEXT, LABEL):
                self.sheet.write_string(row, index, str(value), self.bold)
            else:
                number = self._serial(value, kind) if kind in (DATE, DATETIME) else value
                self.sheet.write_number(row, index, number, fmt)

    def finish(self) -> None:
        """Close the data rows (anything written after goes through xlsxwriter again)."""
        sheet = self.sheet
        if self._prefixes is not None:
            sheet.dim_rowmax = max(sheet.dim_rowmax or 0, self.row)
            sheet.previous_row = self.row + 1
        sheet.autofilter(0, 0, max(self.row, 1), len(self.columns) - 1)


def _text(value) -> str:
    """A value as the body of an inline string (``<t>``), escaped as xlsxwriter does."""
    text = str(value)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    if not NEEDS_WORK.search(text):
        return f"<t>{text}</t>"
    if NEEDS_ESCAPE.search(text):
        text = XMLwriter._escape_control_characters(text)
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if text[0].isspace() or text[-1].isspace():
        return f'<t xml:space="preserve">{text}</t>'
    return f"<t>{text}</t>"


def open_workbook(path) -> xlsxwriter.Workbook:
    """A workbook that streams its rows to disk (constant memory)."""
    return xlsxwriter.Workbook(str(path), {"constant_memory": True})
