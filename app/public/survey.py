"""The satisfaction survey page reached from the closure email (no login).

A GET shows the page with the choice of the clicked link preselected and never records
anything (mail scanners open links); the page itself POSTs the choice at once (a small
script; without it, the complainant presses "Send"), then the complainant may add a
rating and a comment. The answer may be changed until the link expires.
"""

from flask import current_app, render_template, request
from flask_babel import gettext as _

from app.domain import satisfaction as rules
from app.extensions import db
from app.public.views import bp
from app.services import satisfaction


@bp.get("/survey/<token>")
def survey_page(token):
    survey = satisfaction.survey_for_token(db.session, token)
    if survey is None:
        return _invalid()
    choice = request.args.get("answer", "")
    if choice not in (rules.YES, rules.NO):
        choice = _current_choice(survey)
    return _render(token, survey, choice=choice,
                   auto=survey.answered_at is None and bool(choice))


@bp.post("/survey/<token>")
def survey_answer(token):
    survey = satisfaction.survey_for_token(db.session, token)
    if survey is None:
        return _invalid()
    form = request.form
    try:
        satisfaction.record_answer(db.session, survey, form.get("answer"),
                                   form.get("rating"), form.get("comment"))
    except satisfaction.AnswerRefused as exc:
        db.session.rollback()
        return _render(token, survey, choice=form.get("answer", ""), problems=exc.messages,
                       rating=form.get("rating", ""), comment=form.get("comment", ""))
    return _render(token, survey, choice=_current_choice(survey), saved=True)


def _current_choice(survey) -> str:
    if survey.satisfied is None:
        return ""
    return rules.YES if survey.satisfied else rules.NO


def _render(token, survey, choice="", problems=None, saved=False, auto=False, rating=None,
            comment=None):
    complaint = survey.complaint
    return render_template(
        "public/survey.html", token=token, number=complaint.tracking_number,
        choice=choice, problems=problems or [], saved=saved, auto=auto,
        answered=survey.answered_at is not None,
        rating=rating if rating is not None else (survey.rating or ""),
        comment=comment if comment is not None else (survey.comment or ""),
        expires_at=survey.expires_at, max_comment=rules.MAX_COMMENT)


def _invalid():
    page = render_template("public/message.html", title=_("Link not valid"),
                           text=_("This survey link is not valid or has expired."))
    return current_app.response_class(page, status=404)
