"""Second factor: enrolment with a QR code, verification after login, reuse, throttling, backup codes, removal."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.core.models import AuditEvent
from cnfs.core.services.otp import totp_device_create_confirmed
from cnfs.core.tests.auth import login, totp_code
from cnfs.core.tests.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db

ENROL = reverse("core:otp_enrol")
VERIFY = reverse("core:otp_verify")
MON_ESPACE = reverse("core:mon_espace")


def _password_login(client, user):
    response = client.post(reverse("core:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_enrolment_journey_from_login_to_mon_espace(client):
    user = user_with_role("prefecture")
    _password_login(client, user)
    response = client.get(MON_ESPACE)
    assert response["Location"] == f"{ENROL}?{urlencode({'next': MON_ESPACE})}"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "QR code" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # The secret for manual entry is the device key in base32, in groups of four.
    secret = re.search(r'id="otp-secret"><code>([A-Z2-7 ]+)</code>', html).group(1)
    assert len(secret.replace(" ", "")) == 32
    # Reloading keeps the same device (same QR code) instead of piling up new ones.
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    response = client.post(ENROL, {"code": totp_code(device), "next": MON_ESPACE})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:otp_backup_codes')}?{urlencode({'next': MON_ESPACE})}"
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="otp.enrol", actor=user).count() == 1
    assert client.get(MON_ESPACE).status_code == 200


def test_enrolment_refuses_a_wrong_code_in_french(client):
    user = user_with_role("anct")
    login(client, user, verified=False)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "000000"})
    assert response.status_code == 200
    assert "Code incorrect ou déjà utilisé" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get(MON_ESPACE)["Location"].startswith(ENROL)


def test_enrolment_page_cannot_add_a_device_before_the_code(client):
    """Someone who only knows the password must not enrol their own phone on a protected account."""
    user = user_with_role("hub")
    totp_device_create_confirmed(user=user)
    login(client, user, verified=False)
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    response = client.post(ENROL, {"code": "123456"})
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_verification_after_login_then_reused_code_refused(client):
    user = user_with_role("aidant")
    device = totp_device_create_confirmed(user=user)
    _password_login(client, user)
    response = client.get(MON_ESPACE)
    assert response["Location"] == f"{VERIFY}?{urlencode({'next': MON_ESPACE})}"

    code = totp_code(device)
    response = client.post(VERIFY, {"code": code, "next": MON_ESPACE})
    assert response.status_code == 302
    assert response["Location"] == MON_ESPACE
    assert client.get(MON_ESPACE).status_code == 200

    # Same code in a new session (say, seen over a shoulder): refused.
    client.post(reverse("core:logout"))
    _password_login(client, user)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "Code incorrect ou déjà utilisé" in response.content.decode()
    assert client.get(MON_ESPACE).status_code == 302
    assert AuditEvent.objects.filter(action="otp.verify_failed", target_id=str(user.pk)).count() == 1


def test_wrong_code_refused_and_unsafe_next_ignored(client):
    user = user_with_role("responsable")
    device = totp_device_create_confirmed(user=user)
    login(client, user, verified=False)
    response = client.post(VERIFY, {"code": "12345x"})
    assert "Code incorrect" in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://malveillant.example/"})
    assert response["Location"] == MON_ESPACE


def test_totp_attempts_are_throttled_with_a_french_message(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    user = user_with_role("anct")
    device = totp_device_create_confirmed(user=user)
    login(client, user, verified=False)
    assert "Code incorrect" in client.post(VERIFY, {"code": "000000"}).content.decode()
    # Even the right code waits for the delay after a failure.
    html = client.post(VERIFY, {"code": totp_code(device)}).content.decode()
    assert "Trop de codes incorrects" in html
    assert "patientez" in html
    assert client.get(MON_ESPACE).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_backup_codes_shown_once_and_single_use(client):
    user = user_with_role("anct")
    login(client, user)
    response = client.post(reverse("core:otp_backup_codes"), {"next": MON_ESPACE})
    html = response.content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", html)
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    # Afterwards the page only gives the count, never the codes.
    html = client.get(reverse("core:otp_backup_codes")).content.decode()
    assert "<strong>10</strong>" in html
    assert codes[0] not in html
    event = AuditEvent.objects.get(action="otp.backup_codes")
    assert codes[0] not in str(event.after)

    client.post(reverse("core:logout"))
    _password_login(client, user)
    response = client.post(VERIFY, {"code": codes[0].upper()[:4] + "-" + codes[0][4:], "next": MON_ESPACE})
    assert response["Location"] == MON_ESPACE
    assert StaticToken.objects.filter(device__user=user).count() == 9

    client.post(reverse("core:logout"))
    _password_login(client, user)
    html = client.post(VERIFY, {"code": codes[0]}).content.decode()
    assert "Code de secours incorrect ou déjà utilisé" in html


def test_regenerating_backup_codes_invalidates_the_old_ones(client):
    user = user_with_role("hub")
    login(client, user)
    first = re.findall(r"<code>([a-z2-7]{8})</code>", client.post(reverse("core:otp_backup_codes")).content.decode())
    second = re.findall(r"<code>([a-z2-7]{8})</code>", client.post(reverse("core:otp_backup_codes")).content.decode())
    assert set(first).isdisjoint(second)
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(second)


def test_backup_codes_need_an_application_first(client):
    user = user_with_role("conseiller")
    login(client, user)
    response = client.post(reverse("core:otp_backup_codes"), follow=True)
    assert "Activez d’abord une application d’authentification." in response.content.decode()
    assert not StaticToken.objects.exists()


def test_device_removal_needs_the_password_and_is_audited(client):
    user = user_with_role("prefecture")
    device = login(client, user)
    client.post(reverse("core:otp_backup_codes"))
    url = reverse("core:otp_device_remove", args=[device.pk])

    response = client.post(url, {"password": "pas le bon"})
    assert "Mot de passe incorrect." in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    response = client.post(url, {"password": PASSWORD})
    assert response["Location"] == reverse("core:mon_compte")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    assert AuditEvent.objects.filter(action="otp.remove", actor=user).count() == 1
    # The role still requires a second factor: back to enrolment.
    assert client.get(MON_ESPACE)["Location"].startswith(ENROL)


def test_optional_enrolment_for_a_role_without_requirement(client):
    user = user_with_role("candidat")
    login(client, user, verified=False)
    assert "Activer la double authentification" in client.get(reverse("core:mon_compte")).content.decode()
    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=user)
    client.post(ENROL, {"code": totp_code(device)})
    assert client.get(MON_ESPACE).status_code == 200
    client.post(reverse("core:logout"))
    _password_login(client, user)
    assert client.get(MON_ESPACE)["Location"].startswith(VERIFY)


def test_second_device_can_be_added_once_verified(client):
    user = user_with_role("anct")
    login(client, user)
    client.get(ENROL)
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"code": totp_code(pending)})
    assert response.status_code == 302
    names = list(TOTPDevice.objects.filter(user=user, confirmed=True).values_list("name", flat=True))
    assert names == ["Application d’authentification", "Application d’authentification 2"]
