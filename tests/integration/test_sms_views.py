"""Configuration → SMS (secrets never shown back, bad settings refused whole) and
Audit → SMS (the list beside the emails, retry), in French and English."""

from sqlalchemy import delete, select

from app.models import OutboundSms, Setting
from app.models.outbox import FAILED, PENDING
from app.services import sms_outbox, sms_settings
from tests import factories as f
from tests.conftest import login

TOKEN = "very-secret-token-42"
TWILIO = {"sms_provider": "twilio", "sms_sender": "+33700000000", "sms_region": "fr",
          "sms_twilio_account_sid": "AC123", "sms_twilio_auth_token": TOKEN,
          "sms_twilio_base_url": "https://api.twilio.com", "sms_http_method": "POST",
          "sms_http_format": "json", "sms_http_body": "{}"}


def save(client, values):
    page = client.get("/config/sms/")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/config/sms/", data={**values, "csrf_token": token},
                       follow_redirects=True)


def stored(dbs):
    with dbs() as s:
        return sms_settings.load(s)


def test_settings_are_saved_and_the_token_never_shown(app, admin_client, dbs):
    with dbs() as s:
        s.execute(delete(Setting).where(Setting.key.like("sms_%")))
        s.commit()
    page = save(admin_client, TWILIO)
    html = page.get_data(as_text=True)
    assert "Paramètres SMS enregistrés." in html and TOKEN not in html
    assert stored(dbs)["sms_twilio_auth_token"] == TOKEN
    assert stored(dbs)["sms_region"] == "FR"
    with dbs() as s:  # encrypted at rest: a copy of the database does not give it away
        raw = s.get(Setting, "sms_twilio_auth_token").value
    assert raw and TOKEN not in raw
    # Saved again without the token: it is kept.
    save(admin_client, {**TWILIO, "sms_twilio_auth_token": "", "sms_sender": "MGabc"})
    assert stored(dbs)["sms_twilio_auth_token"] == TOKEN
    assert stored(dbs)["sms_sender"] == "MGabc"
    assert TOKEN not in admin_client.get("/config/settings/list/").get_data(as_text=True)
    with app.app_context():
        from app.extensions import db

        provider = sms_settings.provider_from(sms_settings.load(db.session), 3)
    assert (provider.account_sid, provider.auth_token, provider.sender) == (
        "AC123", TOKEN, "MGabc")


def test_bad_settings_are_refused_whole(admin_client, dbs):
    before = stored(dbs)
    page = save(admin_client, {**TWILIO, "sms_provider": "http", "sms_http_url": "ftp://x",
                               "sms_region": "ZZ", "sms_http_body": "{not json"})
    html = page.get_data(as_text=True)
    assert "La région par défaut est un code pays" in html
    assert "L’adresse de la passerelle doit commencer" in html
    assert "Le modèle de corps n’est pas du JSON valide." in html
    assert stored(dbs) == before


def test_only_admins_open_the_sms_pages(app):
    agent = login(app.test_client(), "agent")
    assert agent.get("/config/sms/").status_code in (302, 403)
    assert agent.get("/outbox-sms/list/").status_code in (302, 403)


def test_audit_lists_sms_and_retries_a_failed_one(app, admin_client, dbs):
    with dbs() as s:
        s.execute(delete(OutboundSms))
        complaint = f.make_complaint(s)
        row = sms_outbox.queue_sms(s, "+33612345678", "Bonjour", complaint=complaint)
        row.status, row.attempts, row.last_error = FAILED, 1, "SmsRefused: HTTP 400: 21211"
        s.commit()
        pk, number = row.id, complaint.tracking_number
    html = admin_client.get("/outbox-sms/list/").get_data(as_text=True)
    assert "+33612345678" in html and "21211" in html and number in html
    assert "label-danger" in html
    english = admin_client.get("/outbox-sms/list/?_l_=en").get_data(as_text=True)
    assert "Recipient" in english
    shown = admin_client.get(f"/outbox-sms/show/{pk}").get_data(as_text=True)
    assert "Bonjour" in shown
    token = shown.split('name="csrf_token" value="')[1].split('"')[0] \
        if 'name="csrf_token" value="' in shown else None
    response = admin_client.post("/outbox-sms/action_post",
                                 data={"action": "retry", "rowid": [str(pk)],
                                       "csrf_token": token})
    assert response.status_code == 302
    with dbs() as s:
        assert s.scalars(select(OutboundSms.status).where(OutboundSms.id == pk)).one() \
            == PENDING


def test_the_complaint_page_lists_its_sms(admin_client, dbs):
    with dbs() as s:
        complaint = f.make_complaint(s, complainant_phone="06 12 34 56 78")
        pk, number = complaint.id, complaint.tracking_number
    html = admin_client.get(f"/complaints/show/{pk}").get_data(as_text=True)
    assert 'class="table table-condensed rec-sms"' in html
    assert "+33612345678" in html and f"numéro {number}" in html
