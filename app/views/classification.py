"""Configuration → Suggested classification: the current model's held-out figures and
when it was trained, and training on demand (admins only)."""

import json

from flask import flash, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from app.extensions import db
from app.models import Category, RequestType
from app.services import classification
from app.services.clock import utcnow
from app.services.settings import get_setting
from app.views.labels import COMPLAINT_LABELS

MODELS = {"category": Category, "request_type": RequestType}


class ClassificationView(BaseView):
    route_base = "/config/classification"
    default_view = "index"
    base_permissions = ["can_index", "can_train"]
    method_permission_name = {"index": "index", "train": "train"}

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        model = classification.current_model(session)
        return self.render_template(
            "classification.html", title=_("Suggested classification"), model=model,
            classes=_per_class(session, model),
            threshold=int(get_setting(session, "suggestion_auto_apply") or 0),
            labels=COMPLAINT_LABELS)

    @expose("/train", methods=["POST"])
    @has_access
    def train(self):
        model = classification.train_model(db.session, utcnow())
        if model is None:
            flash(_("Too few classified complaints to learn from (at least %(n)s, of two "
                    "categories or more).", n=classification.MIN_SAMPLES), "warning")
        else:
            flash(_("Model trained on %(n)s complaints.", n=model.samples), "success")
        return redirect(url_for("ClassificationView.index"))


def _per_class(session, model) -> dict:
    """``{target: [(label, F1 in percent, held-out count)]}`` of the current model."""
    if model is None or not model.report:
        return {}
    shown = {}
    for target, classes in json.loads(model.report).items():
        rows = []
        for value, scores in classes.items():
            row = session.get(MODELS[target], int(value))
            rows.append((str(row) if row else value, 100 * scores["f1"], scores["support"]))
        shown[target] = sorted(rows, key=lambda r: -r[2])
    return shown
