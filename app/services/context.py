"""What the services need from the application they run in, handed to them explicitly.

``create_app`` builds one ``Surroundings`` per application (``app/surroundings.py``) and
every database session of that application carries it in ``session.info``
(``app/extensions.py``): a service reads the configuration, renders an email and finds
the portal's public address through the session it is given, never through Flask's
globals.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

KEY = "surroundings"


@dataclass(frozen=True)
class Surroundings:
    """``render(template, **context)``: an email template as text; ``request_url()``: the
    address of the request being served, or None (a job, the CLI);
    ``security_manager()``: FAB's, for the demo loader's users."""

    config: Mapping
    render: Callable[..., str]
    request_url: Callable[[], str | None] = field(default=lambda: None)
    security_manager: Callable[[], object] = field(default=lambda: None)


def surroundings_of(session) -> Surroundings:
    """The ``Surroundings`` of the application ``session`` belongs to."""
    found = session.info.get(KEY)
    if found is None:
        raise RuntimeError("this session carries no Surroundings: open it through the "
                           "application's db.session (app/extensions.py)")
    return found


def attach(session, surroundings: Surroundings) -> None:
    """Make ``surroundings`` those of ``session`` (a session opened outside the app)."""
    session.info[KEY] = surroundings
