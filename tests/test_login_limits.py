"""Passwords cannot be guessed without limit: failed logins are counted per account and per
(account, address) pair, on the login page and on the token endpoint alike; past the limit even
the right password is refused, with a clear message and the wait, until the cool-off has passed.
One address alone is refused only past a much higher limit across accounts, so that one user's
failures do not lock out an office behind one NAT. The
search page and the password reset are throttled too, and the reset is offered only when e-mail
is configured."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from .helpers import PASSWORD

LOGIN = "/accounts/login/"
TOKEN = "/api/auth/token/"
LIMIT = 5  # settings.AXES_FAILURE_LIMIT
ADDRESS_LIMIT = 50  # settings.LOGIN_ADDRESS_FAILURE_LIMIT


def log_in(client: Client, username: str, password: str, address: str = "127.0.0.1", **extra: str):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def token(client: Client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        TOKEN,
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def test_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused(
    client: Client, analyst: User
) -> None:
    for _ in range(LIMIT - 1):
        assert log_in(client, "alice", "wrong").status_code == 200  # the form, with its error
    locked = log_in(client, "alice", "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins for this account or from this address" in locked.text
    assert "Try again in 15 minutes." in locked.text
    assert locked["Retry-After"] == str(15 * 60)

    right = log_in(client, "alice", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_explained_in_japanese(client: Client, analyst: User) -> None:
    for _ in range(LIMIT):
        response = log_in(client, "alice", "wrong", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 429
    assert "15分後にもう一度お試しください" in response.text


def test_one_users_failures_do_not_lock_out_the_office_behind_the_same_address(
    client: Client, analyst: User, second_analyst: User
) -> None:
    office = "203.0.113.20"
    for _ in range(LIMIT):
        log_in(client, "alice", "wrong", address=office)
    # alice is locked out, from the office and from anywhere else…
    assert log_in(client, "alice", PASSWORD, address=office).status_code == 429
    assert log_in(client, "alice", PASSWORD, address="198.51.100.7").status_code == 429
    assert token(client, "alice", PASSWORD, address=office).status_code == 429
    # …and bob, at the next desk, logs in with his right password.
    assert token(client, "bob", PASSWORD, address=office).status_code == 200
    bob = log_in(client, "bob", PASSWORD, address=office)
    assert bob.status_code == 302 and client.session["_auth_user_id"] == str(second_analyst.pk)
    # bob's success does not wipe alice's failures from the same address.
    assert log_in(Client(), "alice", PASSWORD, address=office).status_code == 429


def test_a_few_failures_of_several_users_behind_one_address_lock_no_one(
    client: Client, analyst: User, db: None
) -> None:
    office = "203.0.113.21"
    for number in range(8):
        User.objects.create_user(f"colleague{number}", password=PASSWORD)
        for _ in range(LIMIT - 1):
            log_in(client, f"colleague{number}", "wrong", address=office)
    assert log_in(client, "alice", PASSWORD, address=office).status_code == 302


def test_one_address_cannot_try_many_accounts(client: Client, db: None) -> None:
    attacker = "192.0.2.66"
    for number in range(ADDRESS_LIMIT):  # under every account's own limit
        name = f"user{number // (LIMIT - 1)}"
        if not User.objects.filter(username=name).exists():
            User.objects.create_user(name, password=PASSWORD)
        assert log_in(client, name, "wrong", address=attacker).status_code in (200, 429)
    User.objects.create_user("another", password=PASSWORD)
    refused = log_in(client, "another", PASSWORD, address=attacker)
    assert refused.status_code == 429 and refused["Retry-After"] == str(15 * 60)
    # The accounts themselves are not locked: their users log in from elsewhere.
    assert log_in(client, "another", PASSWORD, address="198.51.100.8").status_code == 302


def test_one_address_under_its_limit_is_not_locked(client: Client, db: None) -> None:
    attacker = "192.0.2.67"
    for number in range(ADDRESS_LIMIT - 1):
        name = f"user{number // (LIMIT - 1)}"
        if not User.objects.filter(username=name).exists():
            User.objects.create_user(name, password=PASSWORD)
        log_in(client, name, "wrong", address=attacker)
    User.objects.create_user("another", password=PASSWORD)
    assert log_in(client, "another", PASSWORD, address=attacker).status_code == 302


def test_many_addresses_cannot_try_one_account(client: Client, analyst: User) -> None:
    for number in range(LIMIT):
        log_in(client, "alice", "wrong", address=f"192.0.2.{number + 1}")
    assert log_in(client, "alice", PASSWORD, address="198.51.100.7").status_code == 429


def test_a_forged_forwarded_for_does_not_reset_the_count(client: Client, analyst: User) -> None:
    for number in range(ADDRESS_LIMIT):
        name = f"guess{number // (LIMIT - 1)}"
        log_in(client, name, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
    assert log_in(client, "bob-does-not-exist", "x").status_code == 429  # same socket address


def test_the_token_endpoint_counts_the_same_failures_and_answers_json(
    client: Client, analyst: User
) -> None:
    for _ in range(LIMIT - 1):
        assert token(client, "alice", "wrong").status_code == 400
    locked = token(client, "alice", "wrong")
    assert locked.status_code == 429 and locked["Retry-After"] == str(15 * 60)
    assert locked.json() == {
        "detail": "Too many failed logins for this account or from this address: "
        "try again in 15 minutes.",
        "field": None,
        "status": 429,
    }
    refused = token(client, "alice", PASSWORD)
    assert refused.status_code == 429 and "token" not in refused.json()
    # …and the login page knows it too: the limit is one, whichever way the guesses come.
    assert log_in(client, "alice", PASSWORD).status_code == 429


def test_the_right_password_works_again_after_the_cool_off(client: Client, analyst: User) -> None:
    for _ in range(LIMIT):
        log_in(client, "alice", "wrong")
    assert log_in(client, "alice", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(client, "alice", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(analyst.pk)


def test_a_success_below_the_limit_starts_the_count_again(client: Client, analyst: User) -> None:
    for _ in range(LIMIT - 1):
        log_in(client, "alice", "wrong")
    assert token(client, "alice", PASSWORD).status_code == 200
    for _ in range(LIMIT - 1):
        log_in(client, "alice", "wrong")
    assert token(client, "alice", PASSWORD).status_code == 200


def test_the_search_page_is_throttled(client: Client, db: None, settings: object) -> None:
    settings.API_THROTTLE_RATES = {  # type: ignore[attr-defined]
        **settings.API_THROTTLE_RATES,  # type: ignore[attr-defined]
        "search": "3/minute",
    }
    for _ in range(3):
        assert client.get("/search/", {"q": "同盟"}).status_code == 200
    refused = client.get("/search/", {"q": "同盟"})
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert "too many requests in a short time" in refused.text


def test_without_e_mail_the_password_reset_says_it_is_not_available(
    client: Client, db: None
) -> None:
    response = client.get("/accounts/password_reset/")
    assert response.status_code == 404
    assert "Password reset by e-mail is not available on this site." in response.text
    assert client.post("/accounts/password_reset/", {"email": "a@example.org"}).status_code == 404
    assert "password_reset" not in client.get(LOGIN).text


@pytest.fixture
def e_mail(settings: object) -> None:
    settings.PASSWORD_RESET = True  # type: ignore[attr-defined]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]


def test_with_e_mail_the_reset_is_sent_and_throttled(
    client: Client, analyst: User, e_mail: None
) -> None:
    analyst.email = "alice@example.org"
    analyst.save()
    assert 'href="/accounts/password_reset/"' in client.get(LOGIN).text
    for _ in range(5):
        sent = client.post("/accounts/password_reset/", {"email": "alice@example.org"})
        assert sent.status_code == 302
    assert len(mail.outbox) == 5 and "/accounts/reset/" in mail.outbox[0].body
    refused = client.post("/accounts/password_reset/", {"email": "alice@example.org"})
    assert refused.status_code == 429 and len(mail.outbox) == 5
