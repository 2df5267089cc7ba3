"""Role × view matrix of every core view: anonymous, each role (with its second factor when required), staff."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from cnfs.core.enums import ROLES_REQUIRING_2FA, Role
from cnfs.core.services.otp import totp_device_create_confirmed
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db

LOGIN = reverse("core:login")

PUBLIC = [
    "core:home",
    "core:password_reset",
    "core:password_reset_done",
    "core:password_reset_complete",
]
# Pages every logged-in person may open (their own account); anonymous visitors are sent to the login page.
PRIVATE = [
    "core:mon_espace",
    "core:mon_compte",
    "core:password_change",
    "core:otp_enrol",
    "core:otp_backup_codes",
]
ROLES = [role.value for role in Role]


def _user(who: str):
    if who == "staff":
        return UserFactory(staff=True)
    return user_with_role(who)


def _statuses(client, url_names):
    return {name: client.get(reverse(name)).status_code for name in url_names}


@pytest.mark.parametrize("who", ["anonymous", *ROLES, "staff"])
def test_public_pages_open_to_everyone(client, who):
    if who != "anonymous":
        login(client, _user(who))
    assert _statuses(client, PUBLIC) == dict.fromkeys(PUBLIC, 200)


def test_private_pages_send_anonymous_to_login(client):
    for url_name in PRIVATE:
        response = client.get(reverse(url_name))
        assert response.status_code == 302, url_name
        assert response["Location"].startswith(LOGIN + "?next="), url_name


@pytest.mark.parametrize("who", [*ROLES, "staff"])
def test_private_pages_open_to_every_role(client, who):
    login(client, _user(who))
    assert _statuses(client, PRIVATE) == dict.fromkeys(PRIVATE, 200)


@pytest.mark.parametrize("who", ["anonymous", *ROLES, "staff"])
def test_login_page(client, who):
    if who != "anonymous":
        login(client, _user(who))
    response = client.get(LOGIN)
    # Logged-in people are sent on to their space.
    assert response.status_code == (200 if who == "anonymous" else 302)


@pytest.mark.parametrize("who", [*ROLES, "staff"])
def test_otp_verify_page_sends_verified_or_exempt_people_on(client, who):
    login(client, _user(who))
    response = client.get(reverse("core:otp_verify"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:mon_espace")


@pytest.mark.parametrize("who", ["anonymous", *ROLES])
def test_logout_is_post_only(client, who):
    if who != "anonymous":
        login(client, _user(who))
    response = client.get(reverse("core:logout"))
    assert response.status_code == (302 if who == "anonymous" else 405)
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["owner", "other", "anonymous"])
def test_device_removal_page_only_for_its_owner(client, who):
    owner = user_with_role("conseiller")
    device = totp_device_create_confirmed(user=owner)
    url = reverse("core:otp_device_remove", args=[device.pk])
    if who == "owner":
        login(client, owner, verified=True)
        assert client.get(url).status_code == 200
    elif who == "other":
        login(client, user_with_role("anct"))
        assert client.get(url).status_code == 404
    else:
        assert client.get(url)["Location"].startswith(LOGIN)


@pytest.mark.parametrize("who", ["anonymous", *ROLES, "staff"])
def test_admin_only_for_verified_staff(client, who):
    if who != "anonymous":
        login(client, _user(who))
    response = client.get(reverse("admin:index"))
    if who == "staff":
        assert response.status_code == 200
    elif who == "anonymous":
        # The admin's own login page only sends people to the platform's login page (throttled, audited).
        assert response["Location"].startswith(reverse("admin:login"))
        assert client.get(response["Location"])["Location"] == f"{LOGIN}?next=/admin/"
    else:
        # The admin sends non-staff people to its login page, which refuses them.
        assert response["Location"].startswith(reverse("admin:login"))
        assert client.get(response["Location"]).status_code == 403


# --- The second factor gate --------------------------------------------------------------------------------------

GATED = PRIVATE[:3] + ["core:otp_backup_codes", "admin:index"]
ROLES_2FA = sorted(ROLES_REQUIRING_2FA)


def _locations(client, url_names):
    return {name: client.get(reverse(name)).get("Location") for name in url_names}


@pytest.mark.parametrize("who", [*ROLES_2FA, "staff"])
def test_2fa_role_without_device_is_sent_to_enrolment(client, who):
    login(client, _user(who), verified=False)
    expected = {name: f"{reverse('core:otp_enrol')}?{urlencode({'next': reverse(name)})}" for name in GATED}
    assert _locations(client, GATED) == expected


@pytest.mark.parametrize("who", [*ROLES_2FA, "staff", "candidat"])
def test_user_with_device_not_verified_is_sent_to_verification(client, who):
    # Anyone who activated an application must type a code, even when their role does not require it.
    user = _user(who)
    totp_device_create_confirmed(user=user)
    login(client, user, verified=False)
    expected = {name: f"{reverse('core:otp_verify')}?{urlencode({'next': reverse(name)})}" for name in GATED}
    assert _locations(client, GATED) == expected


@pytest.mark.parametrize("who", sorted(set(ROLES) - ROLES_REQUIRING_2FA))
def test_roles_without_2fa_requirement_are_not_gated(client, who):
    login(client, _user(who), verified=False)
    assert client.get(reverse("core:mon_espace")).status_code == 200


@pytest.mark.parametrize("url_name", ["core:home", "core:password_reset", "core:otp_enrol"])
def test_public_and_2fa_pages_stay_reachable_before_the_code(client, url_name):
    login(client, user_with_role("anct"), verified=False)
    assert client.get(reverse(url_name)).status_code == 200


def test_logout_stays_reachable_before_the_code(client):
    login(client, user_with_role("prefecture"), verified=False)
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_post_to_a_gated_page_is_redirected_without_next(client):
    login(client, user_with_role("hub"), verified=False)
    response = client.post(reverse("core:password_change"), {})
    assert response["Location"] == reverse("core:otp_enrol")


def test_api_gets_403_json_instead_of_redirect(client):
    login(client, user_with_role("aidant"), verified=False)
    response = client.get("/api/v1/health")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "Double authentification requise" in response.json()["detail"]


def test_api_answers_verified_sessions(client):
    login(client, user_with_role("aidant"))
    assert client.get("/api/v1/health").status_code == 200


def test_static_files_are_not_gated(client):
    login(client, user_with_role("anct"), verified=False)
    response = client.get("/static/cnfs/cnfs.css")
    response.close()
    assert response.status_code == 200
