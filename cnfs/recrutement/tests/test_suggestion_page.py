"""Global suggestion page: who sees which territory, the proposal and its greedy baseline, turning a line into a
proposal to the structure (national team and hub only), and the refused cases."""

import pytest
from django.urls import reverse

from cnfs.core.enums import Role
from cnfs.core.models import AuditEvent
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import user_with_role
from cnfs.recrutement.enums import StatutMiseEnRelation
from cnfs.recrutement.models import MiseEnRelation
from cnfs.recrutement.selectors_suggestion import global_suggestion
from cnfs.recrutement.tests.conftest import nothing_written
from cnfs.recrutement.tests.factories import (
    CandidatureFactory,
    MiseEnRelationFactory,
    StructureFactory,
    commune_lyon,
    national_agent,
    prefecture_agent,
    structure_manager,
)
from cnfs.territoires.tests.factories import CommuneFactory, HubFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """The Loire: two open posts at Saint-Étienne, one at Saint-Chamond; the Rhône: one post at Lyon.

    Greedy gives the nearest pair first and leaves a post empty; the optimum fills every post of the Loire.
    """
    st_etienne = CommuneFactory()
    st_chamond = CommuneFactory(
        code="42207",
        nom="Saint-Chamond",
        search_name="saint chamond",
        latitude=45.4756,
        longitude=4.5147,
        codes_postaux=["42400"],
        codes_postaux_text="42400",
    )
    lyon = commune_lyon()
    s1 = StructureFactory(commune=st_etienne, postes_accordes=2, nom="Mairie de Saint-Étienne")
    s2 = StructureFactory(commune=st_chamond, postes_accordes=1, nom="Mairie de Saint-Chamond")
    s3 = StructureFactory(commune=lyon, postes_accordes=1, nom="Mairie de Lyon")
    StructureFactory(commune=st_etienne, postes_accordes=0, nom="Sans poste")
    # Saint-Chamond is ~11 km from Saint-Étienne, L'Horme ~2 km from Saint-Chamond. Anna (Saint-Chamond, 15 km)
    # is the nearest to Saint-Chamond's post, but Bruno (L'Horme, 5 km) can only reach that one.
    l_horme = CommuneFactory(
        code="42110",
        nom="L'Horme",
        search_name="l horme",
        latitude=45.4833,
        longitude=4.5414,
        codes_postaux=["42152"],
        codes_postaux_text="42152",
    )
    a = CandidatureFactory(commune=st_chamond, distance_max=15, prenom="Anna")
    b = CandidatureFactory(commune=l_horme, distance_max=5, prenom="Bruno", code_postal="42152")
    c = CandidatureFactory(commune=st_etienne, distance_max=5, prenom="Chloé")
    d = CandidatureFactory(commune=lyon, distance_max=10, prenom="David")
    recruited = CandidatureFactory(commune=st_etienne, etape="en_poste", prenom="Recrutée")
    hub = HubFactory()
    hub.departements.add(st_etienne.departement)
    return {
        "s1": s1,
        "s2": s2,
        "s3": s3,
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "recruited": recruited,
        "users": {
            "anct": national_agent(),
            "hub": user_with_role(Role.HUB, hub=hub),
            "hub_autre": user_with_role(Role.HUB, hub=HubFactory(nom="Hub Sud", slug="hub-sud")),
            "prefecture": prefecture_agent(st_etienne.departement),
            "prefecture_autre": prefecture_agent(lyon.departement),
            "structure": structure_manager(s1),
            "candidat": user_with_role(Role.CANDIDAT),
        },
    }


def test_suggestion_fills_more_posts_than_greedy_in_the_loire(world):
    result = global_suggestion(frozenset({"42"}))
    assert (result.structures, result.open_posts) == (2, 3)
    assert result.optimal.posts_filled == 3
    pairs = {(line.structure.pk, line.candidature.pk) for line in result.lines}
    assert pairs == {(world["s1"].pk, world["a"].pk), (world["s1"].pk, world["c"].pk), (world["s2"].pk, world["b"].pk)}
    assert result.baseline.posts_filled == 2 and result.extra_posts == 1
    assert world["recruited"].pk not in {line.candidature.pk for line in result.lines}


def test_nation_includes_every_territory(world):
    result = global_suggestion(None)
    assert result.open_posts == 4 and result.optimal.posts_filled == 4


def test_pairs_already_in_relation_are_not_proposed_again(world):
    MiseEnRelationFactory(structure=world["s3"], candidature=world["d"], statut=StatutMiseEnRelation.NON_RETENUE)
    result = global_suggestion(frozenset({"69"}))
    assert result.optimal.posts_filled == 0 and result.lines == []


PAGE = reverse("recrutement:suggestion")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anct", 200),
        ("hub", 200),
        ("hub_autre", 403),  # a hub with no département
        ("prefecture", 200),
        ("prefecture_autre", 200),
        ("structure", 403),
        ("candidat", 403),
    ],
)
def test_page_matrix(client, world, who, status):
    login(client, world["users"][who])
    assert client.get(PAGE).status_code == status


def test_anonymous_is_sent_to_login(client, world):
    assert client.get(PAGE)["Location"].startswith(reverse("core:login"))
    url = reverse("recrutement:suggestion_propose", args=[world["s1"].pk, world["a"].pk])
    assert client.post(url)["Location"].startswith(reverse("core:login"))


def test_territory_outside_the_scope_is_404(client, world):
    login(client, world["users"]["prefecture"])
    assert client.get(PAGE, {"territoire": "69"}).status_code == 404
    assert client.get(PAGE, {"territoire": "france"}).status_code == 404
    assert client.get(PAGE, {"territoire": "42"}).status_code == 200


def test_page_shows_totals_lines_and_propose_buttons_by_role(client, world, django_assert_max_num_queries):
    login(client, world["users"]["anct"])
    with django_assert_max_num_queries(20):
        html = client.get(PAGE, {"territoire": "42"}).content.decode()
    assert "Postes pourvus (sur 3 ouverts dans 2 structure(s))" in html
    assert "Anna" in html and "Mairie de Saint-Chamond" in html and "Proposer" in html
    login(client, world["users"]["prefecture"])
    html = client.get(PAGE).content.decode()
    assert "Anna" in html and "Proposer" not in html  # read-only for the prefecture


def test_anct_proposes_a_line_and_the_structure_sees_it(client, world):
    login(client, world["users"]["anct"])
    s1, a = world["s1"], world["a"]
    url = reverse("recrutement:suggestion_propose", args=[s1.pk, a.pk])
    response = client.post(url, {"territoire": "42"})
    assert response.status_code == 302 and response["Location"] == f"{PAGE}?territoire=42"
    mer = MiseEnRelation.objects.get(structure=s1, candidature=a)
    assert mer.statut == StatutMiseEnRelation.NOUVELLE and mer.distance_km > 0
    assert AuditEvent.objects.filter(action="recrutement.suggestion_propose").count() == 1
    # Proposed twice: a French message, nothing written.
    with nothing_written(MiseEnRelation):
        response = client.post(url, {"territoire": "42"}, follow=True)
    assert "déjà en relation avec cette structure" in response.content.decode()
    # The structure sees the candidate among its candidates, as "Nouvelle".
    login(client, world["users"]["structure"])
    html = client.get(reverse("recrutement:structure_candidats", args=[s1.pk])).content.decode()
    assert "Anna" in html and "Nouvelle" in html


def test_hub_proposes_in_its_departements_only(client, world):
    login(client, world["users"]["hub"])
    ok = reverse("recrutement:suggestion_propose", args=[world["s2"].pk, world["b"].pk])
    assert client.post(ok).status_code == 302
    assert MiseEnRelation.objects.filter(structure=world["s2"], candidature=world["b"]).exists()
    refused = reverse("recrutement:suggestion_propose", args=[world["s3"].pk, world["d"].pk])
    with nothing_written(MiseEnRelation):
        assert client.post(refused).status_code == 403


@pytest.mark.parametrize("who", ["prefecture", "structure", "candidat", "hub_autre"])
def test_other_roles_cannot_propose(client, world, who):
    login(client, world["users"][who])
    url = reverse("recrutement:suggestion_propose", args=[world["s1"].pk, world["a"].pk])
    with nothing_written(MiseEnRelation):
        assert client.post(url).status_code == 403


def test_refused_proposals_say_why(client, world):
    login(client, world["users"]["anct"])
    cases = [
        (world["s1"], world["recruited"], "n’est plus disponible"),
        (world["s3"], world["a"], "aussi loin de chez lui"),
    ]
    for structure, candidature, message in cases:
        url = reverse("recrutement:suggestion_propose", args=[structure.pk, candidature.pk])
        with nothing_written(MiseEnRelation):
            response = client.post(url, follow=True)
        assert message in response.content.decode()
    full = StructureFactory(commune=world["s1"].commune, postes_accordes=1, postes_occupes=1)
    url = reverse("recrutement:suggestion_propose", args=[full.pk, world["c"].pk])
    with nothing_written(MiseEnRelation):
        response = client.post(url, follow=True)
    assert "n’a plus de poste ouvert" in response.content.decode()
    assert client.get(reverse("recrutement:suggestion_propose", args=[full.pk, world["c"].pk])).status_code == 405
