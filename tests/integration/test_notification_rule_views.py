"""Admins manage notification rules from Configuration; a rule that cannot work is
refused with the reasons, and nothing is saved."""

import pytest
from sqlalchemy import select

from app.models import NotificationRule
from app.services import setup
from config import ROOT
from tests import factories as f


def rule_named(s, name):
    return s.scalars(select(NotificationRule).where(NotificationRule.name == name)).one_or_none()


def test_admin_adds_a_rule_and_sees_it_listed_in_words(admin_client, dbs):
    name = f.unique("Sans action ")
    response = admin_client.post("/config/notification-rules/add", data={
        "name": name, "condition": "no_action", "days": "5", "to_assignee": "y",
        "to_team_manager": "y", "fixed_address": "", "by_email": "y", "on_screen": "y",
        "active": "y"})
    assert response.status_code == 302
    with dbs() as s:
        rule = rule_named(s, name)
        assert (rule.condition, rule.days, rule.to_assignee, rule.to_team_manager,
                rule.to_supervisors, rule.by_email, rule.on_screen) == (
            "no_action", 5, True, True, False, True, True)
        rule.active = False  # the register is shared: keep it from other tests' scans
        s.commit()
    html = admin_client.get("/config/notification-rules/list/?_l_=fr").get_data(as_text=True)
    assert name in html and "Ouverte sans action depuis N jours" in html


@pytest.mark.parametrize("form, message", [
    ({"condition": "no_action", "days": "", "to_assignee": "y", "by_email": "y"},
     "Cette condition demande un nombre de jours."),
    ({"condition": "overdue", "days": "3", "to_assignee": "y", "by_email": "y"},
     "Cette condition ne prend pas de nombre de jours\u00a0: laissez-le vide."),
    ({"condition": "overdue", "by_email": "y"}, "Choisissez au moins un destinataire."),
    ({"condition": "overdue", "to_assignee": "y"},
     "Choisissez au moins un canal : e-mail, à l’écran ou SMS."),
    ({"condition": "overdue", "fixed_address": "qualite@example.org", "on_screen": "y"},
     "Une adresse fixe ne peut recevoir que des e-mails"),
    ({"condition": "overdue", "fixed_address": "pas une adresse", "by_email": "y"},
     "Adresse e-mail invalide."),
    ({"condition": "due_within", "days": "0", "to_assignee": "y", "by_email": "y"},
     "Le nombre doit être compris entre 1 et 365."),
    ({"condition": "explode", "to_assignee": "y", "by_email": "y"}, "N'est pas un choix valide."),
    ({"condition": "due_within", "days": "deux", "to_assignee": "y", "by_email": "y"},
     "N'est pas un entier valide."),
])
def test_a_rule_that_cannot_work_is_refused(admin_client, dbs, form, message):
    name = f.unique("Refusée ")
    response = admin_client.post("/config/notification-rules/add?_l_=fr",
                                 data={"name": name, "active": "y", **form})
    assert response.status_code in (200, 302)
    page = admin_client.get("/config/notification-rules/list/") if response.status_code == 302 \
        else response
    shown = " ".join(f.messages(page)) + page.get_data(as_text=True)
    assert message in shown or message.lower() in shown.lower()
    with dbs() as s:
        assert rule_named(s, name) is None


def test_agents_cannot_reach_the_rules(agent_client):
    response = agent_client.get("/config/notification-rules/list/")
    assert response.status_code in (302, 403)


def test_setup_seeds_the_two_deadline_rules_once(dbs):
    with dbs() as s:
        labels = setup.Labels(ROOT / "translations")
        existing = s.scalars(select(NotificationRule.id)).first()
        added = setup.seed_notification_rules(s, labels)
        if existing is None:
            assert added == 2
            seeded = s.scalars(select(NotificationRule).order_by(NotificationRule.id)).all()
            assert [(r.name, r.condition, r.to_assignee, r.to_team_manager) for r in seeded] == [
                ("Échéance proche", "due_within", True, True),
                ("Échéance dépassée", "overdue", True, True)]
            for rule in seeded:
                rule.active = False
            s.commit()
        assert setup.seed_notification_rules(s, labels) == 0


def test_an_edited_rule_reads_the_whole_register_again(admin_client, dbs):
    from datetime import datetime

    name = f.unique("Modifiée ")
    with dbs() as s:
        rule = NotificationRule(name=name, condition="overdue", to_assignee=True,
                                by_email=True, on_screen=False, active=False,
                                checked_until=datetime(2026, 11, 20, 9, 0))
        s.add(rule)
        s.commit()
        pk = rule.id
    response = admin_client.post(f"/config/notification-rules/edit/{pk}", data={
        "name": name, "condition": "due_within", "days": "2", "to_assignee": "y",
        "by_email": "y"})
    assert response.status_code == 302
    with dbs() as s:
        rule = s.get(NotificationRule, pk)
        assert (rule.condition, rule.days, rule.checked_until) == ("due_within", 2, None)
