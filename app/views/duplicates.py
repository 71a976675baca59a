"""The complaint page's duplicates panel: possible duplicates while it is open, and the
complaint it was merged into once merged."""

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.services import merge
from app.services.visibility import can_see
from app.views.access import current_reader


def duplicate_context(session, complaint) -> dict:
    """Template values: ``duplicates`` (visible open candidates), ``merged_into`` (the
    target, if the reader may see it) and ``merged_away`` (merged, target hidden)."""
    reader = current_reader()
    if complaint.merged_into_id:
        target = merge.merged_target(session, complaint)
        visible = target is not None and can_see(reader, target)
        return {"duplicates": [], "merged_into": target if visible else None,
                "merged_away": not visible}
    open_ = complaint.closed_at is None
    return {"duplicates": merge.duplicate_candidates(session, complaint, reader)
            if open_ else [], "merged_into": None, "merged_away": False}


def remember_new_complaint(item) -> None:
    """After the add form: possible duplicates send the creator to the new complaint's
    page (where they are listed) instead of the list."""
    reader = current_reader()
    if can_see(reader, item) and merge.duplicate_candidates(db.session, item, reader,
                                                             limit=1):
        g.rules_duplicates_of = item.id


def redirect_to_duplicates():
    """The redirect ``remember_new_complaint`` asked for, or None."""
    pk = getattr(g, "rules_duplicates_of", None)
    if pk is None:
        return None
    flash(_("This complaint may duplicate open complaints of the same client, contract or "
            "email: see “Possible duplicates” below."), "warning")
    return redirect(url_for("ComplaintView.show", pk=pk) + "#duplicates")
