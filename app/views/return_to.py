"""Where a user goes back to after working on a complaint: the list they came from (the
global list with its filters, a client's complaints tab, the dashboard…), never another
site's address and never a page of a complaint that no longer exists.

The list is known three ways, in this order: the ``next`` the page's form posts (the
complaint page writes the list it was opened from), the Referer, and the last complaint
list this browser showed (kept in the session by the lists themselves).
"""

import re
from urllib.parse import urlsplit

from flask import request, session, url_for

from app.language import safe_path

LAST_LIST = "complaints_from"
# The pages of one complaint (the page itself, its form and its actions) and the add
# form: none of them is a list to return to.
_COMPLAINT_PAGE = re.compile(
    r"^/complaints/(?:(?:show/|edit/|delete/)?\d+(?:[/?#]|$)|add(?:[/?#]|$))")


def path_of(url: str | None) -> str | None:
    """``url`` as a path of this site ("/…?…"), or None: a full address counts only when
    its host is this site's."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc != request.host:
            return None
        url = parts._replace(scheme="", netloc="", fragment="").geturl()
    return safe_path(url)


def _not_a_complaint_page(path: str | None) -> str | None:
    if path is None or _COMPLAINT_PAGE.match(path):
        return None
    return path


def remember_list() -> None:
    """Called by the pages that list complaints: the way back from a complaint."""
    session[LAST_LIST] = request.full_path.rstrip("?")


def came_from() -> str | None:
    """The list the current page was opened from (the Referer, else the last list)."""
    return (_not_a_complaint_page(path_of(request.referrer))
            or _not_a_complaint_page(path_of(session.get(LAST_LIST))))


def list_to_return_to() -> str:
    """After a complaint is gone: the posted ``next``, else where the user came from,
    else the global list."""
    return (_not_a_complaint_page(path_of(request.form.get("next")))
            or came_from() or url_for("ComplaintView.list"))
