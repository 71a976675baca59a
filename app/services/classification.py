"""Suggested classification (issue [18]): a TF-IDF + logistic regression text classifier
learnt from the organisation's own classified complaints (subject + description), trained
by a scheduler job, kept in the database; nothing leaves the server.

For a complaint that arrives without a category or request type, the intake stores a
suggestion with its confidence; above the admin's threshold (setting
``suggestion_auto_apply``, 0 = off) it applies it, except a confidential category.
Accepting or changing the category is what the next training learns from: it learns from
the complaints' categories, whoever set them.
"""

import json
import logging
import pickle
import time
import warnings

from sqlalchemy import func, select

from app.domain import classification as domain
from app.models import Category, ClassificationSuggestion, ClassifierModel, Complaint, RequestType
from app.services.settings import get_setting

logger = logging.getLogger(__name__)

TARGETS = {"category": Complaint.category_id, "request_type": Complaint.request_type_id}
MODELS = {"category": Category, "request_type": RequestType}
TRAIN_AT_MOST = 50_000  # the most recent classified complaints
MIN_SAMPLES = 20
HELD_OUT = 0.2
_loaded: dict = {}  # model id -> unpickled payload (one per process)


def text_of(subject: str | None, description: str | None) -> str:
    return f"{subject or ''}\n{description or ''}".strip()


def make_pipeline():
    """The classifier: words and word pairs weighted by TF-IDF, accents folded, then a
    multinomial logistic regression (calibrated enough to read its probability as a
    confidence)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline as pipeline

    return pipeline(TfidfVectorizer(strip_accents="unicode", sublinear_tf=True,
                                    ngram_range=(1, 2), min_df=1, max_features=200_000),
                    LogisticRegression(max_iter=1000, C=4.0))


def evaluate(texts: list[str], labels: list, seed: int = 0) -> dict:
    """Fit on 80 %, score on the 20 % held out: accuracy, macro-F1 and F1 per class."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
    from sklearn.model_selection import train_test_split

    counts = {label: labels.count(label) for label in set(labels)}
    stratify = labels if min(counts.values()) >= 2 else None
    train_x, test_x, train_y, test_y = train_test_split(
        texts, labels, test_size=HELD_OUT, random_state=seed, stratify=stratify)
    model = make_pipeline().fit(train_x, train_y)
    predicted = model.predict(test_x)
    classes = sorted(set(test_y), key=str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a class never predicted has an undefined precision
        _p, _r, f1s, support = precision_recall_fscore_support(
            test_y, predicted, labels=classes, zero_division=0)
        macro = f1_score(test_y, predicted, average="macro", zero_division=0)
    return {"accuracy": float(accuracy_score(test_y, predicted)), "macro_f1": float(macro),
            "held_out": len(test_y),
            "per_class": {str(c): {"f1": float(f), "support": int(s)}
                          for c, f, s in zip(classes, f1s, support, strict=True)}}


def train_model(session, now) -> ClassifierModel | None:
    """Train on the most recent classified complaints, evaluate held out, refit on all,
    store; commit. None when there is too little to learn from."""
    started = time.perf_counter()
    rows = session.execute(
        select(Complaint.subject, Complaint.description, Complaint.category_id,
               Complaint.request_type_id, Complaint.confidential)
        .where(Complaint.anonymised_at.is_(None), Complaint.merged_into_id.is_(None))
        .order_by(Complaint.id.desc()).limit(TRAIN_AT_MOST)).all()
    payload, figures, report = {}, {}, {}
    for index, name in enumerate(TARGETS):
        pairs = [(text_of(r[0], r[1]), r[2 + index]) for r in rows
                 if r[2 + index] is not None and text_of(r[0], r[1])]
        if len(pairs) < MIN_SAMPLES or len({label for _t, label in pairs}) < 2:
            continue
        texts, labels = [t for t, _l in pairs], [label for _t, label in pairs]
        scores = evaluate(texts, labels)
        payload[name] = make_pipeline().fit(texts, labels)
        figures[name], report[name] = scores, scores["per_class"]
    if not payload:
        return None
    shares: dict = {}
    for _s, _d, category, _rt, confidential in rows:
        if category is not None:
            hidden, total = shares.get(category, (0, 0))
            shares[category] = (hidden + bool(confidential), total + 1)
    payload["confidential_categories"] = domain.confidential_categories(shares)
    model = ClassifierModel(
        trained_at=now, seconds=round(time.perf_counter() - started, 2),
        samples=len(rows), held_out=max(f["held_out"] for f in figures.values()),
        report=json.dumps(report), payload=pickle.dumps(payload),
        **{f"{name}_{figure}": figures[name][figure] for name in figures
           for figure in ("accuracy", "macro_f1")})
    session.add(model)
    session.commit()
    logger.info("classifier trained on %s complaints in %ss", model.samples, model.seconds)
    return model


def current_model(session) -> ClassifierModel | None:
    return session.scalar(select(ClassifierModel).order_by(ClassifierModel.id.desc()).limit(1))


def _payload(session) -> tuple[int, dict] | None:
    model_id = session.scalar(select(func.max(ClassifierModel.id)))
    if model_id is None:
        return None
    if model_id not in _loaded:
        _loaded.clear()
        # Our own pickle, written by train_model into our own database.
        _loaded[model_id] = pickle.loads(session.get(ClassifierModel, model_id).payload)
    return model_id, _loaded[model_id]


def suggest(session, complaint: Complaint) -> dict | None:
    """Predict what ``complaint`` lacks (category, request type) from its text, and apply
    what passes the admin's threshold; ``{field: (id, confidence, applied)}`` for
    ``record`` after the complaint is flushed, or None (nothing lacking, no model)."""
    missing = [name for name, column in TARGETS.items()
               if getattr(complaint, column.key) is None
               and getattr(complaint, name) is None]
    text = text_of(complaint.subject, complaint.description)
    loaded = _payload(session) if missing and text else None
    if loaded is None:
        return None
    model_id, payload = loaded
    threshold = int(get_setting(session, "suggestion_auto_apply") or 0)
    found = {"model_id": model_id}
    for name in missing:
        pipeline = payload.get(name)
        if pipeline is None:
            continue
        probabilities = pipeline.predict_proba([text])[0]
        best = int(probabilities.argmax())
        value, confidence = int(pipeline.classes_[best]), float(probabilities[best])
        if session.get(MODELS[name], value) is None:
            continue  # deleted since the training
        confidential = name == "category" and value in payload["confidential_categories"]
        applied = domain.auto_applies(confidence, threshold, confidential)
        if applied:
            setattr(complaint, name, session.get(MODELS[name], value))
        found[name] = (value, confidence, applied)
    return found if len(found) > 1 else None


def record(session, complaint: Complaint, found: dict | None) -> list[tuple]:
    """Store the suggestion of a flushed complaint; the (field, new id, detail) of each
    applied one, for its history."""
    if not found:
        return []
    row = ClassificationSuggestion(complaint_id=complaint.id, model_id=found["model_id"])
    applied = []
    for name in TARGETS:
        if name in found:
            value, confidence, done = found[name]
            setattr(row, f"{name}_id", value)
            setattr(row, f"{name}_confidence", confidence)
            if done:
                applied.append((name, value, f"suggested:{domain.percent(confidence)}"))
    row.status = "applied" if applied else ""
    session.add(row)
    return applied


def suggestion_of(session, complaint: Complaint) -> dict | None:
    """What to show on the complaint page: each suggested value the complaint still lacks
    or differs from, with its confidence in percent."""
    row = session.get(ClassificationSuggestion, complaint.id)
    if row is None:
        return None
    shown = {}
    for name in TARGETS:
        value = getattr(row, f"{name}_id")
        if value is not None and getattr(complaint, f"{name}_id") != value:
            shown[name] = (session.get(MODELS[name], value),
                           domain.percent(getattr(row, f"{name}_confidence")))
    return shown or None


def accept_suggestion(session, complaint: Complaint, actor) -> list[str]:
    """Give the complaint the suggested category and request type (as an edit by
    ``actor``, logged in its history); commit; the fields changed."""
    from app.services import complaints

    shown = suggestion_of(session, complaint) or {}
    for name, (value, _confidence) in shown.items():
        setattr(complaint, name, value)
    changed = complaints.stage_update(session, complaint, actor)
    row = session.get(ClassificationSuggestion, complaint.id)
    if row is not None and changed:
        row.status = "accepted"
    session.commit()
    return changed
