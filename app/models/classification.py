"""The suggested classification (app/services/classification.py): the trained models and
the suggestions made for complaints that arrived without a category or request type."""

from sqlalchemy import Column, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text

from app.models.base import Model, utcnow


class ClassifierModel(Model):
    """One training of the text classifier, with its held-out evaluation. The latest row
    is the one in use; its ``payload`` is the pickled scikit-learn pipelines (written and
    read only by this application, never uploaded)."""

    __tablename__ = "classifier_model"

    id = Column(Integer, primary_key=True)
    trained_at = Column(DateTime, nullable=False, default=utcnow)
    seconds = Column(Float, nullable=False)
    samples = Column(Integer, nullable=False)
    held_out = Column(Integer, nullable=False)
    category_accuracy = Column(Float)
    category_macro_f1 = Column(Float)
    request_type_accuracy = Column(Float)
    request_type_macro_f1 = Column(Float)
    report = Column(Text)  # JSON: F1 and support per class, held out
    payload = Column(LargeBinary, nullable=False)


class ClassificationSuggestion(Model):
    """What the model suggested for one complaint, and whether it was applied."""

    __tablename__ = "classification_suggestion"

    complaint_id = Column(Integer, ForeignKey("complaint.id", ondelete="CASCADE"),
                          primary_key=True)
    model_id = Column(Integer, ForeignKey("classifier_model.id", ondelete="SET NULL"))
    category_id = Column(Integer, ForeignKey("category.id", ondelete="CASCADE"))
    category_confidence = Column(Float)
    request_type_id = Column(Integer, ForeignKey("request_type.id", ondelete="CASCADE"))
    request_type_confidence = Column(Float)
    # "" pending | "applied" by the intake | "accepted" by a person
    status = Column(String(10), nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=utcnow)
