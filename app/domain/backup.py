"""Rules of a backup archive: its members, its manifest, whether a target is empty, which
archives a rotation keeps. Pure: the archive is written and read by app/services/backup.py.
"""

import re
from datetime import datetime

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files/"  # stored files (attachments, logo, kept exports) under this prefix
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

# A target holding any row of these tables holds someone's work: restore refuses it.
CONTENT_TABLES = ("complaint", "client", "event", "attachment", "stored_file",
                  "generated_document", "message", "export_job")

_TOOL_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")
_ARCHIVE = re.compile(r"^reclamations-(\d{8})-(\d{6})\.tar$")


def archive_name(now: datetime) -> str:
    """The archive's file name, sortable by time: ``reclamations-YYYYMMDD-HHMMSS.tar``."""
    return f"reclamations-{now:%Y%m%d-%H%M%S}.tar"


def archives(names) -> list[str]:
    """The names that are backup archives, oldest first."""
    return sorted(name for name in names if _ARCHIVE.match(name))


def to_rotate(names, keep: int) -> list[str]:
    """The archives to delete so that the ``keep`` newest remain (``keep`` < 1: none)."""
    if keep < 1:
        return []
    found = archives(names)
    return found[:-keep] if len(found) > keep else []


def taken_on(names, day) -> bool:
    """Whether an archive of ``day`` (a date) is among ``names``: the daily job runs once."""
    stamp = f"{day:%Y%m%d}"
    return any(_ARCHIVE.match(name).group(1) == stamp for name in archives(names))


def is_empty(counts: dict[str, int]) -> bool:
    """A target is empty when none of the content tables has a row (the release step's
    reference data, roles and admin account do not count)."""
    return all(not counts.get(table) for table in CONTENT_TABLES)


def count_differences(expected: dict[str, int], actual: dict[str, int]) -> list[str]:
    """``table: expected → actual`` for every table whose count differs, sorted."""
    return [f"{table}: {expected[table]} → {actual.get(table, 0)}"
            for table in sorted(expected) if expected[table] != actual.get(table, 0)]


def checksum_differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """The members whose SHA-256 differs from the manifest's, or that are missing, sorted."""
    return sorted(name for name, digest in expected.items() if actual.get(name) != digest)


def manifest(*, version: str, kind: str, revision: str | None, created_at: datetime,
             counts: dict[str, int], files: dict[str, str], file_storage: str,
             file_storage_path: str) -> dict:
    """The manifest written into every archive."""
    return {"format": FORMAT, "product_version": version, "database": kind,
            "revision": revision, "created_at": created_at.isoformat(timespec="seconds"),
            "file_storage": file_storage, "file_storage_path": file_storage_path,
            "counts": dict(sorted(counts.items())), "files": dict(sorted(files.items()))}


def stored_member(relative: str) -> str:
    """The archive member of a stored file at ``relative`` (a POSIX path) in the folder."""
    return FILES + relative


def relative_path(member: str) -> str | None:
    """The folder path of a stored-file member, or None for another member or one that
    would leave the folder (``..``, absolute): a crafted archive writes nothing outside."""
    if not member.startswith(FILES):
        return None
    rest = member[len(FILES):]
    parts = rest.split("/")
    if not rest or rest.startswith("/") or any(p in ("", ".", "..") for p in parts):
        return None
    return rest


def tool_major_version(output: str) -> int | None:
    """The major version in ``pg_dump --version``'s output ("pg_dump (PostgreSQL) 15.2")."""
    found = _TOOL_VERSION.search(output)
    return int(found.group(1)) if found else None


def server_major_version(version_num: int) -> int:
    """The major version of ``SHOW server_version_num`` (150020 -> 15)."""
    return version_num // 10000
