"""Extensions, unbound: ``create_app`` binds them to an application.

The AppBuilder is not here: it keeps per-application state (views, menu, security
manager), so ``create_app`` makes a new one for each application, reachable as
``current_app.appbuilder``.
"""

from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from app.models.base import Model

# Without FAB's metadata, Alembic autogenerate would want to drop every table.
db = SQLA(metadata=Model.metadata)
migrate = Migrate()
csrf = CSRFProtect()
