"""Role × view matrix of the training pages (refused cases included), and the main forms through HTTP."""

import datetime

import pytest
from django.urls import reverse

from cnfs.core.enums import Role
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import RoleAssignmentFactory, user_with_role
from cnfs.formation.enums import ResultatFormation
from cnfs.formation.models import DemandeVAE, Inscription, PassageBloc, Presence
from cnfs.formation.tests.factories import (
    InscriptionFactory,
    OrganismeFormationFactory,
    SessionFormationFactory,
    organisme_agent,
    recruited_advisor,
)
from cnfs.recrutement.enums import EtapeConseiller
from cnfs.recrutement.tests.conftest import nothing_written
from cnfs.recrutement.tests.factories import TODAY, CandidatureFactory, national_agent

pytestmark = pytest.mark.django_db
PAST = datetime.date(2020, 1, 6)

WHO = [
    "anonymous",
    "anct",
    "formation",
    "formation_autre",
    "conseiller",
    "conseiller_autre",
    "candidat",
    "structure",
    "prefecture",
    "hub",
]


@pytest.fixture
def world():
    organisme = OrganismeFormationFactory()
    other = OrganismeFormationFactory()
    advisor = recruited_advisor(contrat_debut=TODAY, with_account=True)
    RoleAssignmentFactory(conseiller=True, user=advisor.user)
    other_advisor = recruited_advisor(contrat_debut=TODAY, with_account=True)
    RoleAssignmentFactory(conseiller=True, user=other_advisor.user)
    # Pages run with the real date: the records are in the past.
    inscription = InscriptionFactory(candidature=advisor, organisme=organisme, date_debut=PAST)
    InscriptionFactory(candidature=other_advisor, organisme=other)
    session = SessionFormationFactory(organisme=organisme)
    vae = DemandeVAE.objects.create(candidature=advisor, date_depot=PAST)
    users = {
        "anct": national_agent(),
        "formation": organisme_agent(organisme),
        "formation_autre": organisme_agent(other),
        "conseiller": advisor.user,
        "conseiller_autre": other_advisor.user,
        "candidat": user_with_role(Role.CANDIDAT),
        "structure": user_with_role(Role.STRUCTURE),
        "prefecture": user_with_role(Role.PREFECTURE),
        "hub": user_with_role(Role.HUB),
    }
    return {
        "organisme": organisme,
        "advisor": advisor,
        "inscription": inscription,
        "session": session,
        "vae": vae,
        "users": users,
    }


# url name → (kwargs builder, expected status by user; missing = 403)
PAGES = {
    "organisme_espace": (lambda w: {}, {"anct": 200, "formation": 302, "formation_autre": 302}),
    "organisme_detail": (
        lambda w: {"pk": w["organisme"].pk},
        {"anct": 200, "formation": 200, "formation_autre": 404},
    ),
    "session_create": (lambda w: {"pk": w["organisme"].pk}, {"anct": 200, "formation": 200, "formation_autre": 404}),
    "inscrire": (lambda w: {"pk": w["organisme"].pk}, {"anct": 200, "formation": 200, "formation_autre": 404}),
    "certification": (lambda w: {"pk": w["organisme"].pk}, {"anct": 200, "formation": 200, "formation_autre": 404}),
    "import": (lambda w: {"pk": w["organisme"].pk}, {"anct": 200, "formation": 200, "formation_autre": 404}),
    "resultat": (lambda w: {"pk": w["inscription"].pk}, {"anct": 200, "formation": 200, "formation_autre": 404}),
    "session": (lambda w: {"pk": w["session"].pk}, {"anct": 200, "formation": 200, "formation_autre": 404}),
    "stagiaire": (lambda w: {"pk": w["advisor"].pk}, {"anct": 200, "formation": 200, "formation_autre": 404}),
    "pilotage": (lambda w: {}, {"anct": 200, "prefecture": 200, "hub": 200}),
    "vae_decision": (lambda w: {"pk": w["vae"].pk}, {"anct": 200}),
    # The national team passes every role check; it has no training record of its own, the page says so.
    "mon_parcours": (lambda w: {}, {"conseiller": 200, "conseiller_autre": 200, "candidat": 200, "anct": 200}),
}


@pytest.mark.parametrize("who", WHO)
def test_role_view_matrix(client, world, who):
    """Every page for one kind of user: 302 to login for anonymous, else 200, 302, 403 or 404 as listed."""
    if who != "anonymous":
        login(client, world["users"][who])
    got, wanted = {}, {}
    for url_name, (kwargs, expected) in sorted(PAGES.items()):
        response = client.get(reverse(f"formation:{url_name}", kwargs=kwargs(world)))
        got[url_name] = response.status_code
        wanted[url_name] = 302 if who == "anonymous" else expected.get(who, 403)
        if who == "anonymous":
            assert response["Location"].startswith(reverse("core:login")), url_name
    assert got == wanted


@pytest.mark.parametrize("who", ["formation_autre", "conseiller", "structure"])
def test_refused_posts_write_nothing(client, world, who):
    login(client, world["users"][who])
    inscription = world["inscription"]
    with nothing_written(Inscription, Presence, PassageBloc):
        response = client.post(
            reverse("formation:resultat", args=[inscription.pk]),
            {"heures_prevues": "70", "heures_realisees": "10", "date_debut": "2030-01-15", "resultat": "en_cours"},
        )
    assert response.status_code in (403, 404)
    inscription.refresh_from_db()
    assert inscription.heures_realisees == 0


def test_own_record_shows_only_own_training(client, world):
    login(client, world["users"]["conseiller_autre"])
    page = client.get(reverse("formation:mon_parcours")).content.decode()
    assert world["advisor"].nom not in page
    login(client, world["users"]["conseiller"])
    page = client.get(reverse("formation:mon_parcours")).content.decode()
    assert "Socle : posture de médiateur" in page
    assert "0,0 / 70,0 h" in page or "0.0 / 70.0 h" in page or "0 / 70 h" in page


def test_organisme_records_a_result_and_the_gate_runs(client, world):
    login(client, world["users"]["formation"])
    url = reverse("formation:resultat", args=[world["inscription"].pk])
    response = client.post(
        url,
        {
            "heures_prevues": "70",
            "heures_realisees": "35",
            "date_debut": PAST.isoformat(),
            "date_fin": "",
            "resultat": "en_cours",
        },
    )
    assert response.status_code == 302
    inscription = Inscription.objects.get(pk=world["inscription"].pk)
    assert (inscription.heures_realisees, inscription.resultat) == (35, ResultatFormation.EN_COURS)
    world["advisor"].refresh_from_db()
    # Training began in 2020; the factory contract begins in 2030: in training, not yet in the field.
    assert world["advisor"].etape == EtapeConseiller.EN_FORMATION


def test_hours_above_planned_are_refused_in_french_and_nothing_written(client, world):
    login(client, world["users"]["formation"])
    url = reverse("formation:resultat", args=[world["inscription"].pk])
    with nothing_written(Inscription, Presence):
        response = client.post(
            url,
            {"heures_prevues": "70", "heures_realisees": "80", "date_debut": "2020-01-01", "resultat": "en_cours"},
        )
    assert response.status_code == 200
    assert "Heures réalisées (80 h) supérieures aux heures prévues (70 h)" in response.content.decode()
    assert Inscription.objects.get(pk=world["inscription"].pk).heures_realisees == 0


def test_enrol_in_the_initial_pathway_by_pix_level(client, world):
    advisor = recruited_advisor(pix_palier=2)
    login(client, world["users"]["formation"])
    response = client.post(
        reverse("formation:inscrire", args=[world["organisme"].pk]),
        {"email": advisor.email.upper(), "cible": "parcours", "date_debut": "2030-03-01"},
    )
    assert response.status_code == 302
    assert sorted(advisor.inscriptions.values_list("module__code", "heures_prevues")) == [
        ("fi-socle", 70),
        ("fi-usages", 140),
    ]


def test_enrol_unknown_address_is_refused(client, world):
    login(client, world["users"]["formation"])
    with nothing_written(Inscription):
        response = client.post(
            reverse("formation:inscrire", args=[world["organisme"].pk]),
            {"email": "personne@exemple.fr", "cible": "parcours", "date_debut": "2030-03-01"},
        )
    assert "Aucun conseiller recruté n’a cette adresse" in response.content.decode()


def test_enrol_a_mere_candidate_gives_the_same_answer_as_an_unknown_address(client, world):
    login(client, world["users"]["formation"])
    candidat = CandidatureFactory(nom="Secret")
    response = client.post(
        reverse("formation:inscrire", args=[world["organisme"].pk]),
        {"email": candidat.email, "cible": "parcours", "date_debut": "2030-03-01"},
    )
    page = response.content.decode()
    assert "Aucun conseiller recruté n’a cette adresse" in page
    assert "Secret" not in page


def test_anonymous_posts_are_sent_to_login(client, world):
    response = client.post(reverse("formation:import", args=[world["organisme"].pk]), {})
    assert response.status_code == 302


def test_advisor_files_a_vae_request_once(client, world):
    advisor = world["users"]["conseiller_autre"]
    login(client, advisor)
    assert client.post(reverse("formation:mon_parcours"), {"observations": "Dix ans d’EPN."}).status_code == 302
    response = client.post(reverse("formation:mon_parcours"), {"observations": "Encore."})
    assert "Une demande de VAE est déjà en cours" in response.content.decode()
    assert DemandeVAE.objects.filter(candidature__user=advisor).count() == 1


def test_anct_decides_a_partial_vae(client, world):
    login(client, world["users"]["anct"])
    vae = world["vae"]
    url = reverse("formation:vae_decision", args=[vae.pk])
    assert client.post(url, {"statut": "recevable", "date_decision": PAST.isoformat()}).status_code == 302
    assert (
        client.post(
            url, {"statut": "validation_partielle", "date_decision": PAST.isoformat(), "blocs_valides": ["CCP1"]}
        ).status_code
        == 302
    )
    assert list(PassageBloc.objects.filter(demande_vae=vae).values_list("bloc", "voie", "resultat")) == [
        ("CCP1", "vae", "admis")
    ]


def test_pilotage_funnel_filters_by_departement(client, world):
    login(client, world["users"]["anct"])
    response = client.get(reverse("formation:pilotage"), {"departement": "42"})
    assert response.status_code == 200
    assert response.context["funnel"].recrutes == 2


def test_organisme_list_pages_do_not_query_per_row(client, world, django_assert_max_num_queries):
    for _ in range(5):
        InscriptionFactory(candidature=recruited_advisor(), organisme=world["organisme"])
    login(client, world["users"]["formation"])
    with django_assert_max_num_queries(20):
        response = client.get(reverse("formation:organisme_detail", args=[world["organisme"].pk]))
    assert response.status_code == 200
    assert len(response.context["inscriptions"]) == 6


def test_date_today_is_used_for_attendance(client, world):
    inscription = InscriptionFactory(
        candidature=recruited_advisor(), organisme=world["organisme"], date_debut=datetime.date(2020, 1, 6)
    )
    login(client, world["users"]["formation"])
    response = client.post(
        reverse("formation:resultat", args=[inscription.pk]),
        {"presence": "1", "presence-date": "2020-01-06", "presence-statut": "present", "presence-heures": "7"},
    )
    assert response.status_code == 302
    inscription.refresh_from_db()
    assert inscription.heures_realisees == 7


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_carry_the_rows_of_the_page_and_are_refused_to_others(client, world, fmt):
    import io

    from openpyxl import load_workbook

    login(client, world["users"]["formation"])
    response = client.get(reverse("formation:organisme_export", args=[world["organisme"].pk, fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("Adresse électronique;Prénom;Nom;Étape;Module")
        assert len(lines) == 2 and world["advisor"].email in lines[1] and "06/01/2020" in lines[1]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [row[0] for row in sheet.iter_rows(values_only=True)] == [
            "Adresse électronique",
            world["advisor"].email,
        ]
    login(client, world["users"]["formation_autre"])
    assert client.get(reverse("formation:organisme_export", args=[world["organisme"].pk, fmt])).status_code == 404
    assert client.get(reverse("formation:pilotage_export", args=[fmt])).status_code == 403
    login(client, world["users"]["conseiller"])
    assert client.get(reverse("formation:pilotage_export", args=[fmt])).status_code == 403
    login(client, world["users"]["anct"])
    response = client.get(reverse("formation:pilotage_export", args=[fmt]), {"departement": "42"})
    assert response.status_code == 200
    if fmt == "csv":
        assert (
            response.content.decode("utf-8-sig").splitlines()[1] == "42;Loire;2;0;0;2"
        )  # nothing has run the gate: both still recruited


def test_formula_cells_are_neutralised():
    from cnfs.formation.exports import _safe

    assert _safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _safe("ana@exemple.fr") == "ana@exemple.fr"


def test_territorial_agents_see_the_funnel_of_their_departements_only(client, world):
    from cnfs.recrutement.tests.factories import StructureFactory, commune_lyon, prefecture_agent

    lyon = StructureFactory(commune=commune_lyon())
    recruited_advisor(structure=lyon)
    rhone = prefecture_agent(lyon.commune.departement)
    login(client, rhone)
    response = client.get(reverse("formation:pilotage"), {"departement": "42"})  # the filter is not theirs to set
    assert response.context["funnel"].recrutes == 1
    assert response.context["territoire_label"] == "Vos départements : 69"
    assert "Demandes de VAE" not in response.content.decode()
    assert client.get(reverse("formation:pilotage_export", args=["csv"])).content.decode("utf-8-sig").splitlines()[
        1:
    ] == ["69;Rhône;1;0;0;1"]
    login(client, world["users"]["anct"])
    assert client.get(reverse("formation:pilotage")).context["funnel"].recrutes == 3


def test_session_attendance_for_all_trainees_or_none(client, world):
    from cnfs.formation.tests.factories import SessionFormationFactory

    session = SessionFormationFactory(
        organisme=world["organisme"], date_debut=PAST, date_fin=PAST + datetime.timedelta(days=20)
    )
    first = InscriptionFactory(organisme=world["organisme"], session=session, date_debut=PAST, heures_prevues=10)
    second = InscriptionFactory(organisme=world["organisme"], session=session, date_debut=PAST, heures_prevues=5)
    url = reverse("formation:session", args=[session.pk])
    login(client, world["users"]["formation_autre"])
    assert client.get(url).status_code == 404
    login(client, world["users"]["formation"])
    assert client.get(url).status_code == 200
    day = PAST.isoformat()
    with nothing_written(Presence):
        response = client.post(
            url,
            {
                "date": day,
                f"statut_{first.pk}": "present",
                f"heures_{first.pk}": "7",
                f"statut_{second.pk}": "present",
                f"heures_{second.pk}": "7",
            },
        )
    assert "dépasseraient les heures prévues" in response.content.decode()
    response = client.post(
        url,
        {
            "date": day,
            f"statut_{first.pk}": "present",
            f"heures_{first.pk}": "7",
            f"statut_{second.pk}": "absent",
            f"heures_{second.pk}": "",
        },
    )
    assert response.status_code == 302
    assert list(Presence.objects.order_by("inscription_id").values_list("inscription_id", "statut", "heures")) == [
        (first.pk, "present", 7),
        (second.pk, "absent", 0),
    ]


def test_session_and_national_list_pages_do_not_query_per_row(client, world, django_assert_max_num_queries):
    for _ in range(6):
        InscriptionFactory(candidature=recruited_advisor(), organisme=world["organisme"], session=world["session"])
        OrganismeFormationFactory()
    login(client, world["users"]["formation"])
    with django_assert_max_num_queries(20):
        response = client.get(reverse("formation:session", args=[world["session"].pk]))
    assert len(response.context["inscriptions"]) == 6
    login(client, world["users"]["anct"])
    with django_assert_max_num_queries(20):
        response = client.get(reverse("formation:organisme_espace"))
    assert len(response.context["organismes"]) == 8
    with django_assert_max_num_queries(25):
        assert client.get(reverse("formation:stagiaire", args=[world["advisor"].pk])).status_code == 200
