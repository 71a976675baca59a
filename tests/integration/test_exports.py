"""Excel exports: typed cells, text never a formula, the list's filters and sort, the
reader's scope, background exports end to end, and report workbooks."""

import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.models import ExportJob
from app.services import complaints as service
from app.services.clock import to_local
from tests import factories as f
from tests.conftest import login
from tests.integration.test_reports import make_agency

INJECTION = "=cmd|'/c calc'!A1"


def workbook(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def export(client, args):
    """POST the export of the list at ``/complaints/list/?<args>`` (``_l_=en`` switches
    the session to English first: the export form never carries it)."""
    if "_l_=en&" in args:
        client.get("/lang/en")
        args = args.replace("_l_=en&", "")
    return client.post(f"/complaints/export?{args}")


def rows_of(sheet):
    header = [cell.value for cell in sheet[1]]
    return header, [dict(zip(header, (c.value for c in row), strict=True))
                    for row in sheet.iter_rows(min_row=2)]


def test_export_has_typed_cells_and_text_stays_text(supervisor_client, dbs):
    token = f.unique("Export")
    received = datetime(2026, 10, 5, 7, 45)
    with dbs() as s:
        client = f.make_client(s, name=f"{token} & Fils")
        complaint = f.make_complaint(s, client=client, subject=f"{token} subject",
                                     description=INJECTION, received_at=received,
                                     state_code="in_progress", complainant_name="+33 1 23")
        service.change_state(s, complaint, f.state(s, "answered"),
                             now=datetime(2026, 10, 8, 19, 45))
        number = complaint.tracking_number

    book = workbook(export(supervisor_client, f"_l_=en&_flt_2_subject={token}"))
    sheet = book.active
    header, rows = rows_of(sheet)
    assert header[:3] == ["Tracking number", "Received at", "Request type"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert len(rows) == 1
    row = rows[0]
    assert row["Tracking number"] == number
    assert row["Received at"] == to_local(received, "Europe/Paris")  # a real date
    assert sheet.cell(row=2, column=2).is_date
    assert row["Client"] == f"{token} & Fils"
    assert row["Processing time (days)"] == pytest.approx(3.5)
    assert isinstance(row["Processing time (days)"], float)
    assert row["Answered on time"] == "Yes"
    assert row["State"] == "Answered"
    assert row["Complainant name"] == "+33 1 23"
    cell = sheet.cell(row=2, column=header.index("Description") + 1)
    assert cell.value == INJECTION and cell.data_type == "s"  # text, not a formula


def test_awkward_text_comes_back_unchanged(supervisor_client, dbs):
    token = f.unique("Awkward")
    text = "  <b>A & B</b> \x07 _x0041_ \"quoted\"\nline two "
    with dbs() as s:
        f.make_complaint(s, subject=f"{token} x", description=text)
    _, rows = rows_of(workbook(export(supervisor_client, f"_l_=en&_flt_2_subject={token}"))
                      .active)
    # Control characters and "_xHHHH_" literals are escaped as Excel does (openpyxl
    # leaves the escapes of inline strings as they are); the rest is kept exactly.
    value = rows[0]["Description"]
    assert value.replace("_x0007_", "\x07").replace("_x005F_", "_") == text


def test_export_honours_the_list_filters_and_sort(supervisor_client, dbs):
    token = f.unique("Sorted")
    with dbs() as s:
        made = [f.make_complaint(s, subject=f"{token} {i}", state_code=state,
                                 received_at=datetime(2026, 9, day, 10, 0))
                for i, (state, day) in enumerate([("in_progress", 3), ("new", 1),
                                                  ("in_progress", 2)])]
        in_progress = f.state(s, "in_progress").id
        numbers = [c.tracking_number for c in made]

    args = (f"_l_=en&_flt_2_subject={token}&_flt_0_state={in_progress}"
            "&_oc_ComplaintView=received_at&_od_ComplaintView=asc")
    _, rows = rows_of(workbook(export(supervisor_client, args)).active)
    assert [r["Tracking number"] for r in rows] == [numbers[2], numbers[0]]
    _, rows = rows_of(workbook(export(
        supervisor_client, f"_flt_2_subject={token}&_oc_ComplaintView=received_at"
        "&_od_ComplaintView=desc")).active)
    assert len(rows) == 3 and rows[0]["Received at"] > rows[2]["Received at"]


def test_export_honours_the_urgency_filter(supervisor_client, dbs):
    from app.services.clock import utcnow

    token = f.unique("Urgent")
    with dbs() as s:
        late = f.make_complaint(s, subject=f"{token} late", state_code="in_progress",
                                received_at=datetime(2026, 1, 5, 9, 0))
        f.make_complaint(s, subject=f"{token} fresh", state_code="in_progress",
                         received_at=utcnow().replace(microsecond=0))
        expected = late.tracking_number
    _, rows = rows_of(workbook(export(
        supervisor_client, f"_l_=en&_flt_2_subject={token}&_flt_0_urgency=overdue")).active)
    assert [(r["Tracking number"], r["Urgency"]) for r in rows] == [(expected, "Overdue")]


def test_an_agents_export_holds_only_their_scope(app, dbs):
    token = f.unique("Scope")
    with dbs() as s:
        agent = f.user(s, "agent")
        mine = f.make_complaint(s, subject=f"{token} mine",
                                client=f.make_client(s, portfolio_owner_id=agent.id))
        f.make_complaint(s, subject=f"{token} theirs", client=f.make_client(s))
        f.make_complaint(s, subject=f"{token} secret", assignee=agent, confidential=True)
        expected = mine.tracking_number

    client = login(app.test_client(), "agent")
    _, rows = rows_of(workbook(export(client, f"_l_=en&_flt_2_subject={token}")).active)
    assert [r["Tracking number"] for r in rows] == [expected]
    supervisor = login(app.test_client(), "supervisor")
    header, rows = rows_of(workbook(export(supervisor, f"_flt_2_subject={token}")).active)
    assert len(rows) == 3
    assert header[:2] == ["Numéro de suivi", "Date de réception"]  # the reader's language


def test_the_list_offers_the_export_of_its_own_filters(supervisor_client):
    html = supervisor_client.get(
        "/complaints/list/?_l_=en&_flt_2_subject=abc&_oc_ComplaintView=due_at"
        "&_od_ComplaintView=asc").get_data(as_text=True)
    action = re.search(r'<form method="post" class="rec-export" id="export-form"\s+'
                       r'action="([^"]+)"', html).group(1)
    assert action.startswith("/complaints/export?")
    assert set(action.split("?")[1].replace("&amp;", "&").split("&")) == {
        "_flt_2_subject=abc", "_oc_ComplaintView=due_at", "_od_ComplaintView=asc"}
    assert 'name="csrf_token"' in html and "Export to Excel" in html


def test_malformed_export_filters_are_explained(supervisor_client):
    response = export(supervisor_client, "_l_=en&_flt_9_state=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/complaints/list/"
    page = supervisor_client.get(response.headers["Location"])
    assert "Some filters of this address were invalid and have been removed." in (
        f.messages(page))


def test_large_export_runs_in_the_background(app, dbs, monkeypatch):
    from app import jobs

    monkeypatch.setitem(app.config, "EXPORT_BACKGROUND_ROWS", 1)
    token = f.unique("Background")
    with dbs() as s:
        for i in range(3):
            f.make_complaint(s, subject=f"{token} {i}", description=INJECTION)
    owner = login(app.test_client(), "supervisor")
    response = export(owner, f"_l_=en&_flt_2_subject={token}")
    assert response.status_code == 302 and response.headers["Location"] == "/exports/"
    page = owner.get("/exports/?_l_=en")
    assert "Waiting" in page.get_data(as_text=True)
    assert 'http-equiv="refresh"' in page.get_data(as_text=True)
    with dbs() as s:
        job = s.scalars(select(ExportJob).order_by(ExportJob.id.desc())).first()
        job_id = job.id
        assert job.status == "pending" and job.total_rows == 3

    assert jobs.run_exports(app)["exports"] == 1
    assert jobs.run_exports(app)["exports"] == 0  # claimed once, never run twice

    page = owner.get("/exports/?_l_=en").get_data(as_text=True)
    assert f"/exports/{job_id}/download" in page and "Ready" in page
    _, rows = rows_of(workbook(owner.get(f"/exports/{job_id}/download")).active)
    assert len(rows) == 3 and {r["Description"] for r in rows} == {INJECTION}
    stranger = login(app.test_client(), "agent2")
    assert stranger.get(f"/exports/{job_id}/download").status_code == 404
    assert f"/exports/{job_id}/download" not in stranger.get("/exports/").get_data(as_text=True)


def test_background_export_of_an_agent_holds_their_scope(app, dbs, monkeypatch):
    from app import jobs
    from app.services import export_jobs

    monkeypatch.setitem(app.config, "EXPORT_BACKGROUND_ROWS", 0)
    token = f.unique("AgentJob")
    with dbs() as s:
        agent = f.user(s, "agent")
        mine = f.make_complaint(s, subject=f"{token} mine",
                                client=f.make_client(s, portfolio_owner_id=agent.id))
        f.make_complaint(s, subject=f"{token} theirs", client=f.make_client(s))
        expected = mine.tracking_number
        broken = export_jobs.request_export(s, agent, "complaints",
                                            {"args": {"_flt_9_state": ["1"]}}, "en")
        broken_id = broken.id
    client = login(app.test_client(), "agent")
    assert export(client, f"_l_=en&_flt_2_subject={token}").status_code == 302
    assert jobs.run_exports(app)["exports"] == 2
    with dbs() as s:
        job = s.scalars(select(ExportJob).where(ExportJob.user_id == f.user(s, "agent").id)
                        .order_by(ExportJob.id.desc())).first()
        failed = s.get(ExportJob, broken_id)
        assert (failed.status, failed.file_path) == ("failed", None)
        assert failed.error == "This export failed. Try again, or export a shorter list."
        job_id = job.id
    _, rows = rows_of(workbook(client.get(f"/exports/{job_id}/download")).active)
    assert [r["Tracking number"] for r in rows] == [expected]
    assert client.get(f"/exports/{broken_id}/download").status_code == 404


def test_old_exports_are_removed(app, dbs):
    from app.services import export_jobs
    from app.services.clock import utcnow

    with dbs() as s:
        path = app.config["FILE_STORAGE_PATH"] + "/old-export.xlsx"
        import os

        os.makedirs(app.config["FILE_STORAGE_PATH"], exist_ok=True)
        open(path, "wb").close()
        job = ExportJob(user_id=f.user(s, "agent").id, kind="complaints", params="{}",
                        language="fr", status="done", rows_done=0, file_path=path,
                        finished_at=datetime(2026, 1, 1), created_at=datetime(2026, 1, 1))
        s.add(job)
        s.commit()
        assert export_jobs.remove_expired(s, utcnow(), 3) >= 1
        assert s.get(ExportJob, job.id) is None
        assert not os.path.exists(path)


# --- reports ------------------------------------------------------------------------------

def make_future_register(dbs, month=3):
    """Two agencies' complaints in a month of 2041 nobody else uses."""
    with dbs() as s:
        agent = f.user(s, "agent")
        alpha, bravo = make_agency(s, f.unique("Alpha")), make_agency(s, f.unique("Bravo"))
        mine = f.make_client(s, agency_id=alpha.id, portfolio_owner_id=agent.id)
        other = f.make_client(s, agency_id=bravo.id)
        for client, day in ((mine, 3), (mine, 4), (other, 5)):
            complaint = f.make_complaint(s, client=client, state_code="in_progress",
                                         received_at=datetime(2041, month, day, 9, 0))
            if day == 3:
                service.change_state(s, complaint, f.state(s, "answered"),
                                     now=datetime(2041, month, 5, 9, 0))
        return alpha.label_en, bravo.label_en


def test_report_workbook_of_a_period_by_agency(supervisor_client, dbs):
    alpha, bravo = make_future_register(dbs, 3)
    book = workbook(supervisor_client.get(
        "/reports/export?_l_=en&period=custom&from=2041-03-01&to=2041-03-31&group=agency"))
    sheet = book["Report"]
    header, rows = rows_of(sheet)
    assert header == ["Agency", "Received in the period", "Answered in the period",
                      "Still open", "Answered on time",
                      "On-time rate", "Median processing time (days)",
                      "Mean processing time (days)", "Overdue now",
                      "Satisfaction answers", "Satisfaction rate", "Mean rating"]
    by_agency = {r["Agency"]: r for r in rows}
    assert by_agency[alpha]["Received in the period"] == 2
    assert by_agency[alpha]["Answered in the period"] == 1
    assert by_agency[alpha]["On-time rate"] == 1.0
    assert by_agency[alpha]["Median processing time (days)"] == 2.0
    assert by_agency[bravo]["Received in the period"] == 1 and by_agency[bravo]["Still open"] == 1
    assert by_agency["Total"]["Received in the period"] == 3
    assert sheet.freeze_panes == "A2"
    monthly = workbook(supervisor_client.get(
        "/reports/export?period=custom&from=2041-03-01&to=2041-04-30&group=month"))
    first = monthly.worksheets[0].cell(row=2, column=1)
    assert first.is_date and first.value == datetime(2041, 3, 1)
    assert monthly.worksheets[0].cell(row=4, column=1).value == "Total"


def test_report_page_counts_the_readers_scope_only(app, dbs):
    alpha, bravo = make_future_register(dbs, 4)
    args = "_l_=en&period=custom&from=2041-04-01&to=2041-04-30&group=agency"
    agent_page = login(app.test_client(), "agent").get(f"/reports/?{args}")
    supervisor_page = login(app.test_client(), "supervisor").get(f"/reports/?{args}")
    assert agent_page.status_code == 200 and supervisor_page.status_code == 200
    agent_html, supervisor_html = (p.get_data(as_text=True) for p in (agent_page,
                                                                        supervisor_page))
    assert alpha in agent_html and bravo not in agent_html
    assert alpha in supervisor_html and bravo in supervisor_html
    assert 'id="report-chart"' in agent_html and "nonce=" in agent_html


@pytest.mark.parametrize("args, message", [
    ("group=colour", "Unknown grouping “colour”."),
    ("period=decade", "Unknown period “decade”."),
    ("period=custom&from=2026-12-01&to=2026-11-01",
     "The start of the period must come before its end."),
    ("period=custom&from=31/12/2026&to=x", "Enter the custom period's dates as YYYY-MM-DD."),
    ("period=custom&from=2000-01-01&to=2026-01-01&group=day",
     "This period has too many time buckets: choose a shorter period or a larger unit."),
])
def test_bad_report_parameters_give_a_message(supervisor_client, args, message):
    page = supervisor_client.get(f"/reports/?_l_=en&{args}")
    assert page.status_code == 200
    assert message in page.get_data(as_text=True).replace("&#39;", "'")
    response = supervisor_client.get(f"/reports/export?_l_=en&{args}")
    assert response.status_code == 302
    follow = supervisor_client.get(response.headers["Location"] + "?_l_=en")
    assert message in " ".join(f.messages(follow))


def test_report_messages_are_translated(supervisor_client):
    page = supervisor_client.get("/reports/?_l_=fr&group=colour")
    assert "Regroupement inconnu" in page.get_data(as_text=True)
