"""Extensions, unbound: ``create_app`` binds them to an application.

The AppBuilder is not here: it keeps per-application state (views, menu, security
manager), so ``create_app`` makes a new one for each application, reachable as
``current_app.appbuilder``.

Each session of ``db`` carries its application's ``Surroundings`` (configuration, email
renderer: app/services/context.py) in ``session.info``, so the services it is handed to
need no Flask global.
"""

from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_sqlalchemy.session import Session
from flask_wtf.csrf import CSRFProtect

from app.models.base import Model
from app.services.context import attach
from app.surroundings import current_surroundings


class AppSession(Session):
    """A Flask-SQLAlchemy session (opened in an application context) carrying that
    application's Surroundings."""

    def __init__(self, db, **kwargs):
        super().__init__(db, **kwargs)
        surroundings = current_surroundings()
        if surroundings is not None:
            attach(self, surroundings)


# Without FAB's metadata, Alembic autogenerate would want to drop every table.
db = SQLA(metadata=Model.metadata, session_options={"class_": AppSession})
migrate = Migrate()
csrf = CSRFProtect()
