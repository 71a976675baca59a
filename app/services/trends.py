"""Emerging trends (docs/trends.md): the daily job that flags a significant rise of a
category, agency, sector, request type or choice of a custom field, and what each reader
is shown of them, counted within what they may see.

Counting reads only the complaints received in the last 9 weeks (the index on
``received_at`` finds them), grouped by value and week in SQL: a few rows per value,
however large the register. The day counts (``complaint_day_stat``) are split by team and
the confidential flag, not by category or agency, so they cannot answer this.
"""

import logging
from datetime import date, datetime, time, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, true
from sqlalchemy.exc import IntegrityError

from app.domain import custom_fields as fields_domain
from app.domain import trends as domain
from app.models import (
    Agency,
    Category,
    Complaint,
    CustomField,
    CustomFieldValue,
    RequestType,
    Sector,
    Setting,
    TrendFlag,
)
from app.services.clock import to_utc
from app.services.settings import get_setting

logger = logging.getLogger(__name__)

DIMENSIONS = {
    "category": (Complaint.category_id, Category),
    "agency": (Complaint.agency_id, Agency),
    "sector": (Complaint.sector_id, Sector),
    "request_type": (Complaint.request_type_id, RequestType),
}
DIMENSION_LABELS = {
    "category": _l("Category"), "agency": _l("Agency"), "sector": _l("Sector"),
    "request_type": _l("Request type"),
}
# Crossed dimensions: "Facturation × Agence Sud" rises where neither does alone.
PAIRS = {"category_agency": ("category", "agency")}
PAIR_MARK = ":"
CUSTOM = "cf:"
DAY_MARK = "trends_day"  # the local day the flags were last computed for
SHOWN_AT_MOST = 10


def week_bounds(today: date, time_zone: str) -> list[datetime]:
    """The 10 UTC bounds of the 9 weeks before local ``today`` (whole local days, the
    last week ending at today's midnight), oldest first."""
    return [to_utc(datetime.combine(today - timedelta(days=7 * (9 - k)), time()), time_zone)
            for k in range(10)]


def parameters(session) -> tuple[float, int]:
    """(sensitivity, minimum count) from the settings."""
    return (float(get_setting(session, "trend_sensitivity").strip().replace(",", ".")),
            int(get_setting(session, "trend_minimum").strip()))


def count_weeks(session, bounds: list[datetime], scope=None, only=None) -> dict:
    """``{(dimension, value key): [9 weekly counts]}`` of the complaints within ``scope``
    (a condition on Complaint); ``only`` restricts to one (dimension, value key)."""
    received = Complaint.received_at
    week = case(*((received < bounds[k + 1], k) for k in range(8)), else_=8).label("week")
    window = [received >= bounds[0], received < bounds[-1],
              true() if scope is None else scope]
    counts: dict = {}
    for name, columns in _grouped_columns().items():
        if only and only[0] != name:
            continue
        where = [*window, *(column.isnot(None) for column in columns)]
        if only:
            where += [column == int(part) for column, part
                      in zip(columns, only[1].split(PAIR_MARK), strict=True)]
        statement = select(*columns, week, func.count()).where(*where).group_by(*columns, week)
        for *values, index, number in session.execute(statement):
            key = (name, PAIR_MARK.join(str(v) for v in values))
            counts.setdefault(key, [0] * 9)[index] += number
    if only is None or only[0].startswith(CUSTOM):
        counts.update(_count_choices(session, window, week, only))
    return counts


def _grouped_columns() -> dict:
    """Each dimension counted on Complaint's own columns: one, or a pair of them."""
    grouped = {name: (column,) for name, (column, _model) in DIMENSIONS.items()}
    grouped.update({name: tuple(DIMENSIONS[part][0] for part in parts)
                    for name, parts in PAIRS.items()})
    return grouped


def _count_choices(session, window, week, only) -> dict:
    """The weekly counts of each choice of the active custom fields of type choice."""
    value = CustomFieldValue
    choice_fields = select(CustomField.id).where(CustomField.type == fields_domain.CHOICE,
                                                 CustomField.active.is_(True))
    where = [*window, value.complaint_id == Complaint.id, value.value_text.isnot(None),
             value.field_id.in_(choice_fields)]
    if only:
        where += [value.field_id == int(only[0][len(CUSTOM):]), value.value_text == only[1]]
    statement = (select(value.field_id, value.value_text, week, func.count())
                 .where(*where).group_by(value.field_id, value.value_text, week))
    counts: dict = {}
    for field_id, code, index, number in session.execute(statement):
        counts.setdefault((f"{CUSTOM}{field_id}", code), [0] * 9)[index] += number
    return counts


def flag_trends(session, today: date, force: bool = False) -> dict:
    """The daily job: flag today's rises over the whole register, keep a lasting rise as
    one flag, end those that stopped; commit. Once a local day unless ``force``."""
    mark = session.get(Setting, DAY_MARK)
    if mark is not None and mark.value == today.isoformat() and not force:
        return {"skipped": True}
    sensitivity, minimum = parameters(session)
    counts = count_weeks(session, week_bounds(today, get_setting(session, "time_zone")))
    rising = {}
    for key, weeks in counts.items():
        assessment = domain.assess(weeks, sensitivity, minimum)
        if assessment.rising:
            rising[key] = assessment
    active = {(flag.dimension, flag.value_key): flag for flag in session.scalars(
        select(TrendFlag).where(TrendFlag.active.is_(True)))}
    new = domain.new_rises(set(active), set(rising))
    for key, assessment in rising.items():
        flag = active.get(key) or _rise_of(session, key, today)
        flag.last_seen_on, flag.active = today, True
        flag.current, flag.expected = assessment.current, assessment.expected
        flag.spread, flag.score = assessment.spread, assessment.score
        session.add(flag)
    for key, flag in active.items():
        if key not in rising:
            flag.active = False
    if mark is None:
        session.add(Setting(key=DAY_MARK, value=today.isoformat()))
    else:
        mark.value = today.isoformat()
    try:
        session.commit()
    except IntegrityError:  # another scheduler flagged the same rises at the same moment
        session.rollback()
        return {"skipped": True}
    if new:
        logger.info("emerging trends: %s new, %s in all", len(new), len(rising))
    return {"rising": len(rising), "new": len(new)}


def _rise_of(session, key, today):
    """The flag of a rise starting ``today``: a new one, or the one a run for the same
    day made before (a forced run again, a day recomputed)."""
    return session.scalar(select(TrendFlag).where(
        TrendFlag.dimension == key[0], TrendFlag.value_key == key[1],
        TrendFlag.started_on == today)) or TrendFlag(dimension=key[0], value_key=key[1],
                                                     started_on=today)


def shown_trends(session, scope, today: date, limit: int = SHOWN_AT_MOST) -> list[dict]:
    """The active flags as ``scope`` (the reader's visibility) sees them: each recounted
    within it and kept only if it is a rise there too, so nobody learns of complaints
    they may not see. Highest score first."""
    sensitivity, minimum = parameters(session)
    bounds = week_bounds(today, get_setting(session, "time_zone"))
    flags = session.scalars(select(TrendFlag).where(TrendFlag.active.is_(True))
                            .order_by(TrendFlag.score.desc(), TrendFlag.id)).all()
    shown = []
    for flag in flags:
        key = (flag.dimension, flag.value_key)
        weeks = count_weeks(session, bounds, scope, only=key).get(key)
        subject = _subject(session, key)
        if weeks is None or subject is None:
            continue
        assessment = domain.assess(weeks, sensitivity, minimum)
        if assessment.rising:
            shown.append({"dimension": key[0], "value": key[1], "subject": subject,
                          "current": assessment.current,
                          "expected": round(assessment.expected),
                          "spread": round(assessment.spread), "since": bounds[-2],
                          "started_on": flag.started_on})
        if len(shown) == limit:
            break
    return shown


def _subject(session, key):
    """What a flag is about: the reference row, or (custom field, choice) — None when it
    was deleted since."""
    dimension, value = key
    if dimension in DIMENSIONS:
        return session.get(DIMENSIONS[dimension][1], int(value))
    if dimension in PAIRS:
        rows = [session.get(DIMENSIONS[part][1], int(v))
                for part, v in zip(PAIRS[dimension], value.split(PAIR_MARK), strict=True)]
        return None if None in rows else tuple(rows)
    field = session.get(CustomField, int(dimension[len(CUSTOM):]))
    if field is None:
        return None
    choices = {choice.code: choice for choice in fields_domain.parse_choices(field.choices)}
    return (field, choices.get(value)) if value in choices else None



def describe(trend: dict, language: str) -> str:
    """"Catégorie : Facturation" (or the custom field's label and the choice's), in
    ``language``."""
    subject = trend["subject"]
    with force_locale(language):
        if trend["dimension"] in DIMENSIONS:
            return _("%(dimension)s: %(value)s",
                     dimension=str(DIMENSION_LABELS[trend["dimension"]]),
                     value=_label(subject, language))
        if trend["dimension"] in PAIRS:
            return " × ".join(_label(row, language) for row in subject)
        field, choice = subject
        field_label = (field.label_en if language == "en" else field.label_fr) or field.key
        return _("%(dimension)s: %(value)s", dimension=field_label,
                 value=choice.label(language))


def _label(row, language: str) -> str:
    return (row.label_en if language == "en" else row.label_fr) or row.code
