import pytest
from django.urls import reverse

from cnfs.core.tests.factories import PASSWORD, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_home_is_public_and_french(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Se connecter" in html
    assert "République" in html


def test_mon_espace_requires_login(client):
    response = client.get(reverse("core:mon_espace"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_login_then_mon_espace_shows_role_section(client):
    assignment = RoleAssignmentFactory(candidat=True)
    response = client.post(
        reverse("core:login"), {"username": assignment.user.email, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("core:mon_espace")
    assert "Candidat·e" in response.content.decode()


def test_wrong_password_gives_generic_french_error(client):
    user = UserFactory()
    response = client.post(reverse("core:login"), {"username": user.email, "password": "faux"})
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()
