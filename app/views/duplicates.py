"""Duplicates on the back-office pages: the complaint page's panel (possible duplicates
while it is open, the complaint it went into once merged) and the warning after the add
form."""

from flask import flash, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.extensions import db
from app.reader import current_reader
from app.services import merge
from app.services.visibility import can_see


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


def warn_of_duplicates(item) -> None:
    """After the add form: name the possible duplicates of the new complaint, with a link
    to its page, where they are listed with the merge action."""
    reader = current_reader()
    if not can_see(reader, item):
        return
    found = merge.duplicate_candidates(db.session, item, reader, limit=5)
    if not found:
        return
    link = Markup('<a href="{}" id="duplicates-link">{}</a>').format(
        url_for("ComplaintView.show", pk=item.id) + "#duplicates", item.tracking_number)
    numbers = Markup(", ").join(Markup('<a href="{}">{}</a>').format(
        url_for("ComplaintView.show", pk=c.id), c.tracking_number) for c in found)
    # The translated sentence is escaped, then the links go in as markup.
    sentence = Markup(escape(_("%(number)s may duplicate open complaints of the same client, "
                               "contract or email: %(others)s. Open it to compare and "
                               "merge.")))
    flash(sentence % {"number": link, "others": numbers}, "warning")
