"""The full-text index of complaints: its tables and the triggers that keep it in sync.

One document per complaint: subject; complainant name, email and tracking number; client
name, customer number and email; description; the messages of its thread; and, apart
from the texts, the words of its state, category, team… (``domain.fulltext.FACETS``).
SQLite keeps it in an FTS5 table (``complaint_fts``, rowid = complaint id), PostgreSQL in
``complaint_search`` (a weighted ``tsvector`` per complaint, GIN-indexed, accents folded by
``search_fold``).

Database triggers rewrite a complaint's document in the same transaction as any write to
the complaint, its client or its messages, whatever writes them: UI, API, portal, email
intake, jobs, and later features (anonymisation, merges) without their knowing. Only the
demo loader's PostgreSQL path, which switches triggers off for speed, refreshes its own
rows (``refresh_range``).

The migration (0013) installs all this; ``migrations/env.py`` re-installs the triggers
after every upgrade, because SQLite drops a table's triggers when a batch migration
rebuilds that table.
"""

import logging
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.domain.fulltext import FACET_COLUMNS, FACETS, FOLDED_FROM, FOLDED_TO

logger = logging.getLogger(__name__)

# Tables of the index, which the models do not describe (Alembic must leave them alone).
SQLITE_TABLE = "complaint_fts"
POSTGRESQL_TABLE = "complaint_search"
CLIENT_TABLE = "client_fts"  # SQLite; PostgreSQL indexes an expression of client
CLIENT_INDEX = "ix_client_search"


def is_index_table(name: str) -> bool:
    """True for the index's tables and index, FTS5's shadow tables included."""
    return name in (POSTGRESQL_TABLE, CLIENT_INDEX) or any(
        name == table or name.startswith(table + "_") for table in (SQLITE_TABLE, CLIENT_TABLE))


# --- SQLite ---------------------------------------------------------------------------

# Each relation of FACETS as its word, "st3 ca12 … cf0" (on PostgreSQL "#st3", …).
_SQLITE_FACETS = " || ' ' || ".join(
    f"'{word}' || coalesce(c.{FACET_COLUMNS[relation]}, 0)" for relation, word in FACETS.items())
_FACET_TRIGGER_COLUMNS = ", ".join(  # client_id rewrites the document anyway
    column for column in FACET_COLUMNS.values() if column != "client_id")

# (concat_ws only arrived in SQLite 3.44.)
_SQLITE_DOCUMENT = """
INSERT INTO complaint_fts (rowid, subject, people, client, description, messages, facets)
SELECT c.id, c.subject,
       coalesce(c.complainant_name, '') || ' ' || coalesce(c.complainant_email, '')
         || ' ' || c.tracking_number,
       coalesce(cl.name, '') || ' ' || coalesce(cl.customer_number, '') || ' '
         || coalesce(cl.email, ''),
       c.description,
       (SELECT group_concat(m.body, ' ') FROM message m WHERE m.complaint_id = c.id),
       """ + _SQLITE_FACETS.replace("{", "{{").replace("}", "}}") + """
FROM complaint c LEFT JOIN client cl ON cl.id = c.client_id
WHERE {where};"""
# The texts' columns, where typed words are looked for (never in the facets).
SQLITE_TEXT_COLUMNS = "{subject people client description messages}"


def _sqlite_refresh(where: str, rowids: str) -> str:
    return f"DELETE FROM complaint_fts WHERE rowid IN ({rowids});" + _SQLITE_DOCUMENT.format(
        where=where)


_SQLITE_TRIGGERS = {
    "complaint_fts_insert": ("AFTER INSERT ON complaint",
                             _SQLITE_DOCUMENT.format(where="c.id = new.id")),
    "complaint_fts_update": (
        "AFTER UPDATE OF subject, description, complainant_name, complainant_email, "
        f"tracking_number, client_id, {_FACET_TRIGGER_COLUMNS} ON complaint",
        _sqlite_refresh("c.id = new.id", "old.id, new.id")),
    "complaint_fts_delete": ("AFTER DELETE ON complaint",
                             "DELETE FROM complaint_fts WHERE rowid = old.id;"),
    "complaint_fts_client": (
        "AFTER UPDATE OF name, customer_number, email ON client",
        _sqlite_refresh("c.client_id = new.id",
                        "SELECT id FROM complaint WHERE client_id = new.id")),
    "complaint_fts_message_insert": (
        "AFTER INSERT ON message",
        _sqlite_refresh("c.id = new.complaint_id", "new.complaint_id")),
    "complaint_fts_message_update": (
        "AFTER UPDATE OF body, complaint_id ON message",
        _sqlite_refresh("c.id IN (old.complaint_id, new.complaint_id)",
                        "old.complaint_id, new.complaint_id")),
    "complaint_fts_message_delete": (
        "AFTER DELETE ON message",
        _sqlite_refresh("c.id = old.complaint_id", "old.complaint_id")),
}

# The quick search's clients: FTS5 reads the words from the client table itself.
_CLIENT_COLUMNS = "name, customer_number, email"
_CLIENT_OLD = ("INSERT INTO client_fts (client_fts, rowid, name, customer_number, email) "
               "VALUES ('delete', old.id, old.name, old.customer_number, old.email);")
_CLIENT_NEW = ("INSERT INTO client_fts (rowid, name, customer_number, email) "
               "VALUES (new.id, new.name, new.customer_number, new.email);")
_SQLITE_TRIGGERS.update({
    "client_fts_insert": ("AFTER INSERT ON client", _CLIENT_NEW),
    "client_fts_delete": ("AFTER DELETE ON client", _CLIENT_OLD),
    "client_fts_update": (f"AFTER UPDATE OF {_CLIENT_COLUMNS} ON client",
                          _CLIENT_OLD + _CLIENT_NEW),
})


def _install_sqlite(connection, build: bool) -> None:
    if build:
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS complaint_fts USING fts5("
            "subject, people, client, description, messages, facets, "
            "tokenize = 'unicode61 remove_diacritics 2')")
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS client_fts USING fts5({_CLIENT_COLUMNS}, "
            "content = 'client', content_rowid = 'id', "
            "tokenize = 'unicode61 remove_diacritics 2')")
        connection.exec_driver_sql("INSERT INTO client_fts (client_fts) VALUES ('rebuild')")
    for name, (event, body) in _SQLITE_TRIGGERS.items():
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql(
            f"CREATE TRIGGER {name} {event} BEGIN {body} END")
    if build:
        connection.exec_driver_sql("DELETE FROM complaint_fts")
        connection.exec_driver_sql(_SQLITE_DOCUMENT.format(where="1 = 1"))


# --- PostgreSQL -----------------------------------------------------------------------

def _pg_fold_function(unaccent: bool) -> str:
    """``search_fold``: accents off. ``unaccent`` (a contrib extension, written in C) is 12
    times faster than ``translate()`` over the folding table, which stands in for it where
    the extension cannot be created."""
    if unaccent:
        body = "SELECT public.unaccent('public.unaccent'::regdictionary, coalesce(value, ''))"
    else:
        body = (f"SELECT translate(coalesce(value, ''), '{FOLDED_FROM}', "
                f"'{FOLDED_TO}')")
    return ("CREATE OR REPLACE FUNCTION search_fold(value text) RETURNS text "
            f"LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ {body} $$")


def _pg_has_unaccent(connection) -> bool:
    """True when ``unaccent`` is there or could be created (it needs the right to)."""
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
        return True
    except DBAPIError:
        logger.warning("no unaccent extension: the full-text index folds with translate()")
        return False


# Weights: subject A, people and client B, description C, messages D (ts_rank's order).
# Names and emails become plain words ("jean.dupont@example.org": jean, dupont, …), as
# the query splits them; the parser already splits the texts' words on punctuation.
_PG_FACETS = ", ".join(  # the flag is a boolean there: as an integer
    f"'#{word}' || coalesce(CAST(c.{FACET_COLUMNS[relation]} AS integer), 0)"
    for relation, word in FACETS.items())
_PG_REFRESH = """
CREATE OR REPLACE FUNCTION complaint_search_refresh(ids integer[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO complaint_search (complaint_id, document)
  SELECT c.id,
    setweight(to_tsvector('simple', search_fold(c.subject)), 'A') ||
    setweight(to_tsvector('simple', regexp_replace(search_fold(concat_ws(' ',
      c.complainant_name, c.complainant_email, c.tracking_number, cl.name, cl.customer_number,
      cl.email)), '[^[:alnum:]]+', ' ', 'g')), 'B') ||
    setweight(to_tsvector('simple', search_fold(c.description)), 'C') ||
    setweight(to_tsvector('simple', search_fold((SELECT string_agg(m.body, ' ' ORDER BY m.id)
      FROM message m WHERE m.complaint_id = c.id))), 'D') ||
    array_to_tsvector(ARRAY[""" + _PG_FACETS + """])
  FROM complaint c LEFT JOIN client cl ON cl.id = c.client_id
  WHERE c.id = ANY(ids)
  ON CONFLICT (complaint_id) DO UPDATE SET document = EXCLUDED.document
$$"""

# Clients need no table: a GIN index on this (immutable) expression of their columns.
# search_fold is named with its schema: pg_restore builds the index with an empty
# search_path, where an unqualified name is not found (the restore would fail).
_PG_CLIENT_DOCUMENT = """
CREATE OR REPLACE FUNCTION client_search_document(name text, number text, email text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_tsvector('simple', regexp_replace(public.search_fold(coalesce(name, '') || ' ' ||
    coalesce(number, '') || ' ' || coalesce(email, '')), '[^[:alnum:]]+', ' ', 'g'))
$$"""

_PG_TRIGGER_FUNCTIONS = {
    "complaint_search_on_complaint": "PERFORM complaint_search_refresh(ARRAY[NEW.id]);",
    "complaint_search_on_client": "PERFORM complaint_search_refresh(ARRAY("
                                  "SELECT id FROM complaint WHERE client_id = NEW.id));",
    "complaint_search_on_message": """
    IF TG_OP <> 'INSERT' THEN PERFORM complaint_search_refresh(ARRAY[OLD.complaint_id]); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM complaint_search_refresh(ARRAY[NEW.complaint_id]); END IF;""",
}

_PG_TRIGGERS = {
    "complaint_search_complaint": (
        "AFTER INSERT OR UPDATE OF subject, description, complainant_name, complainant_email, "
        f"tracking_number, client_id, {_FACET_TRIGGER_COLUMNS} ON complaint",
        "complaint_search_on_complaint"),
    "complaint_search_client": (
        "AFTER UPDATE OF name, customer_number, email ON client", "complaint_search_on_client"),
    "complaint_search_message": (
        "AFTER INSERT OR DELETE OR UPDATE OF body, complaint_id ON message",
        "complaint_search_on_message"),
}


def _install_postgresql(connection, build: bool) -> None:
    if build:
        connection.exec_driver_sql(
            "CREATE TABLE IF NOT EXISTS complaint_search ("
            "complaint_id integer PRIMARY KEY REFERENCES complaint (id) ON DELETE CASCADE, "
            "document tsvector NOT NULL)")
    connection.exec_driver_sql(_pg_fold_function(_pg_has_unaccent(connection)))
    connection.exec_driver_sql(_PG_REFRESH)
    connection.exec_driver_sql(_PG_CLIENT_DOCUMENT)
    for name, body in _PG_TRIGGER_FUNCTIONS.items():
        connection.exec_driver_sql(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$")
    for name, (event, function) in _PG_TRIGGERS.items():
        table = event.rsplit(" ", 1)[1]
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        connection.exec_driver_sql(
            f"CREATE TRIGGER {name} {event} FOR EACH ROW EXECUTE FUNCTION {function}()")
    if build:
        connection.exec_driver_sql("TRUNCATE complaint_search")
        connection.exec_driver_sql(
            "SELECT complaint_search_refresh(ARRAY(SELECT id FROM complaint))")
        connection.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_complaint_search_document "
            "ON complaint_search USING gin (document)")
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {CLIENT_INDEX} ON client USING gin "
            "(client_search_document(name, customer_number, email))")
        connection.exec_driver_sql("ANALYZE complaint_search")
        connection.exec_driver_sql("ANALYZE client")


# --- Entry points ---------------------------------------------------------------------

def install(connection, build: bool = True) -> None:
    """Create the index and its triggers; ``build`` also (re)fills it from every complaint."""
    if connection.dialect.name == "postgresql":
        _install_postgresql(connection, build)
    elif connection.dialect.name == "sqlite":
        _install_sqlite(connection, build)


def reinstall_triggers(connection) -> None:
    """The triggers again, when the index exists (a batch migration may have dropped them)."""
    table = POSTGRESQL_TABLE if connection.dialect.name == "postgresql" else SQLITE_TABLE
    if connection.dialect.has_table(connection, table):
        install(connection, build=False)


def qualify_client_document(connection) -> None:
    """The client index's function again, with its schema-qualified body (restorable)."""
    if connection.dialect.name == "postgresql" and connection.exec_driver_sql(
            "SELECT to_regproc('public.client_search_document')").scalar() is not None:
        connection.exec_driver_sql(_PG_CLIENT_DOCUMENT)


def uninstall(connection) -> None:
    if connection.dialect.name == "postgresql":
        for name, (event, _) in _PG_TRIGGERS.items():
            table = event.rsplit(" ", 1)[1]
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        connection.exec_driver_sql("DROP TABLE IF EXISTS complaint_search")
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {CLIENT_INDEX}")
        for name in [*_PG_TRIGGER_FUNCTIONS, "complaint_search_refresh",
                     "client_search_document"]:
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name} CASCADE")
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS search_fold(text)")
    elif connection.dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql("DROP TABLE IF EXISTS complaint_fts")
        connection.exec_driver_sql("DROP TABLE IF EXISTS client_fts")


def refresh_range(session, first_id: int, last_id: int) -> None:
    """Rewrite the documents of complaints ``first_id``–``last_id``, for bulk writes that
    ran with the triggers off (see ``insert_trigger_off``)."""
    bounds = {"first": first_id, "last": last_id}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(
            "SELECT complaint_search_refresh(ARRAY(SELECT id FROM complaint "
            "WHERE id BETWEEN :first AND :last))"), bounds)
    else:
        session.execute(text(
            "DELETE FROM complaint_fts WHERE rowid BETWEEN :first AND :last"), bounds)
        session.execute(text(_SQLITE_DOCUMENT.format(
            where="c.id BETWEEN :first AND :last")), bounds)


@contextmanager
def insert_trigger_off(connection):
    """SQLite: complaints inserted in bulk without the per-row trigger, which costs eight
    times what one ``INSERT … SELECT`` of the batch's documents costs (``refresh_range``).
    DDL is transactional there and the batch holds the write lock, so no other writer can
    slip a complaint in while the trigger is away; readers never see it missing."""
    name = "complaint_fts_insert"
    event, body = _SQLITE_TRIGGERS[name]
    connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    yield
    connection.exec_driver_sql(f"CREATE TRIGGER {name} {event} BEGIN {body} END")
