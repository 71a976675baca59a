"""Back up and restore an instance: one tar archive with a consistent copy of the database,
every stored file, and a manifest (app/domain/backup.py).

SQLite is copied with its online backup API (the application keeps writing meanwhile);
PostgreSQL with ``pg_dump -Fc`` in a snapshot exported by a transaction that also counts
the rows, so the counts are those of the dump. A backup restores on the same database kind.
"""

import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, text

from app.domain import backup as rules
from app.services.exceptions import ServiceError

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024


class BackupError(ServiceError):
    pass


class ToolMissing(BackupError):
    def __init__(self, tool):
        super().__init__(_l("%(tool)s is not installed (on Debian: apt-get install "
                            "postgresql-client); a PostgreSQL backup needs it."), tool=tool)


class ToolFailed(BackupError):
    def __init__(self, tool, detail):
        super().__init__(_l("%(tool)s failed: %(detail)s"), tool=tool, detail=detail)


class ToolTooOld(BackupError):
    def __init__(self, tool, tool_version, server_version):
        super().__init__(_l("%(tool)s %(tool_version)s is older than the PostgreSQL server "
                            "(%(server_version)s): install the client of version "
                            "%(server_version)s or later."), tool=tool,
                         tool_version=tool_version, server_version=server_version)


class CorruptArchive(BackupError):
    def __init__(self, names):
        super().__init__(_l("The archive is damaged, these files do not match their "
                            "SHA-256 in the manifest: %(names)s. Nothing was restored."),
                         names=", ".join(names))


class UnreadableArchive(BackupError):
    def __init__(self, detail):
        super().__init__(_l("This file is not a readable backup archive (%(detail)s). "
                            "Nothing was restored."), detail=detail)


class WrongDatabaseKind(BackupError):
    def __init__(self, source, target):
        super().__init__(_l("This backup was taken on %(source)s and restores on "
                            "%(source)s only, not on %(target)s. Nothing was restored."),
                         source=source, target=target)


class TargetNotEmpty(BackupError):
    def __init__(self):
        super().__init__(_l("This instance already holds complaints or files: restore "
                            "refuses to replace them without --force. Nothing was restored."))


class CountMismatch(BackupError):
    def __init__(self, differences):
        super().__init__(_l("The restored database does not hold the rows the manifest "
                            "counts: %(differences)s."), differences="; ".join(differences))


# --- backup ---------------------------------------------------------------------------------

def write_backup(engine, tables, files_root, destination, *, version, file_storage, now):
    """Write the archive to ``destination`` (a folder: a dated name inside it, or a
    ``.tar`` path) and return its path. ``tables``: the names whose rows are counted."""
    destination = Path(destination)
    if destination.suffix != ".tar":
        destination.mkdir(parents=True, exist_ok=True)
        destination = destination / rules.archive_name(now)
    kind = engine.dialect.name
    with tempfile.TemporaryDirectory(prefix="reclamations-backup-") as work:
        dump = Path(work) / rules.DATABASE_MEMBER[kind]
        if kind == "sqlite":
            counts, revision = _copy_sqlite(engine, dump, tables)
        else:
            counts, revision = _dump_postgresql(engine, dump, tables)
        # After the database: a file written meanwhile is an extra, never a row's missing file.
        members = {dump.name: dump, **_stored_files(Path(files_root))}
        digests = {name: _sha256(path) for name, path in members.items()}
        manifest = rules.manifest(version=version, kind=kind, revision=revision,
                                  created_at=now, counts=counts, files=digests,
                                  file_storage=file_storage,
                                  file_storage_path=str(files_root))
        partial = destination.with_suffix(".tar.part")
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(rules.MANIFEST)
            info.size, info.mtime = len(data), int(now.timestamp())
            archive.addfile(info, io.BytesIO(data))
            for name, path in members.items():
                archive.add(path, arcname=name, recursive=False)
        os.replace(partial, destination)
    logger.debug("backup written: %s (%d files)", destination, len(members) - 1)
    return destination


def rotate(folder, keep: int) -> list[str]:
    """Delete the oldest archives of ``folder`` beyond the ``keep`` newest; their names."""
    folder = Path(folder)
    removed = rules.to_rotate([p.name for p in folder.iterdir() if p.is_file()], keep)
    for name in removed:
        (folder / name).unlink(missing_ok=True)
    return removed


def backup_due(folder, today) -> bool:
    """Whether the daily archive of ``today`` is still to be written in ``folder``."""
    folder = Path(folder)
    names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    return not rules.taken_on(names, today)


def _copy_sqlite(engine, target: Path, tables):
    source = sqlite3.connect(f"file:{engine.url.database}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # consistent even while other connections write
    finally:
        source.close()
    try:
        present = {row[0] for row in copy.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        counts = {t: copy.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                  for t in tables if t in present}
        revision = copy.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        copy.close()
    return counts, revision


def _dump_postgresql(engine, target: Path, tables):
    tool = _tool("pg_dump")
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            _check_tool_version(tool, conn)
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = _count(conn, tables)
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            _run([tool, "--format=custom", "--no-owner", "--no-privileges",
                  f"--snapshot={snapshot}", f"--file={target}", *_libpq_args(engine)],
                 engine, "pg_dump")
    return counts, revision


def _check_tool_version(tool: str, conn) -> None:
    """pg_dump refuses a newer server with a cryptic line: say which versions to match."""
    output = subprocess.run([tool, "--version"], capture_output=True, text=True,
                            check=False).stdout
    mine = rules.tool_major_version(output)
    server = rules.server_major_version(
        int(conn.execute(text("SHOW server_version_num")).scalar_one()))
    if mine is not None and mine < server:
        raise ToolTooOld(Path(tool).name, mine, server)


def _stored_files(root: Path) -> dict[str, Path]:
    if not root.is_dir():
        return {}
    return {rules.stored_member(p.relative_to(root).as_posix()): p
            for p in sorted(root.rglob("*")) if p.is_file() and p.suffix != ".part"}


# --- restore --------------------------------------------------------------------------------

def read_manifest(archive_path) -> dict:
    """The archive's manifest, after checking every member's SHA-256 against it."""
    try:
        with tarfile.open(archive_path, "r:") as archive:
            manifest = json.load(archive.extractfile(rules.MANIFEST))
            actual = {}
            for member in archive.getmembers():
                if member.isfile() and member.name in manifest["files"]:
                    actual[member.name] = _sha256_stream(archive.extractfile(member))
    except (OSError, KeyError, ValueError, tarfile.TarError) as exc:
        raise UnreadableArchive(str(exc) or type(exc).__name__) from exc
    bad = rules.checksum_differences(manifest["files"], actual)
    if bad:
        raise CorruptArchive(bad)
    return manifest


def target_counts(engine, tables) -> dict[str, int]:
    """Rows per table of the target database (tables it does not have yet count 0)."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return _count(conn, [t for t in tables if t in present])


def files_present(files_root) -> bool:
    root = Path(files_root)
    return root.is_dir() and any(p.is_file() for p in root.rglob("*"))


def restore_backup(engine, tables, files_root, archive_path, *, force: bool) -> dict:
    """Check the archive, then replace the database and the stored files with its copy,
    check the restored counts; return the manifest. The caller runs the release step."""
    manifest = read_manifest(archive_path)
    kind = engine.dialect.name
    if manifest["database"] != kind:
        raise WrongDatabaseKind(rules.KIND_NAMES.get(manifest["database"], manifest["database"]),
                                rules.KIND_NAMES.get(kind, kind))
    if not force and (not rules.is_empty(target_counts(engine, tables))
                      or files_present(files_root)):
        raise TargetNotEmpty()
    with tempfile.TemporaryDirectory(prefix="reclamations-restore-") as work, \
            tarfile.open(archive_path, "r:") as archive:
        dump = Path(work) / rules.DATABASE_MEMBER[kind]
        with archive.extractfile(rules.DATABASE_MEMBER[kind]) as src, open(dump, "wb") as out:
            shutil.copyfileobj(src, out, CHUNK)
        engine.dispose()
        if kind == "sqlite":
            _restore_sqlite(engine, dump)
        else:
            _restore_postgresql(engine, dump)
        _restore_files(archive, Path(files_root), set(manifest["files"]))
    _move_export_paths(engine, manifest["file_storage_path"], str(files_root))
    differences = rules.count_differences(manifest["counts"],
                                          target_counts(engine, list(manifest["counts"])))
    if differences:
        raise CountMismatch(differences)
    return manifest


def _restore_sqlite(engine, dump: Path) -> None:
    source = sqlite3.connect(dump)
    target = sqlite3.connect(engine.url.database, timeout=30)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _restore_postgresql(engine, dump: Path) -> None:
    tool = _tool("pg_restore")
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    _run([tool, "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", *_libpq_args(engine), str(dump)], engine, "pg_restore")


def _restore_files(archive, root: Path, checked: set[str]) -> None:
    """The stored files whose SHA-256 was checked; nothing else of the archive."""
    if root.is_dir():
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    for member in archive.getmembers():
        relative = rules.relative_path(member.name)
        if relative is None or not member.isfile() or member.name not in checked:
            continue
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with archive.extractfile(member) as src, open(path, "wb") as out:
            shutil.copyfileobj(src, out, CHUNK)


def _move_export_paths(engine, old_root: str, new_root: str) -> None:
    """Kept exports on disk are referred to by absolute path: point them at the new folder."""
    if old_root == new_root or "export_job" not in inspect(engine).get_table_names():
        return
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT id, file_path FROM export_job "
                                 "WHERE file_path IS NOT NULL")).all()
        for job_id, path in rows:
            if path.startswith(old_root.rstrip("/") + "/"):
                conn.execute(text("UPDATE export_job SET file_path = :p WHERE id = :i"),
                             {"p": new_root.rstrip("/") + path[len(old_root.rstrip("/")):],
                              "i": job_id})


# --- helpers --------------------------------------------------------------------------------

def _count(conn, tables) -> dict[str, int]:
    preparer = conn.dialect.identifier_preparer
    return {t: conn.execute(text(f"SELECT count(*) FROM {preparer.quote(t)}")).scalar_one()
            for t in tables}


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(name)
    return found


def _libpq_args(engine) -> list[str]:
    url = engine.url
    args = [f"--dbname={url.database}"]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    return args


def _run(command, engine, tool) -> None:
    env = dict(os.environ)
    if engine.url.password:
        env["PGPASSWORD"] = str(engine.url.password)  # never on the command line (ps)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        raise ToolFailed(tool, detail[:300])


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return _sha256_stream(handle)


def _sha256_stream(handle) -> str:
    digest = hashlib.sha256()
    while block := handle.read(CHUNK):
        digest.update(block)
    return digest.hexdigest()


def product_version() -> str:
    """The installed product's version, written in every archive's manifest."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("reclamations")
    except PackageNotFoundError:
        return "unknown"
