"""CSV and XLSX exports: French headers, the same rows as the page and the selector, scoped by role, no N+1."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from cnfs.core.enums import Role
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import RoleAssignmentFactory, user_with_role
from cnfs.recrutement import exports
from cnfs.recrutement.enums import StatutMiseEnRelation
from cnfs.recrutement.models import Rupture
from cnfs.recrutement.tests.factories import (
    CandidatureFactory,
    ContratFactory,
    MiseEnRelationFactory,
    StructureFactory,
    commune_lyon,
    national_agent,
    prefecture_agent,
    structure_manager,
)
from cnfs.territoires.tests.factories import CommuneFactory, HubFactory

pytestmark = pytest.mark.django_db

SLUGS = ["candidatures", "recrutements", "structures", "ruptures"]


def _recruitment(structure, statut, n, candidature=None):
    mer = MiseEnRelationFactory(
        structure=structure,
        candidature=candidature or CandidatureFactory(commune=structure.commune),
        statut=statut,
        date_recrutement=datetime.date(2030, 2, n),
        distance_km=1.5 * n,
    )
    ContratFactory(mise_en_relation=mer, date_debut=datetime.date(2030, 2, n))
    return mer


@pytest.fixture
def world():
    """Two structures in the Loire (one managed by `structure`), one in the Rhône; recruitments and departures."""
    loire = StructureFactory(postes_accordes=3, postes_occupes=2, nom="=Mairie de Roanne")
    loire_2 = StructureFactory(postes_accordes=1, postes_occupes=1, commune=loire.commune)
    lyon = commune_lyon()
    rhone = StructureFactory(postes_accordes=1, postes_occupes=1, commune=lyon)
    _recruitment(loire, StatutMiseEnRelation.FINALISEE, 1)
    rupture_mer = _recruitment(loire, StatutMiseEnRelation.RUPTURE_SIGNALEE, 2)
    Rupture.objects.create(mise_en_relation=rupture_mer, date_rupture=datetime.date(2030, 6, 1), motif="demission")
    _recruitment(loire_2, StatutMiseEnRelation.RECRUTEE, 3)
    rhone_mer = _recruitment(rhone, StatutMiseEnRelation.FINALISEE, 4)
    Rupture.objects.create(mise_en_relation=rhone_mer, date_rupture=datetime.date(2030, 7, 1), motif="licenciement")
    MiseEnRelationFactory(structure=loire, statut=StatutMiseEnRelation.NOUVELLE)  # not a recruitment
    CandidatureFactory(commune=CommuneFactory(code="42187", nom="Roanne", search_name="roanne"))
    CandidatureFactory(commune=lyon)
    hub = HubFactory()
    hub.departements.add(loire.commune.departement)
    hub_user = user_with_role(Role.HUB, hub=hub)
    return {
        "loire": loire,
        "rhone": rhone,
        "users": {
            "anct": national_agent(),
            "prefecture": prefecture_agent(loire.commune.departement),
            "prefecture_autre": prefecture_agent(lyon.departement),
            "hub": hub_user,
            "structure": structure_manager(loire),
            "conseiller": user_with_role(Role.CONSEILLER),
            "candidat": user_with_role(Role.CANDIDAT),
        },
    }


# who → number of rows they get in each table (None: refused with 403)
EXPECTED = {
    "anct": {"candidatures": 7, "recrutements": 4, "structures": 3, "ruptures": 2},
    "hub": {"candidatures": 5, "recrutements": 3, "structures": 2, "ruptures": 1},
    "prefecture": {"candidatures": None, "recrutements": 3, "structures": 2, "ruptures": 1},
    "prefecture_autre": {"candidatures": None, "recrutements": 1, "structures": 1, "ruptures": 1},
    "structure": {"candidatures": None, "recrutements": 2, "structures": 1, "ruptures": 1},
    "conseiller": dict.fromkeys(SLUGS),
    "candidat": dict.fromkeys(SLUGS),
}


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_role_gets_its_rows_or_403(client, world, who):
    user = world["users"][who]
    login(client, user)
    got = {}
    for slug in SLUGS:
        response = client.get(reverse("recrutement:export_csv", args=[slug]))
        if response.status_code == 403:
            got[slug] = None
            assert client.get(reverse("recrutement:export_xlsx", args=[slug])).status_code == 403
            assert client.get(reverse("recrutement:export_table", args=[slug])).status_code == 403
            continue
        assert response.status_code == 200
        rows = _csv_rows(response)
        assert rows[0] == exports.DATASETS[slug].headers
        got[slug] = len(rows) - 1
    assert got == EXPECTED[who]
    index = client.get(reverse("recrutement:export_index"))
    assert index.status_code == (403 if who in ("conseiller", "candidat") else 200)


def test_anonymous_is_sent_to_login(client, world):
    for name in ("export_index",):
        assert client.get(reverse(f"recrutement:{name}"))["Location"].startswith(reverse("core:login"))
    response = client.get(reverse("recrutement:export_csv", args=["structures"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))


def test_unknown_table_is_404(client, world):
    login(client, world["users"]["anct"])
    assert client.get(reverse("recrutement:export_table", args=["salaires"])).status_code == 404
    assert client.get("/recrutement/exports/structures.pdf").status_code == 404


@pytest.mark.parametrize(
    ("who", "slug"),
    [(who, slug) for who in ("anct", "hub", "structure") for slug in SLUGS if EXPECTED[who][slug] is not None],
)
def test_csv_xlsx_page_and_selector_carry_the_same_rows(client, world, slug, who):
    user = world["users"][who]
    dataset = exports.DATASETS[slug]
    login(client, user)
    expected = [[exports.as_text(v) for v in dataset.values(obj)] for obj in dataset.rows(user)]
    assert expected, "the world must give rows to compare"
    from_csv = _csv_rows(client.get(reverse("recrutement:export_csv", args=[slug])))[1:]
    xlsx = client.get(reverse("recrutement:export_xlsx", args=[slug]))
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f"recrutement-{slug}-" in xlsx["Content-Disposition"]
    from_xlsx = exports.read_xlsx_rows(xlsx.content)
    assert from_xlsx[0] == dataset.headers
    page = client.get(reverse("recrutement:export_table", args=[slug]))
    html = page.content.decode()
    assert from_csv == expected
    assert from_xlsx[1:] == expected
    for row in expected:
        assert f"<td>{row[0]}</td>" in html


def test_formulas_are_neutralised(client, world):
    login(client, world["users"]["anct"])
    rows = _csv_rows(client.get(reverse("recrutement:export_csv", args=["structures"])))
    assert ["'=Mairie de Roanne"] == [r[2] for r in rows if "Roanne" in r[2]]
    xlsx = exports.read_xlsx_rows(client.get(reverse("recrutement:export_xlsx", args=["structures"])).content)
    assert "'=Mairie de Roanne" in [r[2] for r in xlsx]


def test_candidate_export_keeps_personal_data_minimal():
    headers = " ".join(exports.DATASETS["candidatures"].headers).lower()
    for private in ("naissance", "téléphone", "adresse électronique", "motivation", "e-mail"):
        assert private not in headers


@pytest.mark.parametrize("slug", SLUGS)
def test_no_query_per_row(client, world, slug, django_assert_max_num_queries):
    loire = world["loire"]
    for n in range(5, 25):
        mer = _recruitment(loire, StatutMiseEnRelation.FINALISEE, n % 28 + 1)
        if n % 2:
            Rupture.objects.create(mise_en_relation=mer, date_rupture=datetime.date(2030, 8, 1), motif="demission")
    user = world["users"]["anct"]
    login(client, user)
    base = 6  # session, user, role assignments, OTP device…, then the table itself
    with django_assert_max_num_queries(base + 4):
        _csv_rows(client.get(reverse("recrutement:export_csv", args=[slug])))
    with django_assert_max_num_queries(base + 4):
        client.get(reverse("recrutement:export_xlsx", args=[slug]))
    with django_assert_max_num_queries(base + 6):
        client.get(reverse("recrutement:export_table", args=[slug]))


def test_command_exports_csv_and_xlsx(world, tmp_path):
    target = tmp_path / "structures.csv"
    call_command("recrutement", "export", "structures", str(target))
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["N° de structure", "SIRET", "Raison sociale"] and len(rows) == 4
    book = tmp_path / "ruptures.xlsx"
    call_command("recrutement", "export", "ruptures", str(book))
    assert len(exports.read_xlsx_rows(book.read_bytes())) == 3


def test_region_prefecture_sees_its_departements(client, world):
    loire = world["loire"]
    user = RoleAssignmentFactory(
        role=Role.PREFECTURE, scope_type="region", region=loire.commune.departement.region
    ).user
    login(client, user)
    rows = _csv_rows(client.get(reverse("recrutement:export_csv", args=["structures"])))
    assert len(rows) - 1 == 3  # Loire and Rhône are both in the Auvergne-Rhône-Alpes test région
