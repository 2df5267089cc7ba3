"""Role × view matrix of the dashboards, exports and public statistics; refused filters; bad input."""

import datetime as dt

import pytest
from django.urls import reverse

from cnfs.core.enums import Role, ScopeType
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import RoleAssignmentFactory, user_with_role
from cnfs.pilotage.tests.helpers import world, write
from cnfs.recrutement.tests.factories import national_agent, prefecture_agent, structure_manager
from cnfs.territoires.tests.factories import HubFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("core:login")
PRIVATE = ["pilotage:tableau_de_bord", "pilotage:export_csv", "pilotage:export_xlsx", "pilotage:rapport_pdf"]


@pytest.fixture
def w():
    w = world()
    hub = HubFactory(nom="Hub Loire-Rhône", slug="hub-lr")
    hub.departements.add(w["loire"].departement, w["rhone"].departement)
    w["users"] = {
        "anct": national_agent(),
        "prefecture": prefecture_agent(w["loire"].departement),
        "hub": RoleAssignmentFactory(role=Role.HUB, scope_type=ScopeType.HUB, hub=hub).user,
        "structure": structure_manager(w["s_loire"]),
        "coordinateur": RoleAssignmentFactory(
            role=Role.COORDINATEUR, scope_type=ScopeType.STRUCTURE, object_id=str(w["s_loire"].pk)
        ).user,
        "conseiller": w["c1"],
        "candidat": user_with_role(Role.CANDIDAT),
        "formation": user_with_role(Role.FORMATION),
        "aidant": user_with_role(Role.AIDANT),
        "hub_sans_departement": user_with_role(Role.HUB),
    }
    return w


ALLOWED = {"anct", "prefecture", "hub", "structure", "coordinateur", "conseiller"}


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "anct",
        "prefecture",
        "hub",
        "structure",
        "coordinateur",
        "conseiller",
        "candidat",
        "formation",
        "aidant",
        "hub_sans_departement",
    ],
)
def test_role_matrix(client, w, who):
    if who != "anonymous":
        login(client, w["users"][who])
    for name in PRIVATE:
        response = client.get(reverse(name))
        if who == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(LOGIN), name
        else:
            assert response.status_code == (200 if who in ALLOWED else 403), (name, who)
    assert client.get(reverse("pilotage:statistiques")).status_code == 200


def _total(client, **params):
    response = client.get(reverse("pilotage:export_csv"), params)
    assert response.status_code == 200, response.content
    for line in response.content.decode("utf-8-sig").splitlines():
        if line.startswith("Chiffres clés;Accompagnements;"):
            return int(line.rsplit(";", 1)[1])
    raise AssertionError("pas de total")


@pytest.mark.parametrize(
    "who, expected",
    [("anct", 6), ("prefecture", 4), ("hub", 6), ("structure", 4), ("coordinateur", 4), ("conseiller", 3)],
)
def test_each_role_counts_its_own_scope(client, w, who, expected):
    login(client, w["users"][who])
    assert _total(client) == expected


@pytest.mark.parametrize(
    "who, params",
    [
        ("prefecture", {"departement": "69"}),
        ("structure", {"structure": "S_RHONE"}),
        ("structure", {"conseiller": "C3"}),
        ("coordinateur", {"conseiller": "C3"}),
        ("conseiller", {"conseiller": "C2"}),
        ("conseiller", {"structure": "S_LOIRE"}),
        ("conseiller", {"departement": "69"}),  # a département where the advisor never worked: empty, not refused
        ("prefecture", {"conseiller": "C3"}),
        ("prefecture", {"structure": "S_RHONE"}),
    ],
)
def test_filters_outside_the_scope_are_refused(client, w, who, params):
    ids = {"S_RHONE": w["s_rhone"].pk, "S_LOIRE": w["s_loire"].pk, "C2": w["c2"].pk, "C3": w["c3"].pk}
    params = {k: str(ids.get(v, v)) for k, v in params.items()}
    login(client, w["users"][who])
    for name in PRIVATE:
        response = client.get(reverse(name), params)
        if who == "conseiller" and params.get("departement"):
            assert response.status_code == 200
        else:
            assert response.status_code == 403, (name, params, response.status_code)


def test_prefecture_export_of_its_own_departement_and_advisor(client, w):
    login(client, w["users"]["prefecture"])
    assert _total(client, conseiller=w["c1"].pk) == 3
    assert _total(client, departement="42") == 4


def test_hub_filters_a_departement_and_a_structure(client, w):
    login(client, w["users"]["hub"])
    assert _total(client, departement="69") == 2
    assert _total(client, structure=w["s_rhone"].pk) == 1


@pytest.mark.parametrize(
    "params, message",
    [
        ({"date_debut": "2019-12-31"}, "Le programme commence le 1er janvier 2020"),
        ({"date_debut": "2024-03-01", "date_fin": "2024-01-01"}, "La date de fin doit suivre la date de début."),
        ({"date_debut": "31/02/2024"}, "Saisissez une date valide"),
        ({"theme": "astrologie"}, "Ce thème ne fait pas partie de la liste du programme."),
        ({"departement": "ZZ"}, "Ce département n’existe pas dans le référentiel."),
        ({"structure": "abc"}, "Ce choix n’est pas dans votre périmètre."),
    ],
)
def test_bad_filters_give_a_french_error(client, w, params, message):
    login(client, w["users"]["anct"])
    page = client.get(reverse("pilotage:tableau_de_bord"), params)
    assert page.status_code == 400
    assert message in page.content.decode()
    export = client.get(reverse("pilotage:export_csv"), params)
    assert export.status_code == 400
    assert message in export.content.decode()


def test_dashboard_page_shows_charts_with_their_data_tables(client, w):
    login(client, w["users"]["anct"])
    html = client.get(reverse("pilotage:tableau_de_bord")).content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') >= 7
    assert html.count('role="img"') == html.count("<svg xmlns")
    for key in (
        "mensuel",
        "themes",
        "types",
        "canaux",
        "ages",
        "situations",
        "orientations",
        "departements",
        "entonnoir",
    ):
        assert f'data-rubrique="{key}"' in html, key
    assert "cdn" not in html.lower() and '<script src="http' not in html


def test_dashboard_list_does_not_query_per_row(client, w, django_assert_max_num_queries):
    login(client, w["users"]["anct"])
    client.get(reverse("pilotage:tableau_de_bord"))
    for i in range(20):
        write(
            conseiller=w["c2"],
            commune=w["loire"],
            structure=w["s_loire"],
            date=dt.date(2023, 1 + i % 12, 3),
            themes=("budget", "sante", "internet"),
            orientation="mairie",
        )
    with django_assert_max_num_queries(40):
        assert client.get(reverse("pilotage:tableau_de_bord")).status_code == 200


def test_public_page_and_secret_departement(client, w):
    html = client.get(reverse("pilotage:statistiques")).content.decode()
    assert "Statistiques nationales" in html and 'data-rubrique="chiffres_cles"' in html
    assert "Prénom" not in html and "@exemple.fr" not in html  # no advisor is named anywhere
    assert 'data-rubrique="entonnoir"' not in html
    # Loire: two advisors only → secret; a third one makes it public.
    secret = client.get(reverse("pilotage:statistiques"), {"departement": "42"}).content.decode()
    assert "Chiffres non publiés" in secret and 'data-rubrique="chiffres_cles"' not in secret
    write(conseiller=user_with_role(Role.CONSEILLER), commune=w["loire"], date=dt.date(2024, 3, 3))
    public = client.get(reverse("pilotage:statistiques"), {"departement": "42"}).content.decode()
    assert "Chiffres non publiés" not in public and 'data-rubrique="chiffres_cles"' in public
    assert client.get(reverse("pilotage:statistiques"), {"date_debut": "2030-13-01"}).status_code == 400
