"""The bulk writer of the demo loader: one transaction per batch, rows straight to the driver.

Rows are plain dicts with the same keys; their ids are reserved up front (``reserve_ids``)
so that events, notes and reminders point at their complaint without reading it back.
"""

from datetime import date
from operator import itemgetter

from sqlalchemy import Date, DateTime, func, insert, select, text

from app.services import fulltext_schema


class Bulk:
    """One transaction per batch, ids reserved up front, rows written in bulk.

    SQLAlchemy's per-row parameter processing would cost a third of the load, and row by
    row INSERTs keep PostgreSQL busy ten times longer than COPY. So rows (dicts with the
    same keys) go straight to the driver: COPY on PostgreSQL, ``executemany`` of tuples
    on SQLite, with dates written in SQLAlchemy's SQLite format so that they compare and
    read back as usual. Other databases get a plain Core ``executemany``.
    """

    def __init__(self, session):
        self.session = session
        self.dialect = session.get_bind().dialect.name
        # Skipping the per-row foreign-key triggers halves PostgreSQL's work, as
        # ``pg_restore --disable-triggers`` does; only a superuser may. Every id written
        # was read or reserved in this load, so the references hold anyway.
        self.skip_triggers = self.dialect == "postgresql" and session.scalar(
            text("SELECT current_setting('is_superuser')")) == "on"

    def begin(self) -> None:
        """Start a batch; on PostgreSQL, commits need not wait for the disk (demo data)."""
        if self.dialect == "postgresql":
            self.session.execute(text("SET LOCAL synchronous_commit = off"))
            if self.skip_triggers:
                self.session.execute(text("SET LOCAL session_replication_role = replica"))

    def commit(self) -> None:
        self.session.commit()

    def reserve_ids(self, table, count: int) -> int:
        """First of ``count`` consecutive ids nobody else will use for ``table``.

        On SQLite the batch holds the write lock until it commits, so ``max(id) + 1`` is
        safe. On PostgreSQL the range is taken out of the table's sequence.
        """
        session = self.session
        start = session.scalar(select(func.coalesce(func.max(table.c.id), 0))) + 1
        if count and self.dialect == "postgresql":
            sequence = session.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                      {"t": table.name})
            start = session.scalar(text("SELECT greatest(nextval(CAST(:s AS regclass)), :m)"),
                                   {"s": sequence, "m": start})
            session.execute(text("SELECT setval(CAST(:s AS regclass), :v)"),
                            {"s": sequence, "v": start + count - 1})
        return start

    def insert(self, table, rows: list[dict]) -> None:
        """Write ``rows`` (dicts with the same keys) into ``table``."""
        if not rows:
            return
        if self.dialect not in ("sqlite", "postgresql"):
            self.session.execute(insert(table), rows)
            return
        names = list(rows[0])
        connection = self.session.connection()
        quote = connection.dialect.identifier_preparer.quote
        into = f"{quote(table.name)} ({', '.join(quote(name) for name in names)})"
        as_tuple = itemgetter(*names)
        if self.dialect == "postgresql":
            self._copy(connection, into, (as_tuple(row) for row in rows))
        else:
            _format_sqlite_dates(table, names, rows)
            marks = ", ".join("?" * len(names))
            self._insert_sqlite(connection, table, f"INSERT INTO {into} VALUES ({marks})",
                                [as_tuple(row) for row in rows])
        if table.name == "complaint" and (self.dialect == "sqlite" or self.skip_triggers):
            # The full-text index's triggers were off: the batch's documents in one go.
            fulltext_schema.refresh_range(self.session, rows[0]["id"], rows[-1]["id"])

    @staticmethod
    def _copy(connection, into, tuples) -> None:
        # psycopg adapts each value itself, dates included.
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {into} FROM STDIN") as copy:
                for values in tuples:
                    copy.write_row(values)

    @staticmethod
    def _insert_sqlite(connection, table, statement, tuples) -> None:
        if table.name != "complaint":
            connection.exec_driver_sql(statement, tuples)
            return
        with fulltext_schema.insert_trigger_off(connection):
            connection.exec_driver_sql(statement, tuples)


def _format_sqlite_dates(table, names, rows) -> None:
    """Dates as the text SQLAlchemy stores on SQLite: bypassing it must not change them,
    or equality with a bound parameter would no longer match."""
    for name in names:
        kind = table.c[name].type
        if isinstance(kind, DateTime):
            text_of = _sqlite_datetime
        elif isinstance(kind, Date):
            text_of = date.isoformat
        else:
            continue
        for row in rows:
            if row[name] is not None:
                row[name] = text_of(row[name])


def _sqlite_datetime(value) -> str:
    return value.isoformat(" ", "microseconds")  # SQLAlchemy's "%Y-%m-%d %H:%M:%S.%f"
