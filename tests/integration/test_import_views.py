"""Configuration → Import: upload, mapping, dry run, refused rows, import; in French and
English; admins only."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.models import Complaint, Event
from tests import factories as f
from tests.integration.test_imports import xlsx_bytes

HEADERS = ["Date de réception", "Objet", "Catégorie", "État", "Date de clôture"]


def upload(client, data, name, kind="complaints", lang="fr"):
    return client.post(f"/config/import/?_l_={lang}", data={
        "kind": kind, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def form_of(page: str) -> dict:
    """The mapping form's selected values, as the browser would post them."""
    data = {}
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        data[name] = chosen.group(1) if chosen else ""
    data.update(dict(re.findall(r'<input type="hidden" name="((?:value|choice)-[^"]+)" '
                                r'value="([^"]*)"', page)))
    return data


@pytest.mark.parametrize("lang, words", [
    ("fr", ("Ligne", "valeur inconnue", "Motif", "à créer")),
    ("en", ("Line", "unknown value", "Reason", "to create")),
])
def test_an_admin_imports_complaints_through_the_pages(app, admin_client, dbs, lang, words):
    subject = f.unique("Vue import ")
    rows = [HEADERS] + [[f"0{d}/06/2034 10:00", f"{subject} {d}", "Facturation", "Clôturé",
                         f"1{d}/06/2034 10:00"] for d in range(1, 6)]
    rows.append(["07/06/2034", f"{subject} 6", "Plomberie", "", ""])
    rows.append(["pas une date", f"{subject} 7", "", "", ""])
    response = upload(admin_client, xlsx_bytes(rows), "historique.xlsx", lang=lang)
    assert response.status_code == 302
    page = admin_client.get(f"/config/import/mapping?_l_={lang}").get_data(as_text=True)
    assert 'value="received_at" selected' in page
    form = form_of(page)
    assert form["col-2"] == "category" and form["col-4"] == "closed_at"
    checked = admin_client.post(f"/config/import/check?_l_={lang}", data=form)
    page = checked.get_data(as_text=True)
    assert checked.status_code == 200
    for word in words[:2]:
        assert word in page
    assert "Plomberie" in page and words[3] in page
    with dbs() as s:  # the dry run wrote nothing
        assert s.scalar(select(func.count()).select_from(Complaint).where(
            Complaint.subject.like(subject + "%"))) == 0
    # The unknown category mapped to an existing item; the bad date stays refused.
    form = form_of(page)
    name = next(k for k in form if k.startswith("choice-category-"))
    form[name] = "technical"
    page = admin_client.post(f"/config/import/check?_l_={lang}", data=form).get_data(
        as_text=True)
    assert words[1] not in page and 'id="import-unknown"' not in page
    refused = admin_client.get(f"/config/import/refused?_l_={lang}")
    book = load_workbook(io.BytesIO(refused.data)).active
    values = list(book.iter_rows(values_only=True))
    assert values[0][-1] == words[2] and len(values) == 2 and values[1][0] == "pas une date"
    done = admin_client.post(f"/config/import/run?_l_={lang}", follow_redirects=True)
    assert done.status_code == 200
    with dbs() as s:
        made = s.scalars(select(Complaint).where(Complaint.subject.like(subject + "%"))).all()
        assert len(made) == 6
        assert {c.state.code for c in made} == {"closed", "new"}
        event = s.scalars(select(Event).where(Event.complaint_id == made[0].id)).one()
        assert event.new_value == "historique.xlsx"
        pk = made[0].id
    history = admin_client.get(f"/complaints/show/{pk}?_l_={lang}").get_data(as_text=True)
    assert ("Importée (fichier historique.xlsx, ligne" if lang == "fr"
            else "Imported (file historique.xlsx, line") in history
    assert "historique.xlsx" in admin_client.get(f"/config/import/?_l_={lang}").get_data(
        as_text=True)


def test_bad_uploads_get_a_message_and_agents_are_kept_out(admin_client, agent_client):
    response = upload(admin_client, b"not a workbook", "x.xlsx", lang="en")
    assert response.status_code == 302
    page = admin_client.get("/config/import/?_l_=en").get_data(as_text=True)
    assert "cannot be read as an Excel workbook" in page
    upload(admin_client, b"%PDF", "x.pdf", lang="en")
    assert "Choose an .xlsx or .csv file." in admin_client.get(
        "/config/import/?_l_=en").get_data(as_text=True)
    assert agent_client.get("/config/import/").status_code == 403
    assert upload(agent_client, b"a;b\n1;2\n", "x.csv").status_code == 403


def test_a_large_file_is_imported_in_the_background_with_its_progress(
        app, admin_client, dbs, monkeypatch):
    from datetime import datetime
    from pathlib import Path

    from app.jobs import run_imports
    from app.models import ImportRun

    monkeypatch.setitem(app.config, "IMPORT_WEB_SYNC_ROWS", 3)
    subject = f.unique("Fond ")
    rows = [HEADERS] + [[f"{d:02d}/07/2035 10:00", f"{subject} {d}", "Facturation", "", ""]
                        for d in range(1, 11)]
    upload(admin_client, xlsx_bytes(rows), "gros.xlsx", lang="en")
    form = form_of(admin_client.get("/config/import/mapping").get_data(as_text=True))
    admin_client.post("/config/import/check", data=form)
    admin_client.post("/config/import/run?_l_=en")
    page = admin_client.get("/config/import/?_l_=en").get_data(as_text=True)
    assert "Waiting" in page and 'http-equiv="refresh"' in page
    with dbs() as s:
        run = s.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()
        assert (run.status, run.total_rows, run.file_name) == ("pending", 10, "gros.xlsx")
        run_id, path = run.id, run.file_path
    assert run_imports(app) == {"imports": 1}
    with dbs() as s:
        run = s.get(ImportRun, run_id)
        assert (run.status, run.created, run.rows_done, run.progress_pct) == ("done", 10, 10,
                                                                              100)
        # A runner that died mid-way: its lease expires, the run is taken over and
        # resumed without writing a row twice.
        run.status, run.started_at = "running", datetime(2000, 1, 1)
        run.file_path = path + ".again"
        s.commit()
    Path(path + ".again").write_bytes(xlsx_bytes(rows))
    assert run_imports(app) == {"imports": 1}
    with dbs() as s:
        assert s.scalar(select(func.count()).select_from(Complaint).where(
            Complaint.subject.like(subject + "%"))) == 10
        assert s.get(ImportRun, run_id).status == "done"
