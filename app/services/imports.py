"""Import clients, contracts or complaints from an .xlsx or .csv file.

``read_table`` reads the file (openpyxl in read-only mode, or a CSV whose encoding and
separator are detected); ``check_import`` is the dry run: it parses every row and says
what would be created, updated or refused, and why, writing nothing; ``run_import``
writes the rows in batches, each batch in one transaction with the run's progress and the
record of each row it wrote (``ImportRow``), so a run stopped halfway is resumed with the
same ``ImportRun`` and never writes a row twice.
"""

import csv
import io
import json
import logging
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.domain import imports as rules
from app.domain.imports import Refused
from app.models import Client, Contract, ImportRow, ImportRun
from app.models.imports import DONE, FAILED, RUNNING
from app.services.clock import utcnow
from app.services.deadlines import DeadlineContext
from app.services.exceptions import ServiceError
from app.services.import_rows import (
    cells,
    custom_field_choices,
    key_of,
    load_lookups,
    parse,
)
from app.services.import_writer import Writer
from app.services.settings import get_setting

logger = logging.getLogger(__name__)

BATCH = 500
PREVIEW_ROWS = 10
MAX_UNPACKED = 500 * 1024 * 1024  # an .xlsx inflating past this is refused (zip bomb)


class ImportFileError(ServiceError):
    """The file cannot be read as a table (the message says why; ``code`` is which)."""

    def __init__(self, code: str):
        from app.services.import_messages import FILE_ERRORS

        super().__init__(FILE_ERRORS[code])
        self.code = code


@dataclass
class Table:
    """A file's header and a way to walk its rows: ``(line number, cells)``."""

    file_name: str
    headers: list
    rows: object  # callable → iterator of (line, list of cells)
    sheets: list = field(default_factory=list)


@dataclass
class Mapping:
    """Column header → field, and the user's choices for unknown reference values
    (``{field: {value in the file: code or label of an item, or None}}``)."""

    columns: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)

    @classmethod
    def from_json(cls, text: str) -> "Mapping":
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("mapping")
        columns, values = data.get("columns", {}), data.get("values", {})
        if not isinstance(columns, dict) or not isinstance(values, dict) or not all(
                isinstance(pairs, dict) for pairs in values.values()):
            raise ValueError("mapping")
        return cls({str(k): str(v or "") for k, v in columns.items()},
                   {str(name): {str(k): (None if v is None else str(v))
                                for k, v in pairs.items()} for name, pairs in values.items()})

    def to_json(self) -> str:
        return json.dumps({"columns": self.columns, "values": self.values},
                          ensure_ascii=False, indent=1)

    def indexes(self, headers) -> dict[int, str]:
        return {i: self.columns[str(h)] for i, h in enumerate(headers)
                if str(h) in self.columns and self.columns[str(h)]}


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    refused: list = field(default_factory=list)  # (line, Refused, cells)
    unknown: dict = field(default_factory=dict)  # field → Counter of values
    preview: list = field(default_factory=list)  # (line, values) of the first rows
    rows: int = 0


def read_table(data: bytes, file_name: str, sheet: str | None = None) -> Table:
    """The table in an .xlsx (``sheet``, else the first) or a .csv file."""
    if file_name.lower().endswith(".xlsx"):
        return _read_xlsx(data, file_name, sheet)
    if file_name.lower().endswith((".csv", ".txt")):
        return _read_csv(data, file_name)
    raise ImportFileError("not_a_table")


def _read_xlsx(data, file_name, sheet):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
                raise ImportFileError("too_large")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError("unreadable") from None
    names = book.sheetnames
    if sheet and sheet not in names:
        raise ImportFileError("no_sheet")
    ws = book[sheet or names[0]]
    first = next(ws.iter_rows(max_row=1, values_only=True), None)
    headers = [("" if h is None else str(h).strip()) for h in (first or ())]

    def rows():
        for line, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
            if any(not rules.is_empty(v) for v in values):
                yield line, list(values)

    return Table(file_name, headers, rows, names)


def _read_csv(data, file_name):
    text = rules.decode_csv(data)
    delimiter = rules.sniff_delimiter(text[:65536])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportFileError("empty") from None

    def rows():
        lines = csv.reader(io.StringIO(text), delimiter=delimiter)
        next(lines)
        for values in lines:
            if any(v.strip() for v in values):
                yield lines.line_num, values

    return Table(file_name, headers, rows)


def check_import(session, kind: str, table: Table, mapping: Mapping) -> Report:
    """The dry run: what the import would create, update and refuse. Writes nothing."""
    look = load_lookups(session, kind, mapping.values)
    columns = mapping.indexes(table.headers)
    report, seen = Report(), {}
    existing = _existing_keys(session, kind)
    refs = {f.name for f in rules.fields_of(kind) if f.type == rules.REF}
    for line, values in table.rows():
        report.rows += 1
        raw = cells(values, columns)
        try:
            parsed = _parse_once(kind, raw, look, line, seen)
        except Refused as refusal:
            report.refused.append((line, refusal, values))
            if refusal.code == rules.UNKNOWN_VALUE:
                report.unknown.setdefault(refusal.field, Counter())[refusal.value] += 1
            continue
        if kind != rules.COMPLAINTS and key_of(kind, parsed) in existing:
            report.updated += 1
        else:
            report.created += 1
        if len(report.preview) < PREVIEW_ROWS:  # references as the file names them
            report.preview.append((line, {**parsed, **{n: raw[n] for n in raw
                                                       if n in refs}}))
    return report


def _parse_once(kind, raw, look, line, seen):
    parsed = parse(kind, raw, look)
    key = key_of(kind, parsed)
    if key is not None:
        if key in seen:
            raise Refused(rules.DUPLICATE, "", seen[key])
        seen[key] = line
    return parsed


def _existing_keys(session, kind) -> set:
    if kind == rules.CLIENTS:
        return set(session.scalars(select(Client.customer_number)))
    if kind == rules.CONTRACTS:
        return set(session.scalars(select(Contract.number)))
    return set()


def start_import(session, kind: str, file_name: str, mapping: Mapping, user_id=None,
                 total=None) -> ImportRun:
    """Record a new run and commit: its id is what a resumed run is given."""
    rules.fields_of(kind)
    run = ImportRun(kind=kind, file_name=file_name[:255], mapping=mapping.to_json(),
                    user_id=user_id, total_rows=total, status=RUNNING, created_at=utcnow())
    session.add(run)
    session.commit()
    return run


def run_import(session, run: ImportRun, table: Table, batch_size: int = BATCH, now=None,
               progress=None) -> Report:
    """Write the rows ``run`` has not written yet, a batch per transaction; commit.

    A refused row is reported and skipped; a batch the database refuses is rolled back
    whole, the run marked failed with the lines concerned, and the run stops (resume it
    once fixed). ``progress(rows_done, total)`` is called after each batch."""
    now = now or utcnow()
    mapping = Mapping.from_json(run.mapping)
    look = load_lookups(session, run.kind, mapping.values)
    columns = mapping.indexes(table.headers)
    done = set(session.scalars(select(ImportRow.row_number)
                               .where(ImportRow.import_id == run.id)))
    writer = Writer(session, run.kind, look, run.file_name,
                    get_setting(session, "tracking_prefix"), DeadlineContext.load(session), now)
    report, seen, batch = Report(), {}, []
    run.refused = 0
    for line, values in table.rows():
        report.rows += 1
        try:
            parsed = _parse_once(run.kind, cells(values, columns), look, line, seen)
        except Refused as refusal:
            report.refused.append((line, refusal, values))
            continue
        if line not in done:
            batch.append((line, parsed))
        if len(batch) >= batch_size and not _write_batch(session, run, writer, batch, report):
            return report
        if len(batch) >= batch_size:
            batch = _after_batch(run, report, progress)
    if batch and not _write_batch(session, run, writer, batch, report):
        return report
    run.refused, run.rows_done = len(report.refused), report.rows
    run.status, run.finished_at, run.error = DONE, utcnow(), None
    session.commit()
    if progress:
        progress(report.rows, run.total_rows)
    return report


def _after_batch(run, report, progress):
    if progress:
        progress(run.rows_done, run.total_rows)
    return []


def _write_batch(session, run, writer, batch, report) -> bool:
    """One transaction: the rows, their ImportRow records and the run's counts."""
    try:
        for line, record_id, created in writer.write_batch(batch):
            session.add(ImportRow(import_id=run.id, row_number=line, record_id=record_id,
                                  created=int(created)))
            report.created += created
            report.updated += not created
            run.created += created
            run.updated += not created
        run.rows_done = report.rows
        session.commit()
        return True
    except SQLAlchemyError as error:
        session.rollback()
        logger.warning("import %s: batch of lines %s-%s refused: %s", run.id, batch[0][0],
                       batch[-1][0], error)
        run = session.get(ImportRun, run.id)
        run.status, run.finished_at = FAILED, utcnow()
        run.error = f"{batch[0][0]}-{batch[-1][0]}: {type(error).__name__}"
        session.commit()
        return False


def guess(session, kind: str, headers) -> Mapping:
    """The mapping guessed from the headers (French or English, custom fields too)."""
    custom = custom_field_choices(session) if kind == rules.COMPLAINTS else ()
    guessed = rules.guess_mapping(headers, kind, custom)
    return Mapping({str(headers[i]): name for i, name in guessed.items()}, {})


def refused_workbook(headers, refused, describe, motif: str) -> bytes:
    """The refused rows as an .xlsx, the file's columns then ``motif`` (the reason, in
    the reader's words: ``describe(refusal)``), to fix and import again."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet()
    for col, header in enumerate([*headers, motif]):
        sheet.write_string(0, col, str(header))
    date_format = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for row, (_line, refusal, values) in enumerate(refused, start=1):
        for col, value in enumerate(list(values)[:len(headers)]):
            _write_cell(sheet, row, col, value, date_format)
        sheet.write_string(row, len(headers), describe(refusal))
    book.close()
    return out.getvalue()


def _write_cell(sheet, row, col, value, date_format):
    if value is None:
        return
    if hasattr(value, "year"):
        sheet.write_datetime(row, col, value, date_format)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(value))  # never a formula: user text
