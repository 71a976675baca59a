"""Form fields and validators for complaints."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from app.domain import phones
from app.models import Client, Contract


def required():
    """A fresh list each time: FAB appends to the validator lists it is given."""
    return [DataRequired(message=_l("This field is required."))]
EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
# Extra form fields declared without FAB's widgets get Bootstrap's look through this.
BOOTSTRAP = {"class": "form-control"}


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


class PhoneNumber:
    """A phone number, rewritten in E.164 (``+33612345678``); one without its
    international prefix is read in the region of Configuration → SMS. ``mobile``:
    refuse a number known to be a fixed line (it cannot receive SMS)."""

    def __init__(self, mobile=False):
        self.mobile = mobile

    def __call__(self, form, field):
        from app.extensions import db
        from app.services import sms_settings

        try:
            field.data = phones.to_e164(field.data, sms_settings.region(db.session))
        except phones.InvalidPhone:
            raise ValidationError(_l("This is not a valid phone number (e.g. "
                                     "+33 6 12 34 56 78).")) from None
        if self.mobile and field.data and not phones.is_mobile_capable(field.data):
            raise ValidationError(_l("This number is a landline: it cannot receive SMS."))


def phone_field(label, mobile=False, description=None):
    return StringField(label, [Optional(), Length(max=50), PhoneNumber(mobile)],
                       description="" if description is None else description,
                       render_kw=BOOTSTRAP)


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
