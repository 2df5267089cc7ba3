"""Management pages: role × view matrix (anonymous, each role, wrong territory), edits, creation, upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cnfs.core.enums import Role
from cnfs.core.models import AuditEvent
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import RoleAssignmentFactory, user_with_role
from cnfs.lieux.models import Lieu
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.lieux.tests.helpers import csv_bytes, v1_row
from cnfs.territoires.tests.factories import CommuneFactory, DepartementFactory, HubFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    loire = DepartementFactory(code="42", nom="Loire")
    rhone = DepartementFactory(code="69", nom="Rhône", region=RegionFactory())
    lyon = CommuneFactory(
        code="69123", nom="Lyon", departement=rhone, latitude=45.76, longitude=4.83, codes_postaux=["69001"]
    )
    hub = HubFactory()
    hub.departements.add(loire)
    return {
        "own": LieuFactory(commune=CommuneFactory(), structure_id="S1", nom="Lieu de la Loire"),
        "other": LieuFactory(commune=lyon, structure_id="S2", nom="Lieu du Rhône"),
        "loire": loire,
        "rhone": rhone,
        "hub": hub,
    }


def make_user(who: str, places):
    if who == "prefecture":
        return RoleAssignmentFactory(prefecture=True, departement=places["loire"]).user
    if who == "prefecture_hors_territoire":
        return RoleAssignmentFactory(prefecture=True, departement=places["rhone"]).user
    if who == "hub":
        return RoleAssignmentFactory(hub_agent=True, hub=places["hub"]).user
    if who == "structure":
        return RoleAssignmentFactory(structure=True, object_id="S1").user
    if who == "structure_autre":
        return RoleAssignmentFactory(structure=True, object_id="S9").user
    return user_with_role(who)


def url(name: str, places, key: str = "own") -> str:
    if name in ("gestion_detail", "gestion_modifier"):
        return reverse(f"lieux:{name}", args=[places[key].pk])
    return reverse(f"lieux:{name}")


VIEWS = [
    ("gestion_liste", "own"),
    ("gestion_detail", "own"),
    ("gestion_detail", "other"),
    ("gestion_modifier", "own"),
    ("gestion_modifier", "other"),
    ("gestion_nouveau", None),
    ("gestion_import", None),
]
DENIED = dict.fromkeys(VIEWS, 403)
EXPECTED = {
    "anct": dict.fromkeys(VIEWS, 200),
    "prefecture": {
        **DENIED,
        ("gestion_liste", "own"): 200,
        ("gestion_detail", "own"): 200,
        ("gestion_detail", "other"): 404,
        ("gestion_modifier", "other"): 404,
    },
    "hub": {
        **DENIED,
        ("gestion_liste", "own"): 200,
        ("gestion_detail", "own"): 200,
        ("gestion_detail", "other"): 404,
        ("gestion_modifier", "other"): 404,
    },
    "prefecture_hors_territoire": {
        **DENIED,
        ("gestion_liste", "own"): 200,
        ("gestion_detail", "own"): 404,
        ("gestion_detail", "other"): 200,
        ("gestion_modifier", "own"): 404,
    },
    "structure": {
        **DENIED,
        ("gestion_liste", "own"): 200,
        ("gestion_detail", "own"): 200,
        ("gestion_detail", "other"): 404,
        ("gestion_modifier", "own"): 200,
        ("gestion_modifier", "other"): 404,
        ("gestion_nouveau", None): 200,
    },
    "structure_autre": {
        **DENIED,
        ("gestion_liste", "own"): 200,
        ("gestion_detail", "own"): 404,
        ("gestion_detail", "other"): 404,
        ("gestion_modifier", "own"): 404,
        ("gestion_modifier", "other"): 404,
        ("gestion_nouveau", None): 200,
    },
}
for role in (Role.CANDIDAT, Role.CONSEILLER, Role.COORDINATEUR, Role.FORMATION, Role.AIDANT, Role.RESPONSABLE):
    EXPECTED[role.value] = DENIED


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_role_view_matrix(client, places, who):
    login(client, make_user(who, places))
    statuses = {(name, key): client.get(url(name, places, key or "own")).status_code for name, key in VIEWS}
    assert statuses == EXPECTED[who]


def test_anonymous_is_sent_to_login(client, places):
    for name, key in VIEWS:
        response = client.get(url(name, places, key or "own"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))


def test_lists_show_only_the_places_in_scope_without_n_plus_one(client, places, django_assert_max_num_queries):
    for _ in range(20):
        LieuFactory(commune=places["own"].commune)
    login(client, make_user("prefecture", places))
    with django_assert_max_num_queries(25):
        response = client.get(reverse("lieux:gestion_liste"))
    content = response.content.decode()
    assert "Lieu de la Loire" in content and "Lieu du Rhône" not in content and "21 lieux" in content
    login(client, make_user("structure", places))
    content = client.get(reverse("lieux:gestion_liste")).content.decode()
    assert "<h1>Mes lieux</h1>" in content and "1 lieu" in content and "Lieu du Rhône" not in content


def form_data(lieu, **overrides):
    data = {
        "nom": lieu.nom,
        "pivot": lieu.pivot,
        "code_insee": lieu.commune_id,
        "code_postal": lieu.code_postal,
        "adresse": lieu.adresse,
        "latitude": lieu.latitude,
        "longitude": lieu.longitude,
        "telephone": "04 77 12 34 56",
        "courriels": "accueil@exemple.fr",
        "services": ["aide-demarches-administratives"],
        "frais_a_charge": ["gratuit"],
        "dispositif_programmes_nationaux": ["france-services"],
        "horaires_29": "Mo-Fr 09:00-12:00",  # the expert box of the opening-hours field
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_structure_edits_its_place_and_the_change_is_audited(client, places):
    lieu = places["own"]
    login(client, make_user("structure", places))
    response = client.post(reverse("lieux:gestion_modifier", args=[lieu.pk]), form_data(lieu, nom="Nouveau nom"))
    assert response.status_code == 302, response.content.decode()[:3000]
    lieu.refresh_from_db()
    assert lieu.nom == "Nouveau nom" and lieu.telephone == "+33477123456" and lieu.label_france_services
    assert lieu.horaires == "Mo-Fr 09:00-12:00"
    event = AuditEvent.objects.get(action="lieux.update")
    assert event.before["nom"] == "Lieu de la Loire" and event.after["nom"] == "Nouveau nom"
    assert event.target_id == str(lieu.pk)


@pytest.mark.parametrize(
    "override, message",
    [
        ({"code_postal": "75001"}, "Le code postal 75001 ne correspond pas à Saint-Étienne"),
        ({"latitude": "4.39", "longitude": "45.43"}, "semblent inversées"),
        ({"pivot": "12345678901234"}, "clé de contrôle invalide"),
        ({"code_insee": "99999"}, "Code INSEE 99999 inconnu."),
        ({"horaires_29": "lundi 9h-12h"}, "Horaires invalides"),
        ({"services": ["cuisine"]}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_edits_are_refused_in_french_and_change_nothing(client, places, override, message):
    lieu = places["own"]
    login(client, make_user("structure", places))
    response = client.post(reverse("lieux:gestion_modifier", args=[lieu.pk]), form_data(lieu, **override))
    assert response.status_code == 200 and message in response.content.decode()
    lieu.refresh_from_db()
    assert lieu.nom == "Lieu de la Loire" and not AuditEvent.objects.filter(action="lieux.update").exists()


def test_prefecture_cannot_post_an_edit(client, places):
    login(client, make_user("prefecture", places))
    lieu = places["own"]
    response = client.post(reverse("lieux:gestion_modifier", args=[lieu.pk]), form_data(lieu, nom="Piraté"))
    assert response.status_code == 403
    lieu.refresh_from_db()
    assert lieu.nom == "Lieu de la Loire"


def test_structure_creates_a_place_it_then_manages(client, places):
    login(client, make_user("structure", places))
    template = LieuFactory.build(commune=places["own"].commune, nom="Nouvel espace", code_postal="42100")
    response = client.post(reverse("lieux:gestion_nouveau"), form_data(template))
    assert response.status_code == 302
    lieu = Lieu.objects.get(nom="Nouvel espace")
    assert lieu.structure_id == "S1" and lieu.source == "cnfs"
    assert AuditEvent.objects.filter(action="lieux.create", target_id=str(lieu.pk)).exists()


def test_national_team_uploads_a_file_and_reads_the_report(client, places):
    login(client, make_user("anct", places))
    data = csv_bytes([v1_row(), v1_row(id="mauvais", pivot="123")])
    upload = SimpleUploadedFile("lieux.csv", data, content_type="text/csv")
    response = client.post(reverse("lieux:gestion_import"), {"fichier": upload, "mode": "valides-seulement"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "1 créé(s), 0 mis à jour, 0 inchangé(s), 1 rejeté(s)" in content
    assert "Rejet ligne 3 (id « mauvais »)" in content
    assert Lieu.objects.filter(source="Test").count() == 1
    wrong = SimpleUploadedFile("faux.csv", b"id:nom:commune\n1:a:b\n", content_type="text/csv")
    response = client.post(reverse("lieux:gestion_import"), {"fichier": wrong, "mode": "tout-ou-rien"})
    assert response.status_code == 200 and "Séparateur non reconnu" in response.content.decode()


def test_mon_espace_shows_the_places_cards(client, places):
    login(client, make_user("structure", places))
    assert "Mes lieux" in client.get(reverse("core:mon_espace")).content.decode()
    login(client, make_user("prefecture", places))
    content = client.get(reverse("core:mon_espace")).content.decode()
    assert reverse("lieux:gestion_liste") in content
