"""Per account, besides the per-address limit: after LOGIN_LOCK_AFTER failed sign-ins in
a row the account waits (growing, capped short) before its password is checked again,
and its owner is emailed once. The answer, and the work behind it, are the same for a
locked account, a wrong password and an unknown user. The testing configuration keeps
the lock off; these tests build an application with it on."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AppUser, OutboundEmail
from app.services.clock import utcnow
from tests import factories as f

AFTER, FIRST, CAP = 3, 60, 240
PASSWORD = "Right-pass-456"
MESSAGE = ("Invalid login. Please try again. After several failed attempts in a row, an "
           "account waits a few minutes.")


@pytest.fixture(scope="module")
def lock_app(make_app):
    return make_app(LOGIN_LOCK_AFTER=AFTER, LOGIN_LOCK_SECONDS=FIRST,
                    LOGIN_LOCK_MAX_SECONDS=CAP, SECRET_KEY="login-lock-tests-" + "x" * 32)


@pytest.fixture
def owner(lock_app):
    """A fresh account (the shared users collect failures in other tests)."""
    from app.extensions import db

    with lock_app.app_context():
        user = f.make_user(lock_app.appbuilder, "Agent", PASSWORD)
        user.language = "en"
        db.session.commit()
        return user.username, user.email


def sign_in(client, username, password):
    return client.post("/login/?_l_=en", data={"username": username, "password": password},
                       follow_redirects=True)


def signed_in(client) -> bool:
    return client.get("/complaints/list/").status_code == 200


def account(app, username):
    from app.extensions import db

    with app.app_context():
        user = db.session.scalars(select(AppUser).where(AppUser.username == username)).one()
        db.session.expunge(user)
        return user


def emails_to(app, address):
    from app.extensions import db

    with app.app_context():
        rows = db.session.scalars(select(OutboundEmail)
                                  .where(OutboundEmail.recipient == address)).all()
        db.session.expunge_all()
        return rows


def fail(client, username, times):
    return [f.messages(sign_in(client, username, "wrong-password")) for _ in range(times)]


def test_failures_in_a_row_lock_the_account_and_tell_its_owner(lock_app, owner):
    username, email = owner
    client = lock_app.test_client()
    started = utcnow()

    fail(client, username, AFTER)
    response = sign_in(client, username, PASSWORD)  # the right password, too soon

    assert MESSAGE in f.messages(response)
    assert not signed_in(client)
    until = account(lock_app, username).login_locked_until
    assert started + timedelta(seconds=FIRST - 5) < until <= utcnow() + timedelta(seconds=FIRST)
    [warning] = emails_to(lock_app, email)
    assert warning.subject == "Your account was locked after failed sign-ins"
    assert f"{AFTER} sign-ins in a row failed on your account “{username}”" in warning.body_text
    assert "waits 60 seconds before any password is checked" in warning.body_text


def test_the_rest_login_is_locked_too(lock_app, owner):
    username, _ = owner
    fail(lock_app.test_client(), username, AFTER)

    response = lock_app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db"})

    assert response.status_code == 401


def test_the_lock_ends_and_a_right_password_clears_it(lock_app, owner):
    from app.extensions import db

    username, email = owner
    client = lock_app.test_client()
    fail(client, username, AFTER)
    with lock_app.app_context():  # the wait is over
        user = db.session.scalars(select(AppUser).where(AppUser.username == username)).one()
        user.login_locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()

    sign_in(client, username, PASSWORD)

    assert signed_in(client)
    user = account(lock_app, username)
    assert user.login_locked_until is None and user.fail_login_count == 0
    assert len(emails_to(lock_app, email)) == 1


def test_the_wait_grows_then_stops_at_the_cap_with_one_email(lock_app, owner):
    from app.extensions import db

    username, email = owner
    client = lock_app.test_client()
    fail(client, username, AFTER - 1)
    waits = []
    for _ in range(4):
        fail(client, username, 1)
        with lock_app.app_context():
            user = db.session.scalars(select(AppUser)
                                      .where(AppUser.username == username)).one()
            waits.append(round((user.login_locked_until - utcnow()).total_seconds() / 60))
            user.login_locked_until = utcnow() - timedelta(seconds=1)  # wait over
            db.session.commit()

    assert waits == [1, 2, 4, 4]
    assert len(emails_to(lock_app, email)) == 1


def test_attempts_during_the_lock_do_not_extend_it(lock_app, owner):
    username, _ = owner
    client = lock_app.test_client()
    fail(client, username, AFTER)
    until = account(lock_app, username).login_locked_until

    fail(client, username, 5)

    user = account(lock_app, username)
    assert user.login_locked_until == until and user.fail_login_count == AFTER


def test_the_answer_is_the_same_for_locked_wrong_and_unknown(lock_app, owner):
    username, _ = owner
    client = lock_app.test_client()
    [wrong, *_] = fail(client, username, AFTER)
    locked = f.messages(sign_in(client, username, PASSWORD))
    unknown = f.messages(sign_in(client, f.unique("nobody"), PASSWORD))

    assert wrong == locked == unknown == [MESSAGE]
    api = lock_app.test_client()
    answers = {api.post("/api/v1/security/login", json={
        "username": name, "password": PASSWORD, "provider": "db"}).get_data()
        for name in (username, f.unique("nobody"))}
    assert len(answers) == 1


def test_a_locked_account_costs_the_same_work_as_an_unknown_one(lock_app, owner,
                                                                 monkeypatch):
    """Same hash check and same commit, so the timing tells nothing either."""
    from flask_appbuilder.security import manager as fab_manager

    from app import security

    username, _ = owner
    fail(lock_app.test_client(), username, AFTER)
    calls = []
    for module in (security, fab_manager):
        real = module.check_password_hash
        monkeypatch.setattr(module, "check_password_hash",
                            lambda *a, _real=real: calls.append("hash") or _real(*a))
    sm = type(lock_app.appbuilder.sm)
    real_noop = sm.noop_user_update
    monkeypatch.setattr(sm, "noop_user_update",
                        lambda self, user: calls.append("commit") or real_noop(self, user))

    work = {}
    for name in (username, f.unique("nobody")):
        calls.clear()
        sign_in(lock_app.test_client(), name, PASSWORD)
        work[name] = list(calls)

    assert list(work.values())[0] == list(work.values())[1] == ["hash", "commit"]


def test_the_testing_configuration_never_locks(app):
    from tests.conftest import PASSWORD as SHARED
    from tests.conftest import login

    client = app.test_client()
    for _ in range(8):
        sign_in(client, "viewer", "wrong-password")

    assert signed_in(login(client, "viewer", SHARED))
