"""Extensions, unbound: ``create_app`` binds them to an application."""

from flask_appbuilder import AppBuilder
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from app.models.base import Model

# Without FAB's metadata, Alembic autogenerate would want to drop every table.
db = SQLA(metadata=Model.metadata)
appbuilder = AppBuilder(update_perms=False)
migrate = Migrate()
csrf = CSRFProtect()
