"""The workbooks open cleanly in LibreOffice Calc: last quarter's on-time rate by agency
(reached with the report's one-click period) and a background list export, each
converted to CSV by ``soffice --headless`` and checked value by value.

Skipped, with the reason shown, when LibreOffice or its Calc module is not installed
(``apt-get install libreoffice-calc-nogui``)."""

import csv
import html
import io
import re
import shutil
import subprocess
from datetime import datetime, timedelta

import pytest

from app.domain.periods import period_bounds
from app.services import complaints as service
from app.services.clock import to_local, utcnow
from tests import factories as f
from tests.conftest import login
from tests.integration.test_exports import INJECTION, export
from tests.integration.test_reports import make_agency

SOFFICE = shutil.which("soffice")
# Comma-separated, UTF-8 (76), cells as shown (the workbook's own number formats).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false"

pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: workbooks not opened "
    "in Calc (apt-get install libreoffice-calc-nogui)")


def calc_rows(data: bytes, tmp_path) -> list[list[str]]:
    """The first sheet of a workbook as LibreOffice Calc reads it."""
    source = tmp_path / "book.xlsx"
    source.write_bytes(data)
    command = [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
               "--headless", "--norestore", "--convert-to", CSV_FILTER, "--outdir",
               str(tmp_path / "out"), str(source)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    target = tmp_path / "out" / "book.csv"
    if not target.exists() and "no export filter" in (done.stdout + done.stderr).lower():
        pytest.skip("LibreOffice Calc is not installed (apt-get install "
                    "libreoffice-calc-nogui): workbooks not opened in Calc")
    assert target.exists(), f"LibreOffice could not open the workbook: {done}"
    return list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))


def last_quarter(app):
    with app.app_context():
        from app.extensions import db
        from app.services.settings import get_setting

        today = to_local(utcnow(), get_setting(db.session, "time_zone")).date()
    return period_bounds("quarter", period_bounds("quarter", today)[0] - timedelta(days=1))


def test_last_quarters_on_time_rate_by_agency_opens_in_calc(app, dbs, tmp_path):
    start, _end = last_quarter(app)
    received = datetime(start.year, start.month, start.day, 9, 0) + timedelta(days=10)
    with dbs() as s:
        prompt, slow = make_agency(s, f.unique("Prompt")), make_agency(s, f.unique("Slow"))
        for agency, days in ((prompt, 2), (prompt, 3), (slow, 25)):
            complaint = f.make_complaint(s, client=f.make_client(s, agency_id=agency.id),
                                         state_code="in_progress", received_at=received)
            service.change_state(s, complaint, f.state(s, "answered"),
                                 now=received + timedelta(days=days))
        names = prompt.label_fr, slow.label_fr

    client = login(app.test_client(), "supervisor")
    page = client.get("/reports/").get_data(as_text=True)  # French, the default
    preset = re.search(r'id="preset-quarter-previous"[^>]*href="([^"]+)">([^<]+)<', page)
    assert preset and preset.group(2) == "Le trimestre dernier"
    page = client.get(html.unescape(preset.group(1))).get_data(as_text=True)
    assert 'id="preset-quarter-previous" aria-current="true"' in page
    link = html.unescape(re.search(r'id="report-export" href="([^"]+)"', page).group(1))
    response = client.get(link)
    assert response.status_code == 200, response.location
    rows = calc_rows(response.data, tmp_path)
    assert rows[0][:6] == ["Agence", "Reçues sur la période", "Répondues sur la période",
                           "Encore ouvertes", "Répondues dans les délais",
                           "Taux dans les délais"]
    by_agency = {row[0]: row for row in rows[1:]}
    assert by_agency[names[0]][1:6] == ["2", "2", "0", "2", "100.0%"]
    assert by_agency[names[1]][1:6] == ["1", "1", "0", "0", "0.0%"]
    assert by_agency[names[0]][6] == "2.5"  # median processing time in days
    assert rows[-1][0] == "Total"


def test_a_background_list_export_opens_in_calc(app, dbs, monkeypatch, tmp_path):
    from app import jobs

    monkeypatch.setitem(app.config, "EXPORT_BACKGROUND_ROWS", 0)
    token = f.unique("Calc")
    received = datetime(2026, 7, 14, 6, 5)
    with dbs() as s:
        complaint = f.make_complaint(s, client=f.make_client(s, name=f"{token} & Fils <SA>"),
                                     subject=f"{token} subject", description=INJECTION,
                                     received_at=received)
        number = complaint.tracking_number
    client = login(app.test_client(), "supervisor")
    assert export(client, f"_flt_2_subject={token}").headers["Location"] == "/exports/"
    assert jobs.run_exports(app)["exports"] == 1
    link = re.search(r'href="(/exports/\d+/download)"',
                     client.get("/exports/").get_data(as_text=True)).group(1)
    header, *rows = calc_rows(client.get(link).data, tmp_path)
    assert header[:2] == ["Numéro de suivi", "Date de réception"]
    row = dict(zip(header, rows[0], strict=True))
    assert len(rows) == 1 and row["Numéro de suivi"] == number
    assert row["Date de réception"] == "14/07/2026 08:05"  # Paris time, French format
    assert row["Client"] == f"{token} & Fils <SA>"
    assert row["Description"] == INJECTION  # text, never evaluated as a formula
    assert row["Confidentiel"] == "Non"
