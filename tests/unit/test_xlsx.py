"""The streaming sheet writer: local dates across daylight-saving changes, and text that
must stay text, read back with openpyxl."""

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from app.services import xlsx


@pytest.fixture
def written(tmp_path):
    def write(columns, rows, time_zone="Europe/Paris"):
        path = tmp_path / "t.xlsx"
        book = xlsx.open_workbook(path)
        sheet = xlsx.Sheet(book, "S", columns, "en", time_zone)
        for row in rows:
            sheet.append(row)
        sheet.finish()
        book.close()
        return load_workbook(path).active
    return write


def test_datetimes_are_local_on_either_side_of_a_clock_change(written):
    utc = [datetime(2026, 3, 29, 0, 30), datetime(2026, 3, 29, 1, 30),
           datetime(2026, 10, 25, 0, 30), datetime(2026, 10, 25, 1, 30),
           datetime(2026, 7, 1, 12, 0, 30)]
    sheet = written([("When", xlsx.DATETIME, None), ("Day", xlsx.DATE, None)],
                    [(value, date(2026, 3, 29)) for value in utc])
    local = [sheet.cell(row=n, column=1).value for n in range(2, 7)]
    assert local == [datetime(2026, 3, 29, 1, 30), datetime(2026, 3, 29, 3, 30),
                     datetime(2026, 10, 25, 2, 30), datetime(2026, 10, 25, 2, 30),
                     datetime(2026, 7, 1, 14, 0, 30)]
    assert sheet.cell(row=2, column=2).value == datetime(2026, 3, 29)
    assert sheet.cell(row=2, column=1).is_date and sheet.cell(row=2, column=2).is_date


@pytest.mark.parametrize("text", ["=cmd|'/c calc'!A1", "{=SUM(A1:A2)}", "+33 1 23 45",
                                  "-1", "0042", " padded ", "a < b & c > d", "@SUM(1)"])
def test_text_is_written_as_text(written, text):
    sheet = written([("Text", xlsx.TEXT, None), ("Label", xlsx.LABEL, None),
                     ("Number", xlsx.NUMBER, None)], [(text, text, 1.5)])
    for column in (1, 2):
        cell = sheet.cell(row=2, column=column)
        assert cell.value == text and cell.data_type == "s"
    assert sheet.cell(row=2, column=3).value == 1.5
