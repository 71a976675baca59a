"""Importing clients, contracts and complaints from real files: .xlsx written by openpyxl
and by LibreOffice Calc, CSVs in UTF-8 and Windows-1252 with ``;``."""

import io
import shutil
import subprocess
from datetime import date, datetime, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.domain import imports as rules
from app.models import Category, Client, Complaint, Contract, CustomField, Event, ImportRow
from app.services import dashboard, month_stats, reports
from app.services import imports as service
from app.services.complaints import change_state
from app.services.import_messages import reason
from app.services.settings import get_setting
from tests import factories as f

COMPLAINT_HEADERS = ["Date de réception", "Objet", "Catégorie", "État", "Date de réponse",
                     "Date de clôture", "N° client", "Gravité", "Numéro de suivi"]


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Réclamations"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8") -> bytes:
    return "\r\n".join(";".join(str(v) for v in row) for row in rows).encode(encoding)


def imported(session, kind, data, file_name, batch_size=500, mapping=None):
    table = service.read_table(data, file_name)
    mapping = mapping or service.guess(session, kind, table.headers)
    run = service.start_import(session, kind, file_name, mapping)
    return run, service.run_import(session, run, table, batch_size=batch_size)


def test_clients_from_openpyxl_xlsx_then_contracts_from_windows_1252_csv(session):
    number = f.unique("IMPC")
    data = xlsx_bytes([["N° client", "Raison sociale", "Type", "Courriel", "Secteur"],
                       [number, "Société Générale des Eaux", "Entreprise", "se@example.org",
                        None],
                       [number + "B", "Élodie Brûlé", "particulier", None, None]])
    run, report = imported(session, rules.CLIENTS, data, "clients.xlsx")
    assert (report.created, report.updated, report.refused) == (2, 0, [])
    client = session.scalars(select(Client).where(Client.customer_number == number)).one()
    assert (client.name, client.kind, client.email) == ("Société Générale des Eaux",
                                                        "company", "se@example.org")
    # The same file again: both matched on their number, updated, none created.
    _run, again = imported(session, rules.CLIENTS, data, "clients.xlsx")
    assert (again.created, again.updated) == (0, 2)
    assert session.scalar(select(func.count()).select_from(Client).where(
        Client.customer_number.like(number + "%"))) == 2

    contracts = csv_bytes([["Numéro de contrat", "N° client", "Libellé", "Date de début"],
                           [number + "-K1", number, "Eau potable – été", "01/02/2020"],
                           [number + "-K2", number + "B", "Assainissement", "15/03/2021"]],
                          "cp1252")
    _run, report = imported(session, rules.CONTRACTS, contracts, "contrats.csv")
    assert (report.created, report.refused) == (2, [])
    contract = session.scalars(select(Contract).where(Contract.number == number + "-K1")).one()
    assert (contract.label, contract.start_date, contract.client_id) == (
        "Eau potable – été", date(2020, 2, 1), client.id)
    assert session.scalar(select(func.count()).select_from(ImportRow).where(
        ImportRow.import_id == run.id)) == 2


def test_complaints_keep_their_dates_states_and_history(session):
    client = f.make_client(session)
    prefix = get_setting(session, "tracking_prefix")
    kept = f"{prefix}-2037-900001"
    data = csv_bytes([COMPLAINT_HEADERS,
                      ["12/03/2037 09:15", "Facture erronée", "Facturation", "Clôturé",
                       "20/03/2037 10:00", "25/03/2037 11:00", client.customer_number,
                       "Mineure", kept],
                      ["13/03/2037 14h30", "Fuite", "technical", "En cours d'instruction",
                       "", "", "", "", "ABC-1"]])
    data = b"\xef\xbb\xbf" + data  # Excel's "CSV UTF-8" starts with a BOM
    run, report = imported(session, rules.COMPLAINTS, data, "historique.csv")
    assert [(line, r.code) for line, r, _ in report.refused] == []
    assert report.created == 2
    closed, open_ = session.scalars(
        select(Complaint).join(ImportRow, ImportRow.record_id == Complaint.id)
        .where(ImportRow.import_id == run.id).order_by(ImportRow.row_number)).all()
    assert closed.tracking_number == kept
    assert (closed.received_at, closed.answered_at, closed.closed_at) == (
        datetime(2037, 3, 12, 9, 15), datetime(2037, 3, 20, 10), datetime(2037, 3, 25, 11))
    assert (closed.state.code, closed.clock, closed.client_id) == ("closed", "stopped",
                                                                    client.id)
    assert closed.due_at == datetime(2037, 3, 12, 9, 15) + timedelta(days=15)
    assert closed.processing_seconds == (closed.answered_at - closed.received_at).total_seconds()
    assert closed.answered_on_time is True
    # Not in the product's format: a number of the year received.
    assert open_.tracking_number.startswith(f"{prefix}-2037-")
    assert open_.tracking_number != kept
    assert (open_.state.code, open_.clock, open_.closed_at) == ("in_progress", "running", None)
    event = session.scalars(select(Event).where(Event.complaint_id == closed.id)).one()
    assert (event.kind, event.new_value, event.detail) == ("imported", "historique.csv", "2")


def test_a_file_with_every_kind_of_bad_row_is_refused_line_by_line(session, app):
    f.make_client(session, customer_number="IMP-BAD-1")
    label = f.unique("Montant importé ")  # no other test's custom field has it
    custom = CustomField(key=f.unique("imp_n")[:20], label_fr=label, label_en="Amount",
                         type="number")
    session.add(custom)
    session.commit()
    rows = [[*COMPLAINT_HEADERS, label],
            ["01/04/2038", "ok", "Facturation", "", "", "", "", "", "", "12,5"],
            ["", "missing date", "", "", "", "", "", "", "", ""],
            ["31/02/2038", "not a date", "", "", "", "", "", "", "", ""],
            ["01/04/2038", "unknown category", "Plomberie", "", "", "", "", "", "", ""],
            ["01/04/2038", "unknown client", "", "", "", "", "NOPE-404", "", "", ""],
            ["01/04/2038", "answered first", "", "", "01/03/2038", "", "", "", "", ""],
            ["01/04/2038", "bad amount", "", "", "", "", "", "", "", "beaucoup"],
            ["01/04/2038", "dup 1", "", "", "", "", "", "", "REC-2038-777777", ""],
            ["01/04/2038", "dup 2", "", "", "", "", "", "", "REC-2038-777777", ""]]
    data = csv_bytes(rows, "cp1252")
    table = service.read_table(data, "mauvais.csv")
    mapping = service.guess(session, rules.COMPLAINTS, table.headers)
    assert mapping.columns[label] == "cf:" + custom.key
    before = session.scalar(select(func.count()).select_from(Complaint))
    report = service.check_import(session, rules.COMPLAINTS, table, mapping)
    assert [(line, r.code) for line, r, _ in report.refused] == [
        (3, rules.MISSING), (4, rules.NOT_A_DATE), (5, rules.UNKNOWN_VALUE),
        (6, rules.UNKNOWN_CLIENT), (7, rules.BEFORE_RECEIVED), (8, rules.BAD_CUSTOM_VALUE),
        (10, rules.DUPLICATE)]
    assert (report.created, report.updated) == (2, 0)
    assert report.unknown == {"category": {"Plomberie": 1}}
    assert report.preview[0][1]["subject"] == "ok"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Complaint)) == before  # dry run
    # The user maps the unknown value to an existing item: the row is accepted.
    mapping.values = {"category": {"Plomberie": "technical"}}
    again = service.check_import(session, rules.COMPLAINTS, table, mapping)
    assert 5 not in [line for line, _r, _v in again.refused]
    # The refused rows as a workbook with a "Motif" column, in the reader's words.
    with app.test_request_context("/?_l_=fr"):
        book = service.refused_workbook(table.headers, report.refused, reason, "Motif")
    sheet = load_workbook(io.BytesIO(book)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][-1] == "Motif"
    assert values[1][1] == "missing date" and "obligatoire" in values[1][-1]
    assert "Plomberie" in values[3][-1]
    assert len(values) == 8


def test_a_resumed_import_creates_no_duplicate(session):
    rows = [COMPLAINT_HEADERS] + [
        [f"0{d}/05/2033 10:00", f"resume {d}", "", "", "", "", "", "", ""] for d in range(1, 8)]
    data = csv_bytes(rows)
    table = service.read_table(data, "reprise.csv")
    mapping = service.guess(session, rules.COMPLAINTS, table.headers)
    run = service.start_import(session, rules.COMPLAINTS, "reprise.csv", mapping)
    whole = table.rows
    table.rows = lambda: (r for r in whole() if r[0] <= 4)  # stopped after line 4
    service.run_import(session, run, table, batch_size=2)
    table.rows = whole
    report = service.run_import(session, run, table, batch_size=2)
    assert report.created == 4
    report = service.run_import(session, run, table, batch_size=2)
    assert report.created == 0
    subjects = session.scalars(select(Complaint.subject).where(
        Complaint.subject.like("resume %"))).all()
    assert sorted(subjects) == [f"resume {d}" for d in range(1, 8)]
    assert (run.created, run.status) == (7, "done")


def test_the_dry_run_writes_nothing(session):
    number = f.unique("DRY")
    data = xlsx_bytes([["Customer number", "Name"], [number, "Dry"]])
    table = service.read_table(data, "dry.xlsx")
    report = service.check_import(session, rules.CLIENTS, table,
                                  service.guess(session, rules.CLIENTS, table.headers))
    assert report.created == 1
    session.rollback()
    assert session.scalar(select(Client.id).where(Client.customer_number == number)) is None


SPREAD = [  # received, answered, closed, category, state
    (datetime(2055, 1, 7, 10), datetime(2055, 1, 10, 10), datetime(2055, 1, 12, 10),
     "billing", "closed"),
    (datetime(2055, 1, 8, 10), datetime(2055, 2, 20, 10), None, "technical", "answered"),
    (datetime(2055, 2, 3, 10), None, None, "delivery", "in_progress"),
    (datetime(2055, 3, 4, 10), datetime(2055, 3, 5, 10), datetime(2055, 4, 5, 10),
     "billing", "closed"),
]
SHIFT = timedelta(days=364)  # the same weekdays a year later


def test_counts_after_an_import_equal_those_of_complaints_registered_one_by_one(session):
    month_stats.ensure_time_zone(session)
    zone = get_setting(session, "time_zone")
    rows = [["Date de réception", "Date de réponse", "Date de clôture", "Catégorie", "État"]]
    rows += [[r.strftime("%d/%m/%Y %H:%M"), a.strftime("%d/%m/%Y %H:%M") if a else "",
              c.strftime("%d/%m/%Y %H:%M") if c else "", cat, state]
             for r, a, c, cat, state in SPREAD]
    _run, report = imported(session, rules.COMPLAINTS, xlsx_bytes(rows), "a.xlsx")
    assert [(line, r.code, r.field, r.value) for line, r, _ in report.refused] == []
    path = {"closed": ["in_progress", "answered", "closed"],
            "answered": ["in_progress", "answered"], "in_progress": ["in_progress"]}
    for received, answered, closed, category, state in SPREAD:
        complaint = f.make_complaint(session, received_at=received + SHIFT,
                                     category=_category(session, category))
        for code, when in zip(path[state], [received, answered, closed], strict=False):
            change_state(session, complaint, f.state(session, code), now=when + SHIFT)
    for grouping in ("category", "channel"):
        first = _report(session, grouping, date(2055, 1, 1))
        second = _report(session, grouping, date(2055, 1, 1) + SHIFT)
        assert first == second and first
    for scope in (None, Complaint.received_at.isnot(None)):
        first = dashboard.kpis(session, date(2055, 1, 1), date(2055, 12, 30), scope, zone)
        second = dashboard.kpis(session, date(2055, 1, 1) + SHIFT, date(2055, 12, 30) + SHIFT,
                                scope, zone)
        assert first == second and first.received == 4


def _category(session, code):
    return session.scalars(select(Category).where(Category.code == code)).one()


def _report(session, grouping, start):
    report = reports.build_report(session, grouping, start, start + timedelta(days=360),
                                  datetime(2057, 1, 1))
    return [{k: v for k, v in vars(row).items() if k != "key"}
            for row in [*report.rows, report.total]]


def test_an_xlsx_written_by_libreoffice_calc(session, scratch_dir):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("soffice not installed: apt-get install libreoffice-calc-nogui")
    number = f.unique("LO")
    source = scratch_dir / "clients.csv"
    source.write_bytes(csv_bytes([["Code client", "Nom", "Agence"],
                                  [number, "Calc SARL", ""], [number + "2", "Zoé", ""]]))
    subprocess.run([soffice, f"-env:UserInstallation=file://{scratch_dir}/lo",
                    "--headless", "--infilter=CSV:59,34,76,1", "--convert-to", "xlsx",
                    "--outdir", str(scratch_dir), str(source)],
                   check=True, capture_output=True, timeout=120)
    data = (scratch_dir / "clients.xlsx").read_bytes()
    _run, report = imported(session, rules.CLIENTS, data, "clients.xlsx")
    assert (report.created, report.refused) == (2, [])
    assert session.scalar(select(Client.name).where(Client.customer_number == number + "2")) \
        == "Zoé"


def test_the_command_guesses_a_mapping_then_dry_runs_then_imports(app, session, scratch_dir):
    number = f.unique("CLI")
    source = scratch_dir / "clients.csv"
    source.write_bytes(csv_bytes([["Numéro client", "Nom", "Téléphone"],
                                  [number, "Ligne de commande", "01 02 03 04 05"],
                                  ["", "sans numéro", ""]], "cp1252"))
    mapping = scratch_dir / "mapping.json"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", "clients", str(source), "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert service.Mapping.from_json(mapping.read_text()).columns == {
        "Numéro client": "customer_number", "Nom": "name", "Téléphone": "phone"}
    result = runner.invoke(args=["import", "clients", str(source), "--mapping", str(mapping),
                                 "--dry-run"])
    assert "2 rows: 1 would be created, 0 would be updated, 1 refused." in result.output
    assert "line 3:" in result.output
    session.rollback()
    assert session.scalar(select(Client.id).where(Client.customer_number == number)) is None
    refused = scratch_dir / "refused.xlsx"
    result = runner.invoke(args=["import", "clients", str(source), "--mapping", str(mapping),
                                 "--refused", str(refused)])
    assert "2 rows: 1 were created" in result.output, result.output
    session.rollback()
    assert session.scalar(select(Client.phone).where(Client.customer_number == number)) \
        == "01 02 03 04 05"
    rows = list(load_workbook(refused).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "sans numéro"


def test_a_batch_the_database_refuses_is_rolled_back_whole_then_resumed(session, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from app.services.import_writer import Writer

    rows = [COMPLAINT_HEADERS] + [
        [f"0{d}/08/2036 10:00", f"batch {d}", "", "", "", "", "", "", ""] for d in range(1, 7)]
    table = service.read_table(csv_bytes(rows), "lots.csv")
    run = service.start_import(session, rules.COMPLAINTS, "lots.csv",
                               service.guess(session, rules.COMPLAINTS, table.headers))
    real = Writer.write_batch

    def failing(self, batch):
        written = real(self, batch)  # rows flushed, then the database says no
        if any(line == 5 for line, _v in batch):
            raise IntegrityError("INSERT", {}, Exception("refused"))
        return written

    monkeypatch.setattr(Writer, "write_batch", failing)
    service.run_import(session, run, table, batch_size=2)
    assert (run.status, run.error, run.created) == ("failed", "4-5: IntegrityError", 2)
    assert sorted(session.scalars(select(Complaint.subject).where(
        Complaint.subject.like("batch %")))) == ["batch 1", "batch 2"]
    monkeypatch.setattr(Writer, "write_batch", real)
    service.run_import(session, run, table, batch_size=2)
    assert sorted(session.scalars(select(Complaint.subject).where(
        Complaint.subject.like("batch %")))) == [f"batch {d}" for d in range(1, 7)]
    assert (run.status, run.created) == ("done", 6)
