"""Role × view matrix of the funding pages, scoped exports, and the main form journeys through HTTP."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cnfs.core.enums import Role
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import user_with_role
from cnfs.financement import services
from cnfs.financement.enums import StatutConvention, StatutVersement
from cnfs.financement.models import Convention, DemandeMobilier, Enveloppe, Versement
from cnfs.financement.tests.conftest import nothing_written, pdf_bytes
from cnfs.financement.tests.factories import (
    START,
    BaremeFactory,
    DemandeMobilierFactory,
    ModeleMobilierFactory,
    structure_with_quota,
)
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.recrutement.tests.factories import commune_lyon, national_agent, prefecture_agent, structure_manager

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


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _hub_agent_of(departement):
    from cnfs.core.tests.factories import RoleAssignmentFactory
    from cnfs.territoires.tests.factories import HubFactory

    hub = HubFactory(nom="Hub Loire", slug="hub-loire")
    hub.departements.add(departement)
    return RoleAssignmentFactory(hub_agent=True, hub=hub).user


@pytest.fixture
def world():
    """A Loire structure with a signed convention and a place with a grant request; a Rhône structure likewise."""
    anct = national_agent()
    bareme = BaremeFactory()
    structure = structure_with_quota(3, nom="Mairie de Saint-Étienne")
    other = structure_with_quota(2, nom="Mairie de Lyon", commune=commune_lyon())
    convention = services.convention_create(
        actor=anct, structure=structure, bareme=bareme, nombre_postes=2, date_debut=START
    )
    services.convention_sign(actor=anct, convention=convention, date_signature=START)
    other_convention = services.convention_create(
        actor=anct, structure=other, bareme=bareme, nombre_postes=1, date_debut=START
    )
    lieu = LieuFactory(structure_id=str(structure.pk), nom="Médiathèque Tarentaize")
    modele = ModeleMobilierFactory()
    modele.plans.save("plans.pdf", SimpleUploadedFile("plans.pdf", pdf_bytes()), save=True)
    demande = DemandeMobilierFactory(lieu=lieu, modele=modele, enveloppe=services.enveloppe_mobilier())
    users = {
        "anct": anct,
        "prefecture": prefecture_agent(structure.commune.departement),
        "prefecture_autre": prefecture_agent(other.commune.departement),
        "hub": user_with_role(Role.HUB),
        "hub_loire": _hub_agent_of(structure.commune.departement),
        "structure": structure_manager(structure),
        "structure_autre": structure_manager(other),
        "candidat": user_with_role(Role.CANDIDAT),
        "conseiller": user_with_role(Role.CONSEILLER),
    }
    return {
        "structure": structure,
        "other": other,
        "convention": convention,
        "other_convention": other_convention,
        "lieu": lieu,
        "modele": modele,
        "demande": demande,
        "users": users,
    }


TERRITORIAL = {"anct": 200, "prefecture": 200, "prefecture_autre": 200, "hub": 200, "hub_loire": 200}
MANAGERS = {**TERRITORIAL, "structure": 200, "structure_autre": 200}
SEES_LOIRE = {"anct": 200, "prefecture": 200, "structure": 200, "prefecture_autre": 404, "structure_autre": 404}
SEES_LOIRE = {**SEES_LOIRE, "hub": 404, "hub_loire": 200, "candidat": 404, "conseiller": 404}

# url name → (kwargs builder, query string, expected status by user; missing = 403)
PAGES = {
    "tableau_de_bord": (lambda w: {}, "", {"anct": 200}),
    "enveloppe_modifier": (lambda w: {"pk": w["convention"].enveloppe_id}, "", {"anct": 200}),
    "territoire": (lambda w: {}, "", TERRITORIAL),
    "territoire ": (
        lambda w: {},
        "departement=42",
        {"anct": 200, "prefecture": 200, "prefecture_autre": 404, "hub": 404, "hub_loire": 200},
    ),
    "conventions": (lambda w: {}, "", TERRITORIAL),
    "convention_creer": (lambda w: {"structure_pk": w["structure"].pk}, "", {"anct": 200}),
    "convention_detail": (lambda w: {"pk": w["convention"].pk}, "", SEES_LOIRE),
    "convention_reconduire": (lambda w: {"pk": w["convention"].pk}, "", {"anct": 200}),
    "structure_espace": (lambda w: {}, "", {"anct": 200, "structure": 200, "structure_autre": 200}),
    "export": (lambda w: {"table": "conventions", "fmt": "csv"}, "", MANAGERS),
    "export ": (lambda w: {"table": "versements", "fmt": "xlsx"}, "", MANAGERS),
    "mobilier_catalogue": (lambda w: {}, "", MANAGERS),
    "mobilier_plans": (lambda w: {"pk": w["modele"].pk}, "", MANAGERS),
    "mobilier_demandes": (lambda w: {}, "", MANAGERS),
    "mobilier_demande_creer": (lambda w: {}, "", {"anct": 200, "structure": 200}),
    "mobilier_demande": (lambda w: {"pk": w["demande"].pk}, "", SEES_LOIRE),
    "mobilier_devis": (lambda w: {"pk": w["demande"].pk}, "", SEES_LOIRE),
}


@pytest.mark.parametrize("who", WHO)
def test_role_view_matrix(client, world, who):
    """Every page for one kind of visitor: 302 to login when anonymous, else the expected 200/403/404."""
    if who != "anonymous":
        login(client, world["users"][who])
    statuses, expected = {}, {}
    for key, (kwargs, query, allowed) in PAGES.items():
        url = reverse(f"financement:{key.strip()}", kwargs=kwargs(world)) + (f"?{query}" if query else "")
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        if who == "anonymous":
            statuses[key] = (response.status_code, response["Location"].split("?")[0])
            expected[key] = (302, reverse("core:login"))
        else:
            statuses[key] = response.status_code
            expected[key] = allowed.get(who, 403)
    assert statuses == expected


POSTS = {
    "convention_signer": lambda w: {"pk": w["other_convention"].pk},
    "convention_echeancier": lambda w: {"pk": w["convention"].pk},
    "versement_action": lambda w: {"pk": w["convention"].versements.first().pk, "action": "mandater"},
    "mobilier_verser": lambda w: {"pk": w["demande"].pk},
}


@pytest.mark.parametrize("who", ["prefecture_autre", "prefecture", "structure", "hub", "candidat"])
def test_writes_are_refused_to_others_and_write_nothing(client, world, who):
    login(client, world["users"][who])
    with nothing_written(Convention, Versement, DemandeMobilier):
        for name, kwargs in POSTS.items():
            if who == "structure" and name == "convention_signer":
                continue  # its own structure's convention: covered by the journey below
            response = client.post(reverse(f"financement:{name}", kwargs=kwargs(world)), {"action": "signer"})
            assert response.status_code in (403, 404), name
    assert Versement.objects.filter(statut=StatutVersement.PREVU).count() == 2
    assert Enveloppe.objects.filter(verse__gt=0).count() == 0


def test_structure_signs_its_convention_through_the_page(client, world):
    other = world["other_convention"]
    login(client, world["users"]["structure_autre"])
    page = client.get(other.get_absolute_url()).content.decode()
    assert "Signer la convention" in page and "50 000,00" in plain(page)
    response = client.post(reverse("financement:convention_signer", args=[other.pk]), {"action": "signer"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.statut == StatutConvention.VALIDEE and other.versements.count() == 2


def test_convention_for_more_posts_than_granted_shows_french_error(client, world):
    login(client, world["users"]["anct"])
    url = reverse("financement:convention_creer", args=[world["structure"].pk])
    with nothing_written(Convention):
        response = client.post(
            url, {"bareme": BaremeFactory().pk, "nombre_postes": 2, "date_debut": START.isoformat()}
        )
    assert response.status_code == 200
    assert "dont 2 déjà sous convention" in response.content.decode()


def test_schedule_that_does_not_sum_is_refused_through_the_page(client, world):
    login(client, world["users"]["anct"])
    convention = world["convention"]
    response = client.post(
        reverse("financement:convention_echeancier", args=[convention.pk]),
        {"echeances": "01/03/2025 ; 60 000,00\n01/03/2026 ; 30 000,00"},
        follow=True,
    )
    assert "totalisent 90 000,00 € alors que la subvention est de 100 000,00 €" in plain(response.content.decode())
    assert sorted(convention.versements.values_list("montant", flat=True)) == [50_000_00, 50_000_00]
    response = client.post(
        reverse("financement:convention_echeancier", args=[convention.pk]),
        {"echeances": "01/03/2025 ; pas un montant"},
        follow=True,
    )
    assert "Ligne 1 : « pas un montant » n’est pas un montant en euros" in response.content.decode()


def test_payment_on_unsigned_convention_is_refused_through_the_page(client, world):
    other = world["other_convention"]
    versement = Versement.objects.create(convention=other, numero=1, date_prevue=START, montant=other.montant_total)
    login(client, world["users"]["anct"])
    response = client.post(reverse("financement:versement_action", args=[versement.pk, "mandater"]), follow=True)
    assert "n’est pas signée" in response.content.decode()
    versement.refresh_from_db()
    assert versement.statut == StatutVersement.PREVU


def test_board_shows_envelopes_chart_and_territories(client, world, django_assert_max_num_queries):
    login(client, world["users"]["anct"])
    with django_assert_max_num_queries(25):
        html = plain(client.get(reverse("financement:tableau_de_bord")).content.decode())
    assert "<svg" in html and 'role="img"' in html and '<title id="graphique-enveloppes-titre">' in html
    assert "200 000 000,00 €" in html and "100 000,00 €" in html
    assert "Loire (42)" in html


def test_board_query_count_does_not_grow_with_conventions(client, world, django_assert_max_num_queries):
    anct = world["users"]["anct"]
    for i in range(5):
        structure = structure_with_quota(1, nom=f"Commune {i}")
        c = services.convention_create(
            actor=anct, structure=structure, bareme=BaremeFactory(), nombre_postes=1, date_debut=START
        )
        services.convention_sign(actor=anct, convention=c)
    login(client, anct)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("financement:tableau_de_bord")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("financement:conventions")).status_code == 200


def test_territorial_page_only_shows_its_departement(client, world):
    login(client, world["users"]["prefecture_autre"])
    html = client.get(reverse("financement:territoire")).content.decode()
    assert "Mairie de Lyon" in html and "Mairie de Saint-Étienne" not in html
    assert "Médiathèque Tarentaize" not in html
    login(client, world["users"]["hub_loire"])
    html = client.get(reverse("financement:territoire")).content.decode()
    assert "Mairie de Saint-Étienne" in html and "Médiathèque Tarentaize" in html and "Mairie de Lyon" not in html


def test_prefecture_export_only_has_its_departement(client, world):
    login(client, world["users"]["prefecture"])
    response = client.get(reverse("financement:export", args=["conventions", "csv"]))
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeffN° de convention;Structure;SIRET;")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["Mairie de Saint-Étienne"]
    header = rows[0]
    assert rows[1][header.index("Subvention totale (€)")] == "100000,00"
    assert rows[1][header.index("Signée le")] == "01/01/2025"


def test_xlsx_export_has_french_headers_and_numbers(client, world):
    login(client, world["users"]["anct"])
    response = client.get(reverse("financement:export", args=["versements", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("N° de convention", "Structure", "SIRET", "Département")
    assert [r[6] for r in rows[1:]] == [50000, 50000]
    assert isinstance(rows[1][5], datetime.datetime)


def test_grant_request_with_a_fake_pdf_is_refused(client, world):
    login(client, world["users"]["structure"])
    data = {
        "lieu": world["lieu"].pk,
        "modele": world["modele"].pk,
        "type_fabricant": "artisan",
        "nom_fabricant": "Menuiserie Forez",
        "montant": "2 800,00",
    }
    with nothing_written(DemandeMobilier):
        response = client.post(
            reverse("financement:mobilier_demande_creer"),
            {**data, "devis": SimpleUploadedFile("devis.pdf", b"MZ\x90 pas un pdf", content_type="application/pdf")},
        )
    assert "Le devis doit être un fichier PDF" in response.content.decode()
    response = client.post(
        reverse("financement:mobilier_demande_creer"),
        {**data, "devis": SimpleUploadedFile("devis.pdf", pdf_bytes(), content_type="application/pdf")},
    )
    assert response.status_code == 302
    demande = DemandeMobilier.objects.get(nom_fabricant="Menuiserie Forez")
    with demande.devis.open("rb") as handle:
        assert demande.montant == 2_800_00 and handle.read().startswith(b"%PDF-")


def test_anct_grants_then_pays_through_the_pages(client, world):
    login(client, world["users"]["anct"])
    demande = world["demande"]
    url = reverse("financement:mobilier_demande", args=[demande.pk])
    response = client.post(url, {"decision": "refuser", "motif_refus": "Non"})
    assert "10 caractères au moins" in response.content.decode()
    assert client.post(url, {"decision": "accorder"}).status_code == 302
    assert client.post(reverse("financement:mobilier_verser", args=[demande.pk])).status_code == 302
    enveloppe = Enveloppe.objects.get(pk=demande.enveloppe_id)
    assert enveloppe.engage == enveloppe.verse == demande.montant


def test_mon_espace_shows_funding_cards(client, world):
    login(client, world["users"]["structure"])
    assert "Ma convention et mes versements" in client.get(reverse("core:mon_espace")).content.decode()
    login(client, world["users"]["anct"])
    assert "Budget du programme" in client.get(reverse("core:mon_espace")).content.decode()


@pytest.mark.parametrize(
    ("who", "enveloppes", "departements"),
    [
        ("anonymous", 401, 401),
        ("anct", 200, 200),
        ("prefecture", 403, 200),
        ("structure", 403, 403),
        ("candidat", 403, 403),
    ],
)
def test_api_role_matrix(client, world, who, enveloppes, departements):
    if who != "anonymous":
        login(client, world["users"][who])
    response = client.get("/api/v1/financement/enveloppes")
    assert response.status_code == enveloppes and response["Content-Type"].startswith("application/json")
    response = client.get("/api/v1/financement/departements")
    assert response.status_code == departements
    if who == "prefecture":
        assert [row["code"] for row in response.json()] == ["42"]
        assert response.json()[0]["engage"] == 100_000_00
    if who == "anct":
        body = client.get("/api/v1/financement/enveloppes").json()
        assert {row["destination"]: row["montant"] for row in body}["mobilier"] == 40_000_000_00
