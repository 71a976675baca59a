"""SMS against a loopback server speaking each provider's documented API (Twilio's
Messages resource and a generic gateway): success, refusal, timeout, outage and
recovery, exactly-once with concurrent delivery passes, and what the texts say."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from app.domain import events
from app.models import Event, OutboundSms
from app.models.outbox import FAILED, PENDING, SENT
from app.services import sms_outbox
from app.services.clock import utcnow
from app.services.sms_providers import FORM, HttpGateway, Twilio
from tests.integration.conftest import run_concurrently
from tests.integration.sms_server import TWILIO_SID, TWILIO_TOKEN, SmsServer

NUMBER = "+33612345678"
SENDER = "+33700000000"


@pytest.fixture(scope="module")
def sms_server():
    server = SmsServer().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def empty_sms_outbox(session, sms_server):
    session.execute(delete(OutboundSms))
    session.commit()
    sms_server.reset()


def twilio(server, token=TWILIO_TOKEN, timeout=5.0):
    return Twilio(account_sid=TWILIO_SID, auth_token=token, sender=SENDER,
                  base_url=server.url, timeout=timeout)


def gateway(server, **changes):
    values = dict(url=f"{server.url}/sms/send",
                  body_template='{"to": "{to}", "from": "{from}", "text": "{text}", "n": 1}',
                  headers={"Authorization": "Bearer key-123"}, sender="Reclam", timeout=5.0)
    values.update(changes)
    return HttpGateway(**values)


def queue(session, recipient=NUMBER, text="Votre réclamation REC-1 est « reçue ».", **kw):
    row = sms_outbox.queue_sms(session, recipient, text, **kw)
    session.commit()
    return row


def test_twilio_takes_the_documented_request_once(session, sms_server):
    row = queue(session)
    counts = sms_outbox.deliver_pending(session, twilio(sms_server))
    assert counts["sent"] == 1
    assert sms_outbox.deliver_pending(session, twilio(sms_server))["sent"] == 0
    [request] = sms_server.received
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.form == {"To": NUMBER, "From": SENDER,
                            "Body": "Votre réclamation REC-1 est « reçue »."}
    session.refresh(row)
    assert row.status == SENT and row.provider_id.startswith("SM") and row.attempts == 0


def test_twilio_refusing_a_number_fails_it_for_good(session, sms_server):
    sms_server.refuse.add(NUMBER)
    row = queue(session)
    assert sms_outbox.deliver_pending(session, twilio(sms_server))["failed"] == 1
    session.refresh(row)
    assert row.status == FAILED and row.attempts == 1
    assert "21211" in row.last_error and "not a valid phone number" in row.last_error
    later = utcnow() + timedelta(days=1)
    assert sms_outbox.deliver_pending(session, twilio(sms_server), now=later)["sent"] == 0
    assert len(sms_server.received) == 1  # never tried again


def test_wrong_credentials_are_retried_with_backoff(session, sms_server):
    row = queue(session)
    now = utcnow()
    counts = sms_outbox.deliver_pending(session, twilio(sms_server, token="wrong"), now=now)
    assert counts["retry"] == 1
    session.refresh(row)
    assert row.status == PENDING and row.attempts == 1 and "20003" in row.last_error
    assert row.next_attempt_at == now + timedelta(minutes=1)
    # Fixed by the admin: the next due pass sends it.
    assert sms_outbox.deliver_pending(session, twilio(sms_server),
                                      now=now + timedelta(minutes=2))["sent"] == 1


def test_generic_gateway_json_body_headers_and_quotes(session, sms_server):
    queue(session, text='Il a dit "bonjour" \\ à {to}')
    assert sms_outbox.deliver_pending(session, gateway(sms_server))["sent"] == 1
    [request] = sms_server.received
    assert (request.method, request.path) == ("POST", "/sms/send")
    assert request.headers["Authorization"] == "Bearer key-123"
    assert request.json == {"to": NUMBER, "from": "Reclam",
                            "text": 'Il a dit "bonjour" \\ à {to}', "n": 1}


def test_generic_gateway_form_and_get(session, sms_server):
    queue(session, text="Bonjour & merci")
    form = gateway(sms_server, body_format=FORM, body_template="dest={to}&msg={text}&src={from}")
    assert sms_outbox.deliver_pending(session, form)["sent"] == 1
    assert sms_server.received[-1].form == {"dest": NUMBER, "msg": "Bonjour & merci",
                                            "src": "Reclam"}
    queue(session, text="Deux mots")
    get = gateway(sms_server, method="GET", url=f"{sms_server.url}/send?to={{to}}&t={{text}}")
    assert sms_outbox.deliver_pending(session, get)["sent"] == 1
    assert sms_server.received[-1].method == "GET"
    assert sms_server.received[-1].path == "/send?to=%2B33612345678&t=Deux%20mots"


def test_gateway_refusal_fails_outage_retries_and_holds_the_batch(session, sms_server):
    sms_server.refuse.add("+33699999999")
    refused = queue(session, recipient="+33699999999")
    counts = sms_outbox.deliver_pending(session, gateway(sms_server))
    assert counts["failed"] == 1
    session.refresh(refused)
    assert "HTTP 400" in refused.last_error and "invalid destination" in refused.last_error
    sms_server.status = 503
    first, second = queue(session), queue(session, recipient="+33611111111")
    counts = sms_outbox.deliver_pending(session, gateway(sms_server))
    assert (counts["retry"], counts["pending"]) == (1, 2)
    session.refresh(first)
    session.refresh(second)
    assert (first.attempts, second.attempts) == (1, 0)  # the second waits, uncounted
    assert second.sending_started_at is None
    events_of_failure = session.scalars(select(Event).where(
        Event.kind == events.SMS_FAILED)).all()
    assert events_of_failure == []  # no complaint on these rows


def test_timeout_is_retried(session, sms_server):
    sms_server.delay = 1.5
    row = queue(session)
    counts = sms_outbox.deliver_pending(session, gateway(sms_server, timeout=0.3))
    assert counts["retry"] == 1
    session.refresh(row)
    assert row.status == PENDING and "timeout" in row.last_error


def test_two_concurrent_passes_send_each_sms_once(app, session, sms_server):
    for position in range(30):
        queue(session, recipient=f"+336123456{position:02d}", dedupe_key=f"t:{position}")
    provider = twilio(sms_server)
    run_concurrently(app, lambda s: sms_outbox.deliver_pending(s, provider, batch=10)
                     and sms_outbox.deliver_pending(s, provider, batch=50), workers=2)
    targets = sorted(request.form["To"] for request in sms_server.received)
    assert len(targets) == 30 and len(set(targets)) == 30
    assert session.scalar(select(OutboundSms.id).where(OutboundSms.status != SENT)) is None


def test_a_dedupe_key_queues_once(session):
    assert queue(session, dedupe_key="k:1") is not None
    assert queue(session, dedupe_key="k:1") is None


def test_no_provider_leaves_them_waiting_and_retry_requeues(session, sms_server):
    row = queue(session)
    assert sms_outbox.deliver_pending(session, None) == {"sent": 0, "retry": 0, "failed": 0,
                                                         "pending": 1}
    row.status, row.attempts = FAILED, 8
    session.commit()
    sms_outbox.retry(session, row)
    assert row.status == PENDING
    assert sms_outbox.deliver_pending(session, twilio(sms_server))["sent"] == 1
    with pytest.raises(sms_outbox.NotRetriable):
        sms_outbox.retry(session, row)
