"""Role × view matrix of the pages added for requests' follow-up, contracts, messages, candidates and hubs, and
their journeys through HTTP: refused input writes nothing (audit log included)."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cnfs.core.enums import Role, ScopeType
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import RoleAssignmentFactory
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.recrutement.enums import EtapeConseiller, StatutDemande, StatutMiseEnRelation
from cnfs.recrutement.models import (
    AvenantPostes,
    Contrat,
    DemandePostes,
    Message,
    MiseEnRelation,
    Rupture,
    Structure,
)
from cnfs.recrutement.tests.conftest import nothing_written
from cnfs.recrutement.tests.factories import (
    CandidatureFactory,
    DemandePostesFactory,
    MiseEnRelationFactory,
    StructureFactory,
    commune_outre_mer,
    commune_roanne,
)
from cnfs.territoires.tests.factories import CommuneFactory, DepartementFactory, HubFactory

pytestmark = pytest.mark.django_db

WHO = [
    "anonymous",
    "anct",
    "prefecture",
    "prefecture_autre",
    "hub",
    "hub_loire",
    "structure",
    "structure_autre",
    "candidat",
    "conseiller",
]


@pytest.fixture
def suivi(world):
    """The shared world plus a draft, a declared departure, a hub covering the Loire."""
    structure = world["structure"]
    world["brouillon"] = DemandePostesFactory(structure=structure, statut=StatutDemande.BROUILLON, deposee_le=None)
    en_rupture = MiseEnRelationFactory(
        structure=structure,
        statut=StatutMiseEnRelation.RUPTURE_SIGNALEE,
        date_recrutement=datetime.date(2030, 2, 1),
        candidature=CandidatureFactory(etape=EtapeConseiller.EN_POSTE),
    )
    world["rupture"] = Rupture.objects.create(
        mise_en_relation=en_rupture, date_rupture=datetime.date(2030, 6, 1), motif="demission"
    )
    hub = HubFactory(nom="Hub Loire", slug="hub-loire")
    hub.departements.add(DepartementFactory())
    world["users"]["hub_loire"] = RoleAssignmentFactory(role=Role.HUB, scope_type=ScopeType.HUB, hub=hub).user
    return world


# url name → (kwargs builder, expected status by user; missing = 403)
PAGES = {
    "demande_edit": (lambda w: {"pk": w["brouillon"].pk}, {"anct": 200, "structure": 200, "structure_autre": 404}),
    "avenant": (lambda w: {"pk": w["structure"].pk}, {"anct": 200, "structure": 200, "structure_autre": 404}),
    "recrutement": (lambda w: {"pk": w["finalisee"].pk}, {"anct": 200, "structure": 200, "structure_autre": 404}),
    # The national team has no application of its own: it is sent to the profile page.
    "candidature_structures": (lambda w: {}, {"candidat": 200, "anct": 302}),
    "candidature_messages": (lambda w: {}, {"candidat": 200, "anct": 302}),
    "hub_territoire": (lambda w: {}, {"anct": 200, "hub": 200, "hub_loire": 200}),
    "prefecture_demandes": (
        lambda w: {},
        {"anct": 200, "prefecture": 200, "prefecture_autre": 200, "hub": 200, "hub_loire": 200},
    ),
}


@pytest.mark.parametrize("who", WHO)
def test_role_view_matrix(client, suivi, who):
    if who != "anonymous":
        login(client, suivi["users"][who])
    statuses, expected = {}, {}
    for url_name, (kwargs, allowed) in PAGES.items():
        response = client.get(reverse(f"recrutement:{url_name}", kwargs=kwargs(suivi)))
        if who == "anonymous":
            statuses[url_name] = (response.status_code, response["Location"].split("?")[0])
            expected[url_name] = (302, reverse("core:login"))
        else:
            statuses[url_name] = response.status_code
            expected[url_name] = allowed.get(who, 403)
    assert statuses == expected


# POST endpoints: (url builder, data) → who may (others get 302 login / 403 / 404 and nothing is written).
def _posts(w):
    return {
        "demande_close": (reverse("recrutement:demande_close", args=[w["demande"].pk]), {"statut": "abandonnee"}),
        "message": (reverse("recrutement:message", args=[w["mer"].pk]), {"corps": "Bonjour, êtes-vous disponible ?"}),
        "justificatif": (
            reverse("recrutement:justificatif", args=[w["rupture"].pk]),
            {f"r{w['rupture'].pk}-justificatif": "recu"},
        ),
        "renouvellement": (
            reverse("recrutement:renouvellement", args=[w["finalisee"].pk]),
            {"type_contrat": "cdd", "date_fin": "2033-02-01", "heures_hebdomadaires": "35"},
        ),
    }


REFUSED = {
    "prefecture": 403,
    "prefecture_autre": 403,
    "hub": 403,
    "hub_loire": 403,
    "structure_autre": 404,
    "candidat": 403,
    "conseiller": 403,
}


@pytest.mark.parametrize("who", ["anonymous", *REFUSED])
def test_post_endpoints_refuse_others_and_write_nothing(client, suivi, who):
    if who != "anonymous":
        login(client, suivi["users"][who])
    posts = _posts(suivi)
    with nothing_written(DemandePostes, Message, Contrat, Rupture):
        statuses = {name: client.post(url, data).status_code for name, (url, data) in posts.items()}
    suivi["demande"].refresh_from_db()
    suivi["rupture"].refresh_from_db()
    assert suivi["demande"].statut == StatutDemande.DEPOSEE and suivi["rupture"].justificatif == "manquant"
    assert statuses == dict.fromkeys(posts, 302 if who == "anonymous" else REFUSED[who])


@pytest.mark.parametrize("who", ["structure", "anct"])
def test_post_endpoints_work_for_the_manager_and_the_national_team(client, suivi, who):
    login(client, suivi["users"][who])
    for url, data in _posts(suivi).values():
        assert client.post(url, data).status_code == 302
    suivi["demande"].refresh_from_db()
    suivi["rupture"].refresh_from_db()
    assert suivi["demande"].statut == StatutDemande.ABANDONNEE
    assert suivi["rupture"].justificatif == "recu"
    assert Message.objects.filter(mise_en_relation=suivi["mer"], automatique=False).count() == 1
    assert Contrat.objects.filter(mise_en_relation=suivi["finalisee"], statut="initie").count() == 1


def test_national_only_validation_endpoints(client, suivi):
    renewal = Contrat.objects.create(
        mise_en_relation=suivi["finalisee"],
        type="cdd",
        date_debut=datetime.date(2032, 2, 2),
        date_fin=datetime.date(2034, 2, 1),
        heures_hebdomadaires=35,
        statut="initie",
        renouvellement_de=suivi["finalisee"].contrats.get(),
    )
    avenant = AvenantPostes.objects.create(
        structure=suivi["structure"], type="ajout", nombre_postes=1, motif="besoin_supplementaire"
    )
    urls = [
        (reverse("recrutement:valider_renouvellement", args=[renewal.pk]), {}),
        (reverse("recrutement:decider_avenant", args=[avenant.pk]), {"decision": "accepter"}),
    ]
    login(client, suivi["users"]["structure"])
    with nothing_written(Contrat, AvenantPostes):
        assert [client.post(url, data).status_code for url, data in urls] == [403, 403]
    renewal.refresh_from_db()
    assert renewal.statut == "initie"
    login(client, suivi["users"]["anct"])
    page = client.get(reverse("recrutement:validations")).content.decode()
    assert "Valider le renouvellement" in page and "Besoin supplémentaire" in page
    assert [client.post(url, data).status_code for url, data in urls] == [302, 302]
    renewal.refresh_from_db()
    structure = Structure.objects.get(pk=suivi["structure"].pk)
    assert renewal.statut == "valide" and structure.postes_accordes == 3


# --- Requests: drafts, submission, closing, amendments ------------------------------------------------------------
def _future(days=30) -> str:
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def test_draft_then_submit_needs_the_commitment(client, world):
    structure = world["structure"]
    DemandePostes.objects.all().delete()
    login(client, world["users"]["structure"])
    data = {"nombre_postes": 3, "date_debut_souhaitee": _future(), "motivation": "Des quartiers sans médiation."}
    response = client.post(reverse("recrutement:demande_create", args=[structure.pk]), {**data, "action": "brouillon"})
    assert response.status_code == 302
    draft = DemandePostes.objects.get()
    assert draft.statut == StatutDemande.BROUILLON and draft.deposee_le is None
    url = reverse("recrutement:demande_edit", args=[draft.pk])
    with nothing_written(DemandePostes):
        response = client.post(url, {**data, "nombre_postes": 4, "action": "deposer"})
    assert response.status_code == 200
    assert "Cochez la case d’engagement" in response.content.decode()
    draft.refresh_from_db()
    assert draft.statut == StatutDemande.BROUILLON and draft.nombre_postes == 3  # the change was rolled back too
    response = client.post(url, {**data, "nombre_postes": 4, "engagement": "on", "action": "deposer"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.statut == StatutDemande.DEPOSEE and draft.nombre_postes == 4
    # A submitted request no longer opens as a draft.
    assert client.get(url)["Location"] == structure.get_absolute_url()


def test_structure_cannot_cancel_nor_mark_duplicate_only_withdraw(client, world):
    login(client, world["users"]["structure"])
    url = reverse("recrutement:demande_close", args=[world["demande"].pk])
    with nothing_written(DemandePostes):
        response = client.post(url, {"statut": "annulee"}, follow=True)
    assert "Vous ne pouvez pas clôturer cette demande." in response.content.decode()
    with nothing_written(DemandePostes):
        client.post(url, {"statut": "inconnu"})
    world["demande"].refresh_from_db()
    assert world["demande"].statut == StatutDemande.DEPOSEE
    login(client, world["users"]["anct"])
    client.post(url, {"statut": "doublon"})
    world["demande"].refresh_from_db()
    assert world["demande"].statut == StatutDemande.DOUBLON


def test_amendment_with_a_reason_of_the_other_kind_is_refused(client, world):
    structure = world["structure"]  # 2 posts granted, none filled by a recruitment counted on the row
    login(client, world["users"]["structure"])
    url = reverse("recrutement:avenant", args=[structure.pk])
    with nothing_written(AvenantPostes):
        response = client.post(url, {"type": "rendu", "nombre_postes": 1, "motif": "besoin_supplementaire"})
    assert response.status_code == 200
    assert "Motif non prévu pour ce type d’avenant" in response.content.decode()
    with nothing_written(AvenantPostes):
        response = client.post(url, {"type": "rendu", "nombre_postes": 5, "motif": "fin_subventionnement"})
    assert "Vous ne pouvez rendre que des postes vacants (2 actuellement)" in response.content.decode()
    response = client.post(url, {"type": "rendu", "nombre_postes": 1, "motif": "difficultes_recrutement"})
    assert response.status_code == 302
    avenant = AvenantPostes.objects.get()
    assert (avenant.type, avenant.statut) == ("rendu", "en_attente")
    html = client.get(structure.get_absolute_url()).content.decode()
    assert "Difficultés de recrutement" in html


# --- Contracts, departures, cancelling ---------------------------------------------------------------------------
def test_renewal_refused_when_it_ends_before_it_starts(client, world):
    login(client, world["users"]["structure"])
    url = reverse("recrutement:renouvellement", args=[world["finalisee"].pk])
    with nothing_written(Contrat):
        response = client.post(url, {"type_contrat": "cdd", "date_fin": "2031-01-01", "heures_hebdomadaires": "35"})
    assert response.status_code == 200
    assert "La date de fin du contrat doit suivre sa date de début." in response.content.decode()
    client.post(url, {"type_contrat": "cdd", "date_fin": "2034-01-31", "heures_hebdomadaires": "35"})
    page = client.get(reverse("recrutement:recrutement", args=[world["finalisee"].pk])).content.decode()
    assert "Renouvellement initié" in page and "Demander le renouvellement" not in page  # one at a time


def test_supporting_document_rules(client, suivi):
    rupture = suivi["rupture"]
    url = reverse("recrutement:justificatif", args=[rupture.pk])
    field = f"r{rupture.pk}-justificatif"
    login(client, suivi["users"]["structure"])
    with nothing_written(Rupture):
        response = client.post(url, {field: "verifie"}, follow=True)
    assert "Seule l’équipe nationale indique qu’une pièce justificative est vérifiée." in response.content.decode()
    client.post(url, {field: "recu"})
    rupture.refresh_from_db()
    assert rupture.justificatif == "recu"
    login(client, suivi["users"]["anct"])
    client.post(url, {field: "verifie", "retour": "validations"})
    client.post(reverse("recrutement:valider_rupture", args=[rupture.pk]))
    rupture.refresh_from_db()
    assert (rupture.justificatif, rupture.statut) == ("verifie", "validee")
    login(client, suivi["users"]["structure"])
    with nothing_written(Rupture):
        response = client.post(url, {field: "manquant"}, follow=True)
    assert "Cette rupture est déjà validée" in response.content.decode()


def test_cancelling_a_recruitment_frees_the_post_and_the_person(client, world):
    mer = world["mer"]
    login(client, world["users"]["structure"])
    client.post(
        reverse("recrutement:recruter", args=[mer.pk]),
        {"date_recrutement": _future(5), "type_contrat": "cdi", "heures_hebdomadaires": "35"},
    )
    mer.refresh_from_db()
    assert mer.statut == "recrutee" and mer.candidature.etape == EtapeConseiller.RECRUTE
    html = client.get(world["structure"].get_absolute_url()).content.decode()
    assert "Recruté·e" in html  # the lifecycle badge next to the person's name
    client.post(reverse("recrutement:mer_action", args=[mer.pk, "annuler"]))
    mer.refresh_from_db()
    mer.candidature.refresh_from_db()
    assert mer.statut == "preselectionnee" and mer.candidature.etape == EtapeConseiller.CANDIDAT
    assert not mer.contrats.exists()


# --- Messages --------------------------------------------------------------------------------------------------
def test_preselection_notifies_and_messages_reach_only_their_candidate(
    client, world, django_capture_on_commit_callbacks
):
    structure, candidature = world["structure"], world["candidature"]
    MiseEnRelation.objects.filter(pk=world["mer"].pk).update(statut=StatutMiseEnRelation.NON_RETENUE)
    login(client, world["users"]["structure"])
    client.post(reverse("recrutement:preselect", args=[structure.pk, candidature.pk]))
    notice = Message.objects.get(mise_en_relation=world["mer"])
    assert notice.automatique and structure.nom in notice.corps
    url = reverse("recrutement:message", args=[world["mer"].pk])
    with nothing_written(Message):
        response = client.post(url, {"corps": "   "})
    assert response.status_code == 200 and "Ce champ est obligatoire." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"corps": "Pouvez-vous venir mardi à 10 h ?"})
    assert mail.outbox[-1].to == [candidature.email]
    other = CandidatureFactory(with_account=True)
    RoleAssignmentFactory(candidat=True, user=other.user)

    login(client, other.user)
    assert "mardi à 10 h" not in client.get(reverse("recrutement:candidature_messages")).content.decode()
    login(client, candidature.user)
    assert "2 nouveaux" in client.get(reverse("recrutement:candidature_profil")).content.decode()
    page = client.get(reverse("recrutement:candidature_messages")).content.decode()
    assert "mardi à 10 h" in page and "Nouveau" in page
    assert not Message.objects.filter(lu_le__isnull=True).exists()
    assert "Nouveau" not in client.get(reverse("recrutement:candidature_messages")).content.decode()


def test_no_message_to_a_person_not_kept(client, world):
    MiseEnRelation.objects.filter(pk=world["mer"].pk).update(statut=StatutMiseEnRelation.NON_RETENUE)
    login(client, world["users"]["structure"])
    with nothing_written(Message):
        response = client.post(
            reverse("recrutement:message", args=[world["mer"].pk]), {"corps": "Bonjour"}, follow=True
        )
    assert "écrivez seulement aux personnes pré-sélectionnées ou recrutées" in response.content.decode()


# --- Candidate: structures near them ----------------------------------------------------------------------------
def test_candidate_sees_recruiting_structures_within_their_radius_only(client, world):
    candidature = world["candidature"]  # Saint-Étienne, 20 km
    StructureFactory(
        nom="Mairie de Saint-Chamond",
        postes_accordes=1,
        commune=CommuneFactory(
            code="42207", nom="Saint-Chamond", search_name="saint chamond", latitude=45.4753, longitude=4.5144
        ),
    )
    StructureFactory(nom="Mairie de Roanne", postes_accordes=3, commune=commune_roanne())  # about 70 km
    StructureFactory(nom="Association complète", postes_accordes=1, postes_occupes=1)
    StructureFactory(
        nom="Mairie de Basse-Terre",
        postes_accordes=1,
        commune=commune_outre_mer("971", "97105", "Basse-Terre", 15.9985, -61.7261),
    )
    login(client, candidature.user)
    html = client.get(reverse("recrutement:candidature_structures")).content.decode()
    # world["structure"] (2 posts, Saint-Étienne) and Saint-Chamond (about 10 km)
    assert "Mairie de Saint-Chamond" in html and world["structure"].nom in html
    assert "Mairie de Roanne" not in html and "Association complète" not in html and "Basse-Terre" not in html
    assert html.index(world["structure"].nom) < html.index("Mairie de Saint-Chamond")
    candidature.distance_max = 100
    candidature.save()
    assert "Mairie de Roanne" in client.get(reverse("recrutement:candidature_structures")).content.decode()


# --- Prefecture: coverage gain and map ---------------------------------------------------------------------------
def test_prefecture_page_shows_coverage_gain_and_map_with_constant_queries(client, world):
    from cnfs.lieux.maillage.selectors import coverage_gain

    LieuFactory()  # a place in Saint-Étienne: its inhabitants are already covered
    roanne = StructureFactory(nom="Mairie de Roanne", commune=commune_roanne())
    DemandePostesFactory(structure=roanne)
    login(client, world["users"]["prefecture"])
    url = reverse("recrutement:prefecture_demandes")
    client.get(url)  # the first page of a process reads communes and places into memory (memoised)
    with CaptureQueriesContext(connection) as two_rows:
        html = client.get(url).content.decode()
    assert "<svg" in html and "Gain de couverture" in html
    assert coverage_gain(roanne.commune) == 34000
    cells = html.replace("\u202f", " ").replace("\xa0", " ")
    assert "<td>34 000 habitants</td>" in cells
    assert "<td>0 habitant</td>" in cells  # Saint-Étienne's request adds nobody: a place is already there
    for n in range(8):
        DemandePostesFactory(structure=StructureFactory(nom=f"Mairie {n}", commune=commune_roanne()))
    with CaptureQueriesContext(connection) as ten_rows:
        client.get(url)
    assert len(ten_rows) == len(two_rows)


# --- Hub view --------------------------------------------------------------------------------------------------
def test_hub_sees_its_departements_only(client, suivi):
    structure = suivi["structure"]
    login(client, suivi["users"]["hub_loire"])
    html = client.get(reverse("recrutement:hub_territoire")).content.decode()
    assert structure.nom in html and suivi["other_structure"].nom not in html
    assert "Rupture signalée" in html and "En poste" in html  # recruitments, with the lifecycle step
    login(client, suivi["users"]["hub"])
    html = client.get(reverse("recrutement:hub_territoire")).content.decode()
    assert structure.nom not in html


def test_mon_espace_cards_for_hub_and_candidate(client, suivi):
    login(client, suivi["users"]["hub_loire"])
    assert "Recrutement dans vos départements" in client.get(reverse("core:mon_espace")).content.decode()
    login(client, suivi["users"]["candidat"])
    html = client.get(reverse("core:mon_espace")).content.decode()
    assert "Structures qui recrutent près de chez moi" in html and "Mes messages" in html


def test_hub_page_queries_do_not_grow_with_rows(client, suivi):
    login(client, suivi["users"]["hub_loire"])
    url = reverse("recrutement:hub_territoire")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(6):
        structure = StructureFactory(nom=f"Mairie {n}", postes_accordes=1)
        DemandePostesFactory(structure=structure)
        MiseEnRelationFactory(
            structure=structure, statut=StatutMiseEnRelation.FINALISEE, date_recrutement=datetime.date(2030, 2, 1)
        )
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    assert "Mairie 5" in html
    assert len(after) == len(before)
