"""The satisfaction survey: sent when a complaint is closed, answered from a public page
(``app/public/survey.py``), shown on the complaint, counted in reports and the dashboard.

Confidential complaints get the survey too: its email says the tracking number and the
links only, as every email about them (DESIGN.md §2), and the page shows the number only.
"""

import logging

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain import events
from app.domain import satisfaction as rules
from app.models import Event, SatisfactionSurvey, State
from app.services import links, onscreen, outbox
from app.services.clock import utcnow
from app.services.context import surroundings_of
from app.services.exceptions import ServiceError
from app.services.notifications import LANGUAGES, complainant_address, email_context
from app.services.settings import get_setting

logger = logging.getLogger(__name__)

SURVEY_SENT, SURVEY_ANSWERED = "survey_sent", "survey_answered"
REOPENED_UNSATISFIED = "reopened_unsatisfied"  # on-screen notification for the assignee
REOPEN_STATE = "reopened"

ERRORS = {
    rules.CHOICE_REQUIRED: _l("Say whether you are satisfied."),
    rules.BAD_RATING: _l("The rating is a whole number from 1 to 5."),
    rules.COMMENT_TOO_LONG: _l("The comment is too long."),
}


class AnswerRefused(ServiceError):
    def __init__(self, codes):
        super().__init__(_l("Please correct your answer."))
        self.messages = [str(ERRORS[code]) for code in codes]


def survey_url(config, token: str, choice: str | None = None,
               request_url: str | None = None) -> str:
    url = f"{links.base_url(config, request_url)}/public/survey/{token}"
    return f"{url}?answer={choice}" if choice else url


def send_survey(session, complaint, now) -> SatisfactionSurvey | None:
    """On closure (no commit): a survey row and its email, when the survey is on and the
    complainant has an address; once per closure."""
    address = complainant_address(complaint)
    if not address or not rules.truthy(get_setting(session, "survey_enabled")):
        return None
    days = rules.parse_valid_days(get_setting(session, "survey_valid_days"))
    token, digest = rules.new_token()
    survey = SatisfactionSurvey(complaint_id=complaint.id, closed_at=complaint.closed_at,
                                token_hash=digest, sent_at=now,
                                expires_at=rules.expires_at(now, days))
    try:
        with session.begin_nested():
            session.add(survey)
    except IntegrityError:  # this closure already has its survey
        return None
    _queue_email(session, complaint, address, survey, token, days, now)
    session.add(Event(complaint_id=complaint.id, complaint=complaint, created_at=now,
                      actor_kind=events.ACTOR_SYSTEM, kind=SURVEY_SENT))
    return survey


def _queue_email(session, complaint, address, survey, token, days, now):
    language = complaint.language if complaint.language in LANGUAGES else "fr"
    around = surroundings_of(session)
    config, here = around.config, around.request_url()
    context = {**email_context(complaint, language),
               "organisation": get_setting(session, "organisation_name"),
               "yes_link": survey_url(config, token, rules.YES, here),
               "no_link": survey_url(config, token, rules.NO, here), "days": days}
    with force_locale(language):
        subject = _("[%(number)s] Are you satisfied with our answer?",
                    number=complaint.tracking_number)
        text = around.render("emails/survey.txt", **context)
        html = around.render("emails/survey.html", **context)
    outbox.queue_email(session, address, subject, text, html=html, complaint=complaint,
                       language=language, dedupe_key=f"survey:{survey.id}", now=now)


def survey_for_token(session, token: str, now=None):
    """The survey this link opens, or None when it is forged, unknown or expired."""
    if not token or len(token) > 200:
        return None
    survey = session.scalars(select(SatisfactionSurvey).where(
        SatisfactionSurvey.token_hash == rules.token_hash(token))).first()
    if survey is None or not rules.is_open(survey.expires_at, now or utcnow()):
        return None
    if survey.complaint is None or survey.complaint.anonymised_at is not None:
        return None
    return survey


def record_answer(session, survey, choice, rating, comment, now=None) -> SatisfactionSurvey:
    """Record (or change) the answer, copy it onto the complaint with an Event, reopen
    the complaint when not satisfied and the settings say so; commit."""
    answer = rules.check_answer(choice, rating, comment)
    if answer.errors:
        raise AnswerRefused(answer.errors)
    now = now or utcnow()
    complaint = survey.complaint
    survey.satisfied, survey.rating, survey.comment = (answer.satisfied, answer.rating,
                                                      answer.comment)
    survey.answered_at = now
    complaint.satisfaction = rules.YES if answer.satisfied else rules.NO
    complaint.satisfaction_rating = answer.rating
    session.add(Event(complaint_id=complaint.id, complaint=complaint, created_at=now,
                      actor_kind=events.ACTOR_COMPLAINANT, kind=SURVEY_ANSWERED,
                      new_value=complaint.satisfaction,
                      old_value=str(answer.rating) if answer.rating else None,
                      detail=answer.comment))
    if rules.should_reopen(answer.satisfied, rules.truthy(get_setting(session,
                                                                      "survey_reopen")),
                           survey.reopened_at is not None, complaint.closed_at is not None):
        _reopen(session, survey, complaint, now)
    session.commit()
    return survey


def _reopen(session, survey, complaint, now):
    """Through the workflow's own transition (an Event, the deadline, the complainant's
    state email), then tell the assignee."""
    from app.services import complaints as complaint_service

    target = session.scalars(select(State).where(State.code == REOPEN_STATE)).first()
    allowed = complaint_service.transitions(session)
    if target is None or (complaint.state_id, target.id) not in allowed:
        logger.warning("survey %s: no transition to reopen %s", survey.id,
                       complaint.tracking_number)
        return
    with force_locale(complaint.language if complaint.language in LANGUAGES else "fr"):
        comment = _("reopened: the complainant is not satisfied")
    survey.reopened_at = now
    complaint_service.change_state(session, complaint, target, actor=None, now=now,
                                   comment=comment)  # commits with the answer
    if complaint.assignee_id is not None:
        onscreen.add_notification(session, complaint.assignee_id, REOPENED_UNSATISFIED,
                                  complaint, f"survey-reopen:{survey.id}", now)


def surveys_of(session, complaint) -> list[SatisfactionSurvey]:
    """The complaint's surveys, newest first (its page shows them)."""
    return session.scalars(select(SatisfactionSurvey).where(
        SatisfactionSurvey.complaint_id == complaint.id)
        .order_by(SatisfactionSurvey.id.desc())).all()
