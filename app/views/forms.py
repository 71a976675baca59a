"""Form fields and validators for complaints."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from app.fields import BOOTSTRAP, PhoneNumber, phone_field  # noqa: F401  (views use them)
from app.models import Client, Contract


def required():
    """A fresh list each time: FAB appends to the validator lists it is given."""
    return [DataRequired(message=_l("This field is required."))]


EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class ContractOfClient:
    """The chosen contract must belong to the chosen client."""

    def __call__(self, form, field):
        contract, client = field.data, form.client.data if "client" in form else None
        if contract is not None and client is not None and contract.client_id != client.id:
            raise ValidationError(_l("The contract does not belong to the selected client."))


def client_field(endpoint, mandatory=False, default=None):
    from app.views.widgets import AjaxModelField

    validators = required() if mandatory else [Optional()]
    return AjaxModelField(_l("Client"), validators, model=Client, endpoint=endpoint,
                          default=default)


def contract_field(endpoint):
    from app.views.widgets import AjaxModelField

    return AjaxModelField(_l("Contract"), [Optional(), ContractOfClient()], model=Contract,
                          endpoint=endpoint, depends_on="client")


def email_field(label):
    return StringField(label, [Optional(), Regexp(EMAIL_RE, message=_l("Invalid email address.")),
                               Length(max=320)], render_kw=BOOTSTRAP)




def client_from_args():
    """The client named by ``?client_id=`` (forms opened from a client page), or None."""
    from flask import request

    from app.extensions import db
    from app.views.base import parse_id

    client_id = parse_id(request.args.get("client_id"))
    return db.session.get(Client, client_id) if client_id else None
