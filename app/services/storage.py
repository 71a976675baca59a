"""Where the bytes of uploaded files live: a local folder outside the web root (default)
or the database (``FILE_STORAGE=database``, shared by every application host).

Files are kept under random names and written inside the caller's transaction: a file
written to the folder is removed again if the transaction rolls back, and a file removed
is unlinked only once the transaction has committed, so the database and the folder never
disagree about a committed row.
"""

import logging
import os
import secrets
from pathlib import Path

from sqlalchemy import delete, event
from sqlalchemy.orm import Session, scoped_session

from app.models import StoredFile

logger = logging.getLogger(__name__)

LOCAL = "local"
DATABASE = "database"
KINDS = (LOCAL, DATABASE)
# An attachment whose file the retention job deleted: the row stays, the bytes are gone.
REMOVED = "removed"

_WRITTEN = "storage_written"  # session.info keys: paths to undo on rollback
_TO_UNLINK = "storage_to_unlink"  # paths to unlink after commit


def new_name() -> str:
    """A random stored name: nothing of the original name reaches the file system."""
    return secrets.token_hex(16)


class LocalStorage:
    kind = LOCAL

    def __init__(self, root):
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        if not name.isalnum():  # stored names are hex: never a path
            raise ValueError(f"not a stored file name: {name!r}")
        return self.root / name[:2] / name

    def save(self, session, name: str, data: bytes) -> None:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        with open(partial, "xb") as out:
            out.write(data)
        os.replace(partial, path)
        _track(session, _WRITTEN, path)

    def load(self, session, name: str) -> bytes:
        return self._path(name).read_bytes()

    def remove(self, session, name: str) -> None:
        _track(session, _TO_UNLINK, self._path(name))


class DatabaseStorage:
    kind = DATABASE

    def save(self, session, name: str, data: bytes) -> None:
        session.add(StoredFile(name=name, content=data))

    def load(self, session, name: str) -> bytes:
        row = session.get(StoredFile, name)
        if row is None:
            raise FileNotFoundError(name)
        return row.content

    def remove(self, session, name: str) -> None:
        session.execute(delete(StoredFile).where(StoredFile.name == name))


class RemovedStorage:
    """No bytes any more: reading is a missing file, removing does nothing."""

    kind = REMOVED

    def load(self, session, name: str) -> bytes:
        raise FileNotFoundError(name)

    def remove(self, session, name: str) -> None:
        return None


def storage_for(kind: str, config) -> LocalStorage | DatabaseStorage | RemovedStorage:
    """The store of ``kind`` ("local", "database" or "removed") configured by ``config``."""
    if kind == REMOVED:
        return RemovedStorage()
    if kind == DATABASE:
        return DatabaseStorage()
    if kind == LOCAL:
        return LocalStorage(config["FILE_STORAGE_PATH"])
    raise ValueError(f"unknown file storage {kind!r}")


def default_storage(config) -> LocalStorage | DatabaseStorage:
    """The store new files go to (``FILE_STORAGE``)."""
    return storage_for(config.get("FILE_STORAGE") or LOCAL, config)


def _track(session, key: str, path: Path) -> None:
    # Begin the session's transaction (no connection yet) so that its commit or rollback,
    # even one that never reaches the database, settles the file.
    if isinstance(session, scoped_session):
        session = session()
    if not session.in_transaction():
        session.begin()
    session.info.setdefault(key, []).append(path)


def _after_commit(session):
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_TO_UNLINK, []):
        _unlink(path)


def _after_rollback(session, previous_transaction):
    # Any rollback of the whole transaction, even one that never reached the database
    # (a file may be written before the first statement); not a savepoint's.
    if previous_transaction.nested:
        return
    session.info.pop(_TO_UNLINK, None)
    for path in session.info.pop(_WRITTEN, []):
        _unlink(path)


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        logger.exception("could not remove the stored file %s", path)


def register_listeners() -> None:
    """Settle the files written or discarded in a transaction when it ends: unlink the
    discarded ones on commit, the written ones on rollback. Registering again does
    nothing."""
    for name, listener in (("after_commit", _after_commit),
                           ("after_soft_rollback", _after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
