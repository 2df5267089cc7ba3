"""Password reset by e-mail (French plain-text message, working link, silent throttling) and password change."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from cnfs.core.models import AuditEvent
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import PASSWORD, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

RESET = reverse("core:password_reset")
DONE = reverse("core:password_reset_done")
NEW_PASSWORD = "Un-nouveau-mot-de-passe-2026"


def _request_reset(client, email, capture):
    with capture(execute=True):
        return client.post(RESET, {"email": email})


def _link(message) -> str:
    return re.search(r"https?://testserver(/mot-de-passe-oublie/\S+/)", message.body).group(1)


def test_reset_email_is_french_plain_text_and_the_link_works(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="camille@exemple.fr")
    response = _request_reset(client, "Camille@Exemple.fr", django_capture_on_commit_callbacks)
    assert response["Location"] == DONE
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille@exemple.fr"]
    assert message.subject == "Réinitialisation de votre mot de passe sur testserver"
    assert "Vous avez demandé à réinitialiser le mot de passe" in message.body
    assert "<" not in message.body and message.content_subtype == "plain"

    response = client.get(_link(message), follow=True)
    assert response.status_code == 200
    assert "Choisissez un nouveau mot de passe" in response.content.decode()
    set_password_url = response.request["PATH_INFO"]
    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("core:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "auth.password_reset_request",
        "auth.password_reset",
    ]
    # The link serves once.
    html = client.get(_link(message), follow=True).content.decode()
    assert "Lien invalide ou expiré" in html


def test_weak_new_password_refused_in_french(client, django_capture_on_commit_callbacks):
    UserFactory(email="dominique@exemple.fr")
    _request_reset(client, "dominique@exemple.fr", django_capture_on_commit_callbacks)
    response = client.get(_link(mail.outbox[0]), follow=True)
    response = client.post(response.request["PATH_INFO"], {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.content.decode()


def test_unknown_address_gets_the_same_answer_and_no_mail(client, django_capture_on_commit_callbacks):
    response = _request_reset(client, "personne@exemple.fr", django_capture_on_commit_callbacks)
    assert response["Location"] == DONE
    assert mail.outbox == []


def test_reset_requests_are_limited_per_address(client, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_MAX_PER_ACCOUNT = 2
    UserFactory(email="eve@exemple.fr")
    for _ in range(4):
        assert _request_reset(client, "eve@exemple.fr", django_capture_on_commit_callbacks)["Location"] == DONE
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="auth.password_reset_throttled").count() == 1


def test_reset_email_goes_through_the_task_queue_when_async(client, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_ASYNC = True
    UserFactory(email="frederique@exemple.fr")
    _request_reset(client, "frederique@exemple.fr", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_password_change_from_mon_compte(client):
    user = user_with_role("prefecture")
    login(client, user)
    url = reverse("core:password_change")
    response = client.post(url, {"old_password": "faux", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert "Votre ancien mot de passe est incorrect" in response.content.decode()
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert response.request["PATH_INFO"] == reverse("core:mon_compte")
    assert "Votre mot de passe a été modifié." in response.content.decode()
    # Still logged in, second factor still confirmed.
    assert client.get(reverse("core:mon_espace")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.password_change", actor=user).exists()
