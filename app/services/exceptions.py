"""Errors raised by services, with messages translated lazily for the person who reads them."""

from flask_babel import lazy_gettext as _l

# Every date that comes in is within app.domain.dates' range; this is the refusal's text.
DATE_OUT_OF_RANGE = _l("The date must be between 1990 and 2100.")


class ServiceError(Exception):
    """An error the user can fix; ``str(error)`` is the translated message."""

    def __init__(self, message, **params):
        super().__init__(message)
        self.message = message
        self.params = params

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class ContractMismatch(ServiceError):
    def __init__(self):
        super().__init__(_l("The contract does not belong to the selected client."))


class TransitionRefused(ServiceError):
    def __init__(self, source, target):
        super().__init__(
            _l("A complaint cannot move from “%(source)s” to “%(target)s”."),
            source=source, target=target,
        )


class MissingReferenceData(ServiceError):
    def __init__(self, what):
        super().__init__(_l("Reference data is missing: %(what)s."), what=what)


class DateRefused(ServiceError):
    """A date outside the range the product stores and computes deadlines for."""

    def __init__(self):
        super().__init__(DATE_OUT_OF_RANGE)
