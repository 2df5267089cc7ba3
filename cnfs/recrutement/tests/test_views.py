"""Role × view matrix of the recruitment pages, and the main form journeys through HTTP."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from cnfs.core.enums import Role
from cnfs.core.models import AuditEvent
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import user_with_role
from cnfs.recrutement.models import AvisPrefet, Candidature, DemandePostes, MiseEnRelation
from cnfs.recrutement.tests.conftest import pdf_upload
from cnfs.recrutement.tests.factories import (
    CandidatureFactory,
    DemandePostesFactory,
    StructureFactory,
    commune_lyon,
)
from cnfs.territoires.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

WHO = [
    "anonymous",
    "anct",
    "prefecture",
    "prefecture_autre",
    "hub",
    "structure",
    "structure_autre",
    "candidat",
    "conseiller",
]


def _client_for(client, world, who):
    if who != "anonymous":
        login(client, world["users"][who])
    return client


# url name → (kwargs builder, expected status by user; missing = 403)
PAGES = {
    "structure_espace": (lambda w: {}, {"structure": 302, "structure_autre": 302, "anct": 200}),
    "structure_detail": (
        lambda w: {"pk": w["structure"].pk},
        {
            "anct": 200,
            "prefecture": 200,
            "structure": 200,
            "prefecture_autre": 404,
            "structure_autre": 404,
            "hub": 404,
        },
    ),
    "demande_create": (lambda w: {"pk": w["structure"].pk}, {"anct": 200, "structure": 200, "structure_autre": 404}),
    "structure_candidats": (
        lambda w: {"pk": w["structure"].pk},
        {"anct": 200, "structure": 200, "structure_autre": 404},
    ),
    "recruter": (lambda w: {"pk": w["mer"].pk}, {"anct": 200, "structure": 200, "structure_autre": 404}),
    "rupture": (lambda w: {"pk": w["finalisee"].pk}, {"anct": 200, "structure": 200, "structure_autre": 404}),
    "cv": (
        lambda w: {"pk": w["candidature"].pk},
        {
            "anct": 200,
            "structure": 200,
            "candidat": 200,
            "structure_autre": 404,
            "prefecture": 404,
            "prefecture_autre": 404,
            "hub": 404,
            "conseiller": 404,
        },
    ),
    "prefecture_demandes": (lambda w: {}, {"anct": 200, "prefecture": 200, "prefecture_autre": 200, "hub": 200}),
    "prefecture_avis": (lambda w: {"pk": w["demande"].pk}, {"prefecture": 200, "prefecture_autre": 404, "anct": 404}),
    "comite_index": (lambda w: {}, {"anct": 200}),
    "comite_session": (lambda w: {"numero": w["session"].numero}, {"anct": 200}),
    "comite_decision": (lambda w: {"numero": w["session"].numero, "pk": w["demande"].pk}, {"anct": 200}),
    "validations": (lambda w: {}, {"anct": 200}),
    "candidature_profil": (lambda w: {}, {"anct": 200, "candidat": 200}),
}


@pytest.mark.parametrize("who", WHO)
def test_role_view_matrix(client, world, who):
    """Every page for one kind of visitor: 302 to login when anonymous, else the expected 200/302/403/404."""
    _client_for(client, world, who)
    statuses, expected = {}, {}
    for url_name, (kwargs, allowed) in PAGES.items():
        response = client.get(reverse(f"recrutement:{url_name}", kwargs=kwargs(world)))
        if response.streaming:
            b"".join(response.streaming_content)  # the test client closes the file once it is read
        if who == "anonymous":
            statuses[url_name] = (response.status_code, response["Location"].split("?")[0])
            expected[url_name] = (302, reverse("core:login"))
        else:
            statuses[url_name] = response.status_code
            expected[url_name] = allowed.get(who, 403)
    assert statuses == expected


def test_prefecture_list_only_shows_own_territory(client, world):
    DemandePostesFactory(structure=StructureFactory(commune=commune_lyon(), nom="Mairie de Lyon"))
    login(client, world["users"]["prefecture"])
    html = client.get(reverse("recrutement:prefecture_demandes")).content.decode()
    assert world["structure"].nom in html and "Mairie de Lyon" not in html


def test_prefecture_gives_opinion_through_the_form(client, world):
    login(client, world["users"]["prefecture"])
    url = reverse("recrutement:prefecture_avis", args=[world["demande"].pk])
    response = client.post(url, {"avis": "favorable", "commentaire": "court"})
    assert response.status_code == 200
    assert "au moins 10 caractères" in response.content.decode()
    assert not AvisPrefet.objects.exists()
    response = client.post(url, {"avis": "favorable", "commentaire": "Zone peu couverte.", "prioritaire": "on"})
    assert response.status_code == 302
    assert AvisPrefet.objects.get().prioritaire


def test_prefect_of_another_departement_cannot_post_an_opinion(client, world):
    login(client, world["users"]["prefecture_autre"])
    url = reverse("recrutement:prefecture_avis", args=[world["demande"].pk])
    events = AuditEvent.objects.count()
    response = client.post(url, {"avis": "favorable", "commentaire": "Je ne suis pas compétent."})
    assert response.status_code == 404
    assert not AvisPrefet.objects.exists() and AuditEvent.objects.count() == events


def test_structure_submits_a_request_and_sees_french_errors(client, world):
    structure = world["structure"]
    DemandePostes.objects.all().delete()
    login(client, world["users"]["structure"])
    url = reverse("recrutement:demande_create", args=[structure.pk])
    past = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()
    response = client.post(
        url, {"nombre_postes": 2, "date_debut_souhaitee": past, "motivation": "M.", "engagement": "on"}
    )
    assert response.status_code == 200
    assert "ne peut pas être dans le passé" in response.content.decode()
    assert not DemandePostes.objects.exists()
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    response = client.post(
        url, {"nombre_postes": 2, "date_debut_souhaitee": future, "motivation": "M.", "engagement": "on"}
    )
    assert response.status_code == 302
    assert DemandePostes.objects.get().statut == "deposee"


def test_committee_decision_through_the_form(client, world, django_capture_on_commit_callbacks):
    login(client, world["users"]["anct"])
    demande, session = world["demande"], world["session"]
    url = reverse("recrutement:comite_decision", args=[session.numero, demande.pk])
    response = client.post(url, {"decision": "validee", "postes_accordes": demande.nombre_postes + 1})
    assert response.status_code == 200 and "entre 0 et" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "validee", "postes_accordes": 1, "observations": "Bon dossier."})
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_structure_preselects_and_recruits(client, world):
    structure = world["structure"]
    nearby = CandidatureFactory(commune=CommuneFactory())
    login(client, world["users"]["structure"])
    page = client.get(reverse("recrutement:structure_candidats", args=[structure.pk]))
    assert nearby.prenom in page.content.decode()
    response = client.post(reverse("recrutement:preselect", args=[structure.pk, nearby.pk]))
    assert response.status_code == 302
    mer = MiseEnRelation.objects.get(candidature=nearby)
    start = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        reverse("recrutement:recruter", args=[mer.pk]),
        {"date_recrutement": start, "type_contrat": "cdi", "heures_hebdomadaires": "35"},
    )
    assert response.status_code == 302
    mer.refresh_from_db()
    assert mer.statut == "recrutee"


def test_rupture_after_contract_end_shows_french_error(client, world):
    login(client, world["users"]["structure"])
    response = client.post(
        reverse("recrutement:rupture", args=[world["finalisee"].pk]),
        {"date_rupture": "2033-01-01", "motif": "demission", "justificatif": "recu"},
    )
    assert response.status_code == 200
    assert "doit précéder la fin du contrat" in response.content.decode()


def test_candidate_creates_profile_with_cv_and_bad_cv_is_refused(client):
    user = user_with_role(Role.CANDIDAT)
    CommuneFactory()
    login(client, user)
    url = reverse("recrutement:candidature_profil")
    data = {
        "prenom": "Inès",
        "nom": "Moreau",
        "email": "ines.moreau@exemple.fr",
        "date_naissance": "1992-06-01",
        "code_postal": "42000",
        "demandeur_emploi": "on",
        "date_disponibilite": "2030-01-01",
        "distance_max": "20",
    }
    response = client.post(url, {**data, "cv": pdf_upload("cv.pdf", b"MZ\x90\x00 not a pdf")})
    assert response.status_code == 200
    assert "doit être un fichier PDF" in response.content.decode()
    assert not Candidature.objects.exists()
    response = client.post(url, {**data, "cv": pdf_upload()})
    assert response.status_code == 302
    candidature = Candidature.objects.get()
    assert candidature.user == user and candidature.cv
    download = client.get(reverse("recrutement:cv", args=[candidature.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_mon_espace_shows_recruitment_cards(client, world):
    login(client, world["users"]["structure"])
    html = client.get(reverse("core:mon_espace")).content.decode()
    assert "Demandes de postes et recrutements" in html
