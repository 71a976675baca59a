"""Moved to app/reader.py (shared by the pages, the REST API and the portal). Kept only
so branches written before the move still import; remove once they are merged."""

from app.reader import (  # noqa: F401
    ASSIGN,
    OfVisibleComplaints,
    VisibleComplaints,
    current_reader,
    current_writer,
    scope_facets,
    visible_condition,
)
