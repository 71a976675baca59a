"""Every SQLAlchemy event listener of the application, registered by ``create_app`` (the
export worker registers the database's own). docs/architecture.md ("Listeners") says what
each keeps true."""

from app import database, read_only
from app.services import day_stats, reference_version, storage


def register_listeners() -> None:
    """Register them all; registering again does nothing."""
    database.register_listeners()
    read_only.register_listeners()
    day_stats.register_listeners()
    reference_version.register_listeners()
    storage.register_listeners()
