"""Form fields shared by the back-office views and the security screens (a user's
mobile number is checked as a complainant's phone is)."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional, ValidationError

from app.domain import phones

# Extra form fields declared without FAB's widgets get Bootstrap's look through this.
BOOTSTRAP = {"class": "form-control"}


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
