"""Mon espace (sections from `core.spaces`, roles and scopes) and Mon compte."""

import pytest
from django.urls import reverse

from cnfs.core import spaces
from cnfs.core.enums import Role
from cnfs.core.services.otp import totp_device_create_confirmed
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import RoleAssignmentFactory, UserFactory, user_with_role
from cnfs.territoires.tests.factories import DepartementFactory, RegionFactory

pytestmark = pytest.mark.django_db

MON_ESPACE = reverse("core:mon_espace")


@pytest.fixture
def registered_card(monkeypatch):
    card = spaces.SpaceCard("Avis sur les demandes", "Donnez l’avis de la préfecture.", "core:mon_compte")
    monkeypatch.setitem(spaces.SECTIONS, Role.PREFECTURE.value, [card])
    return card


def test_sections_come_from_spaces_with_roles_and_scopes(client, registered_card):
    user = user_with_role("prefecture")
    loire = user.role_assignments.get().departement
    RoleAssignmentFactory(user=user, candidat=True)
    login(client, user)
    html = client.get(MON_ESPACE).content.decode()
    assert "Préfecture" in html and "Candidat·e" in html
    assert spaces.SECTION_INTROS[Role.PREFECTURE] in html
    assert str(loire) in html
    assert registered_card.title in html and registered_card.url in html
    assert "Gérer mon compte" in html


def test_unreachable_cards_are_hidden(client, monkeypatch):
    monkeypatch.setitem(spaces.SECTIONS, Role.CANDIDAT.value, [spaces.SpaceCard("Pas encore là", "…", "app:absente")])
    login(client, user_with_role("candidat"))
    assert "Pas encore là" not in client.get(MON_ESPACE).content.decode()


def test_user_without_role_is_told_so(client):
    login(client, UserFactory())
    assert "Aucun rôle ne vous est encore attribué" in client.get(MON_ESPACE).content.decode()


def _many_roles(user, count):
    region = RegionFactory()
    for i in range(1, count + 1):
        departement = DepartementFactory(code=f"{i:02d}", nom=f"Département {i}", region=region)
        RoleAssignmentFactory(user=user, prefecture=True, departement=departement)


@pytest.mark.parametrize("count", [1, 8])
def test_mon_espace_queries_do_not_grow_with_roles(client, django_assert_max_num_queries, count):
    user = UserFactory()
    _many_roles(user, count)
    RoleAssignmentFactory(user=user, candidat=True)
    login(client, user)
    client.get(MON_ESPACE)  # warm-up: first request may load content types
    # Session, user, verified device, role assignments, scope for the menu: the same for 1 or 8 roles.
    with django_assert_max_num_queries(5):
        response = client.get(MON_ESPACE)
    assert response.status_code == 200
    assert response.content.decode().count("Département ") >= count


def test_mon_compte_lists_roles_devices_and_backup_codes(client):
    user = user_with_role("anct", user__first_name="Alix", user__last_name="Martin")
    device = totp_device_create_confirmed(user=user, name="Téléphone pro")
    login(client, user)
    client.post(reverse("core:otp_backup_codes"))
    html = client.get(reverse("core:mon_compte")).content.decode()
    assert "Alix Martin" in html and user.email in html
    assert "Équipe nationale (ANCT) — National" in html
    assert "Téléphone pro" in html
    assert reverse("core:otp_device_remove", args=[device.pk]) in html
    assert "Codes de secours encore valables : <strong>10</strong>" in html
    assert reverse("core:password_change") in html
