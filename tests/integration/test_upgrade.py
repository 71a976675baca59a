"""An instance made by the first release upgrades to this one: a database at the first
migration's schema, with rows written by plain SQL as that release wrote them, goes through
every migration with the release step (``flask --app run setup``); the rows are intact and
the release step recounted the monthly and daily counts. SQLite, and PostgreSQL with
TEST_DATABASE_URL."""

from datetime import datetime

from flask_migrate import upgrade
from sqlalchemy import text

from app.extensions import db
from app.services import fulltext
from app.services.setup import current_revision
from config import ROOT

N_COMPLAINTS = 12
REFERENCE = "INSERT INTO {table} (id, position, active, code, label_fr, label_en) " \
            "VALUES (1, 10, :t, 'x', 'X', 'X')"


def write_first_release_data(conn):
    """Rows of every main table, at revision 0001's schema, in plain SQL."""
    true = {"t": True}
    for table in ("category", "complexity", "channel", "request_type", "severity"):
        conn.execute(text(REFERENCE.format(table=table)), true)
    conn.execute(text(
        "INSERT INTO state (id, position, active, code, label_fr, label_en, is_open, "
        "pauses_clock, is_final, notify_complainant, marks_answered, is_initial) VALUES "
        "(1, 10, :t, 'new', 'Nouvelle', 'New', :t, :f, :f, :f, :f, :t)"),
        {"t": True, "f": False})
    conn.execute(text(
        "INSERT INTO client (id, customer_number, name, kind, email, created_at) VALUES "
        "(1, 'C-001', 'Société Dupont', 'company', 'contact@dupont.example', :now)"),
        {"now": datetime(2025, 1, 2, 9, 0)})
    for n in range(1, N_COMPLAINTS + 1):
        at = datetime(2025, 1 + n % 3, 1 + n, 10, 30)
        conn.execute(text(
            "INSERT INTO complaint (id, tracking_number, client_id, complainant_name, "
            "received_at, subject, description, category_id, complexity_id, state_id, "
            "confidential, satisfaction, paused_seconds, language, created_at, updated_at) "
            "VALUES (:id, :number, 1, 'Jeanne Martin', :at, :subject, 'Colis abîmé', 1, 1, "
            "1, :f, 'unknown', 0, 'fr', :at, :at)"),
            {"id": n, "number": f"REC-2025-{n:06d}", "at": at,
             "subject": f"Livraison en retard n°{n}", "f": False})
        conn.execute(text(
            "INSERT INTO event (id, complaint_id, created_at, actor_kind, kind) "
            "VALUES (:id, :id, :at, 'user', 'created')"), {"id": n, "at": at})
        conn.execute(text(
            "INSERT INTO note (id, complaint_id, body, created_at) "
            "VALUES (:id, :id, 'Rappeler le client', :at)"), {"id": n, "at": at})
    if conn.dialect.name == "postgresql":  # ids written by hand: move the sequences on
        for table in ("complaint", "event", "note", "client", "state", "category",
                      "complexity", "channel", "request_type", "severity"):
            conn.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))


def rows(conn):
    return {
        "complaints": conn.execute(text(
            "SELECT id, tracking_number, subject, received_at, state_id FROM complaint "
            "ORDER BY id")).all(),
        "events": conn.execute(text("SELECT id, complaint_id, kind FROM event "
                                    "WHERE kind = 'created' ORDER BY id")).all(),
        "notes": conn.execute(text("SELECT id, complaint_id, body FROM note ORDER BY id")).all(),
        "client": conn.execute(text("SELECT id, name, email FROM client")).all(),
    }


def current_revision_of(app):
    with app.app_context():
        return current_revision(db.engine)


def test_the_first_release_upgrades_with_its_data(instance):
    old = instance("upgrade")
    with old.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="0001")
        assert current_revision(db.engine) == "0001"
        with db.engine.begin() as conn:
            write_first_release_data(conn)
            before = rows(conn)

    result = old.test_cli_runner().invoke(args=["setup", "--no-admin"],
                                          catch_exceptions=False)
    assert result.exit_code == 0, result.output
    migrated = next(line for line in result.output.splitlines()
                    if line.startswith("Migrated: "))
    head = current_revision_of(old)
    assert migrated == "Migrated: " + ", ".join(
        f"{n:04d}" for n in range(2, int(head) + 1)) + "."
    assert "Recounted: monthly and daily complaint counts." in result.output

    with old.app_context():
        with db.engine.connect() as conn:
            assert rows(conn) == before
            month = conn.execute(text("SELECT sum(received) FROM complaint_month_stat"))
            day = conn.execute(text("SELECT sum(received) FROM complaint_day_stat"))
            assert month.scalar() == day.scalar() == N_COMPLAINTS
        # the full-text index was built from the old rows
        assert fulltext.count_matches(db.session, "retard", limit=100) == N_COMPLAINTS
        assert [c.name for c in fulltext.matching_clients(db.session, "dupont")] == [
            "Société Dupont"]
        db.session.remove()

    again = old.test_cli_runner().invoke(args=["setup", "--no-admin"])
    assert "Schema up to date: nothing to migrate." in again.output
    assert "Counts up to date: nothing to recount." in again.output
