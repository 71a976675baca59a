"""Suggested classification (app/services/classification.py): trained on the classified
complaints, suggested at intake, applied above the admin's threshold (never a confidential
category), accepted in one click, evaluated held out on the admin page."""

import random
from html import unescape

import pytest
from flask import g

from app.models import Category, ClassificationSuggestion, Event
from app.services import classification
from app.services.clock import utcnow
from app.services.settings import set_setting
from tests import factories as f

WATER = ["fuite d'eau au compteur", "canalisation percée dans la rue", "pression d'eau "
         "trop faible au robinet", "eau trouble et calcaire", "coupure d'eau sans préavis",
         "compteur d'eau qui tourne sans consommation"]
BILLING = ["facture trop élevée ce mois", "prélèvement en double sur mon compte",
           "remboursement du trop-perçu attendu", "montant de la facture incompréhensible",
           "échéancier de paiement refusé", "relance de paiement alors que j'ai payé"]
PRIVATE = ["harcèlement par un agent", "propos déplacés lors de l'intervention",
           "comportement menaçant du technicien"]


def _category(session, name):
    code = f.unique("clf")
    row = Category(code=code, label_fr=f"{name} {code}", label_en=f"{name} {code}")
    session.add(row)
    session.commit()
    return row


@pytest.fixture
def trained(session):
    rng = random.Random(18)
    water, billing, private = (_category(session, n) for n in ("Eau", "Facture", "Privé"))
    for category, phrases, confidential in ((water, WATER, False), (billing, BILLING, False),
                                            (private, PRIVATE, True)):
        for _ in range(25):
            f.make_complaint(session, category=category, confidential=confidential,
                             subject=rng.choice(phrases),
                             description=" ".join(rng.sample(phrases, 2)))
    model = classification.train_model(session, utcnow())
    assert model is not None and model.category_accuracy is not None
    return {"water": water, "billing": billing, "private": private, "model": model}


def test_a_complaint_without_category_gets_a_suggestion_not_applied_by_default(
        session, trained):
    complaint = f.make_complaint(session, subject="Fuite d'eau importante",
                                 description="le compteur d'eau fuit dans la cave")
    row = session.get(ClassificationSuggestion, complaint.id)
    # The fixture's categories of earlier tests learn the same texts: any "Eau" will do.
    assert session.get(Category, row.category_id).label_fr.startswith("Eau ")
    assert row.category_confidence > 0.3
    assert complaint.category_id is None and row.status == ""
    classified = f.make_complaint(session, subject="Fuite d'eau", category=trained["billing"])
    assert session.get(ClassificationSuggestion, classified.id) is None


def test_above_the_threshold_the_intake_applies_it_and_says_so(session, trained,
                                                               admin_client):
    set_setting(session, "suggestion_auto_apply", "1")
    session.commit()
    try:
        complaint = f.make_complaint(session, subject="Facture trop élevée",
                                     description="prélèvement en double, remboursement")
        hidden = f.make_complaint(session, subject="Harcèlement par un agent",
                                  description="comportement menaçant du technicien")
    finally:
        set_setting(session, "suggestion_auto_apply", "0")
        session.commit()
    assert complaint.category.label_fr.startswith("Facture ")
    row = session.get(ClassificationSuggestion, complaint.id)
    assert row.status == "applied"
    [event] = [e for e in complaint.events if e.field == "category"]
    assert event.detail == f"suggested:{round(row.category_confidence * 100)}"
    # A confidential category is suggested, never applied.
    suggested = session.get(ClassificationSuggestion, hidden.id).category_id
    assert session.get(Category, suggested).label_fr.startswith("Privé ")
    assert hidden.category_id is None
    page = unescape(admin_client.get(f"/complaints/show/{complaint.id}").get_data(
        as_text=True)).replace("\u00a0", " ")
    assert f"Catégorie suggérée ({round(row.category_confidence * 100)} %) appliquée" in page


def test_one_click_accept_from_the_complaint_page(session, trained, supervisor_client):
    complaint = f.make_complaint(session, subject="Coupure d'eau sans préavis",
                                 description="pression d'eau trop faible")
    page = supervisor_client.get(f"/complaints/show/{complaint.id}").get_data(as_text=True)
    assert 'id="suggestion"' in page and "Eau clf" in unescape(page)
    response = supervisor_client.post(f"/complaints/{complaint.id}/suggestion",
                                      follow_redirects=True)
    assert response.status_code == 200
    session.expire_all()
    assert complaint.category.label_fr.startswith("Eau ")
    assert session.get(ClassificationSuggestion, complaint.id).status == "accepted"
    assert session.query(Event).filter_by(complaint_id=complaint.id, field="category").one()
    for name in list(g):
        g.pop(name)
    page = supervisor_client.get(f"/complaints/show/{complaint.id}").get_data(as_text=True)
    assert 'id="suggestion"' not in page  # nothing left to suggest


def test_the_admin_page_shows_the_held_out_figures(session, trained, admin_client,
                                                   supervisor_client):
    page = admin_client.get("/config/classification/?_l_=en").get_data(as_text=True)
    assert 'id="category-accuracy"' in page and "Held-out accuracy" in page
    assert f"{trained['model'].samples:,} complaints" in page
    for name in list(g):  # the test's app context outlives the requests
        g.pop(name)
    assert supervisor_client.get("/config/classification/").status_code in (302, 403)


def test_the_threshold_setting_is_checked(session):
    from app.services.exceptions import ServiceError
    for value in ("101", "-1", "abc"):
        with pytest.raises(ServiceError):
            set_setting(session, "suggestion_auto_apply", value)
