"""An ajax-searched select for large related tables (clients, contracts): the page never
loads the whole table, the browser asks ``endpoint?q=…`` for at most 20 matches."""

from markupsafe import Markup, escape
from wtforms import Field
from wtforms.validators import ValidationError

from app.extensions import db
from app.views.base import parse_id


class AjaxSelectWidget:
    def __init__(self, endpoint: str, depends_on: str | None = None):
        self.endpoint = endpoint
        self.depends_on = depends_on

    def __call__(self, field, **kwargs):
        option = ""
        if field.data is not None:
            option = f'<option value="{field.data.id}" selected>{escape(str(field.data))}</option>'
        depends = f' data-depends="{escape(self.depends_on)}"' if self.depends_on else ""
        return Markup(
            f'<select id="{escape(field.id)}" name="{escape(field.name)}" '
            f'class="form-control rec-ajax-select" data-endpoint="{escape(self.endpoint)}"'
            f'{depends}><option value=""></option>{option}</select>'
        )


class AjaxModelField(Field):
    """Holds an ORM object; the form posts its primary key."""

    def __init__(self, label=None, validators=None, model=None, endpoint="", depends_on=None,
                 **kwargs):
        super().__init__(label, validators, **kwargs)
        self.model = model
        self.widget = AjaxSelectWidget(endpoint, depends_on)
        self._invalid = False

    def process_data(self, value):
        self.data = value

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        if not raw:
            self.data = None
            return
        pk = parse_id(raw)
        obj = db.session.get(self.model, pk) if pk else None
        self._invalid = obj is None
        self.data = obj

    def pre_validate(self, form):
        if self._invalid:
            raise ValidationError(self.gettext("Not a valid choice"))
