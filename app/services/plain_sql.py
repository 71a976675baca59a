"""A SELECT turned into plain data (driver SQL, parameters, column types) and run again
in another process that has neither the models nor the application.

The background export worker (app/export_worker.py) stays lean by receiving the export's
statement this way: the scheduler builds it with the list's filters and the reader's
visibility, compiles it here for the database's dialect, and the worker only executes it.
Parameters are converted exactly as SQLAlchemy converts them when it executes a statement
(bind processors, expanded IN lists), and result columns are converted back with the same
types (SQLite returns dates as text), so the worker reads the rows the ORM would read.

Imports SQLAlchemy only: the worker imports this module.
"""

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import types

# Result types the worker converts (the others come from the driver ready to use).
RESULT_TYPES = {"datetime": types.DateTime, "date": types.Date, "time": types.Time,
                "boolean": types.Boolean}
_AFFINITY = {types.DateTime: "datetime", types.Date: "date", types.Time: "time",
             types.Boolean: "boolean"}
_TAGGED = {"$datetime": datetime.fromisoformat, "$date": date.fromisoformat,
           "$time": time.fromisoformat, "$decimal": Decimal}


def compile_select(stmt, dialect) -> dict:
    """``{"sql", "params", "types"}`` of ``stmt`` for ``dialect``, JSON-serialisable."""
    compiled = stmt.compile(dialect=dialect)
    params = compiled.construct_params(escape_names=False)
    processors, sql = dict(compiled._bind_processors), compiled.string
    positions = compiled.positiontup
    if compiled.literal_execute_params or compiled.post_compile_params:
        # IN lists: expanded into one parameter each, as the execution context does.
        expanded = compiled._process_parameters_for_postcompile(params)
        sql, positions = expanded.statement, expanded.positiontup
        processors.update(expanded.processors)

    def value(key):
        raw = params[key]
        return processors[key](raw) if key in processors else raw

    if compiled.positional:
        driver_params = [_encode(value(key)) for key in positions]
    else:
        escaped = compiled.escaped_bind_names or {}
        driver_params = {escaped.get(key, key): _encode(value(key)) for key in params}
    column_types = [_AFFINITY.get(column.type._type_affinity)
                    for column in stmt.selected_columns]
    return {"sql": sql, "params": driver_params, "types": column_types}


def count(connection, plain: dict) -> int:
    """How many rows a ``compile_select`` result returns."""
    raw = plain["params"]
    if isinstance(raw, list):
        params = connection.dialect.execute_sequence_format([_decode(v) for v in raw])
    else:
        params = {key: _decode(value) for key, value in raw.items()}
    sql = f"SELECT count(*) FROM ({plain['sql']}) AS counted"
    return connection.exec_driver_sql(sql, params).scalar()


def execute(connection, plain: dict):
    """Run a ``compile_select`` result on ``connection``; yields rows (sequences) of the
    Python values the ORM would have returned."""
    dialect, raw = connection.dialect, plain["params"]
    if isinstance(raw, list):  # positional (SQLite's "?")
        params = dialect.execute_sequence_format([_decode(value) for value in raw])
    else:
        params = {key: _decode(value) for key, value in raw.items()}
    converters = [(index, RESULT_TYPES[kind]().dialect_impl(dialect).result_processor(
        dialect, None)) for index, kind in enumerate(plain["types"]) if kind]
    converters = [(index, convert) for index, convert in converters if convert is not None]
    result = connection.exec_driver_sql(plain["sql"], params)
    if not converters:  # PostgreSQL: psycopg returns dates and booleans as such
        yield from result
        return
    for row in result:
        row = list(row)
        for index, convert in converters:
            if row[index] is not None:
                row[index] = convert(row[index])
        yield row


def _encode(value):
    """A driver parameter as JSON: the types JSON lacks are tagged."""
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot hand over a parameter of type {type(value).__name__}")


def _decode(value):
    if isinstance(value, dict) and len(value) == 1:
        (tag, text), = value.items()
        return _TAGGED[tag](text)
    return value
