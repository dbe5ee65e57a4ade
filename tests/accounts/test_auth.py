"""Sign-up, e-mail confirmation, login, logout, password reset and the language preference (allauth)."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

PASSWORD = "correct horse battery"


def first_link(message):
    return re.search(r"https?://\S+", message.body).group(0)


def test_visitor_signs_up_confirms_email_and_lands_on_the_choice(client, db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "leyla@example.org", "name": "Leyla Aydın", "password1": "Sommer-in-Hagen-2026",
             "password2": "Sommer-in-Hagen-2026"},
        )
    assert response.status_code == 302
    user = User.objects.get(email="leyla@example.org")
    assert (user.name, user.preferred_language) == ("Leyla Aydın", "de")
    assert client.get(reverse("accounts:home")).status_code == 302  # not logged in before confirming
    (message,) = mailoutbox
    assert "Bestätigen" in message.subject or "bestätigen" in message.body.lower()
    confirm_url = first_link(message)
    response = client.post(re.sub(r"^https?://[^/]+", "", confirm_url))
    assert response.status_code == 302
    assert client.get(reverse("accounts:home")).url == reverse("accounts:onboarding")


def test_login_with_unconfirmed_email_is_not_possible(client, db, mailoutbox):
    user = User.objects.create_user("neu@example.org", PASSWORD, name="Neu")
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and "confirm-email" in response.url
    assert "_auth_user_id" not in client.session


def test_login_and_logout(client, db):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_wrong_password_gets_a_translated_error(client, db):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "falsch"})
    assert response.status_code == 200
    assert "Die E-Mail-Adresse und/oder das Passwort sind leider falsch." in response.text


def test_repeated_failed_logins_are_rate_limited(client, db):
    user = UserFactory()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "falsch"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Zu viele gescheiterte Anmeldeversuche" in response.text


def test_password_reset_does_not_reveal_whether_an_address_is_registered(client, db, mailoutbox,
                                                                         django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("account_reset_password"), {"email": user.email})
        unknown = client.post(reverse("account_reset_password"), {"email": "niemand@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    reset_mail = next(m for m in mailoutbox if m.to == [user.email])
    assert "/accounts/password/reset/key/" in reset_mail.body


def test_password_reset_link_sets_a_new_password(client, db, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.sub(r"^https?://[^/]+", "", first_link(mailoutbox[-1]))
    form_url = client.get(link).url  # allauth moves the key into the session and redirects
    response = client.post(form_url, {"password1": "Neues-Passwort-2026", "password2": "Neues-Passwort-2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Neues-Passwort-2026")


def test_portal_is_german_by_default_and_english_on_request(client, db):
    assert '<html lang="de"' in client.get("/").text
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en"' in client.get("/").text


def test_language_choice_is_stored_on_the_account_and_used_after_the_next_login(client, db):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "en"
    client.logout()
    client.cookies.clear()
    client.force_login(user)
    assert '<html lang="en"' in client.get("/").text


def test_language_switch_needs_csrf_token(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("accounts:set_language"), {"language": "en"}).status_code == 403


def test_browser_language_does_not_override_the_german_default(client, db):
    assert '<html lang="de"' in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").text
