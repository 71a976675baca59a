"""Excel workbooks with xlsxwriter: real dates and numbers, text always written as text.

Rows stream in (constant-memory mode: each row goes to disk once written), so a workbook
of a million rows costs a few megabytes. User text goes through ``write_string`` only:
``write()`` would turn ``=cmd|'/c calc'!A1`` into a formula.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import xlsxwriter

TEXT, DATETIME, DATE, NUMBER, INTEGER, PERCENT = (
    "text", "datetime", "date", "number", "integer", "percent")
EXCEL_EPOCH = datetime(1899, 12, 30)
MAX_WIDTH = 60
WIDTHS = {TEXT: 18, DATETIME: 17, DATE: 12, NUMBER: 12, INTEGER: 10, PERCENT: 10}
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
                   TEXT: None}
        self.bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.writers = []
        for index, (header, kind, width) in enumerate(columns):
            self.sheet.set_column(index, index, min(width or WIDTHS[kind], MAX_WIDTH))
            self.sheet.write_string(0, index, str(header), self.bold)
            self.writers.append((index, self._writer(kind), formats[kind]))
        self.sheet.freeze_panes(1, 0)
        self.row = 0

    def _writer(self, kind):
        sheet = self.sheet
        if kind == TEXT:
            return lambda r, c, v, f: sheet.write_string(r, c, str(v))
        if kind in (DATETIME, DATE):
            return lambda r, c, v, f: sheet.write_number(r, c, self._serial(v, kind), f)
        return sheet.write_number

    def _serial(self, value, kind):
        """Excel's date number of a naive UTC datetime in the sheet's time zone (a date
        is taken as is)."""
        if kind == DATETIME and isinstance(value, datetime):
            value = value.replace(tzinfo=UTC).astimezone(self.zone).replace(tzinfo=None)
        elif not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        return (value - EXCEL_EPOCH).total_seconds() / 86400

    def append(self, values) -> None:
        """Write one row; None leaves the cell empty."""
        self.row += 1
        row = self.row
        for (index, write, fmt), value in zip(self.writers, values, strict=True):
            if value is None or value == "":
                continue
            write(row, index, value, fmt)

    def finish(self) -> None:
        self.sheet.autofilter(0, 0, max(self.row, 1), len(self.columns) - 1)


def open_workbook(path) -> xlsxwriter.Workbook:
    """A workbook that streams its rows to disk (constant memory)."""
    return xlsxwriter.Workbook(str(path), {"constant_memory": True})
