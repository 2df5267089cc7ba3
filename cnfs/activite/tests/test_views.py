"""Role × view matrix of the activity pages, and the entry form through HTTP."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.activite.enums import AGE_FIELDS, STATUT_FIELDS
from cnfs.activite.models import Accompagnement
from cnfs.activite.services import accompagnement_create, beneficiaire_create
from cnfs.activite.tests.conftest import nothing_written
from cnfs.activite.tests.factories import conseiller_with_lieux, coordinateur_of, valid_data
from cnfs.core.enums import Role
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import user_with_role
from cnfs.recrutement.tests.factories import StructureFactory

pytestmark = pytest.mark.django_db

WHO = [
    "anonymous",
    "conseiller",
    "conseiller_autre",
    "coordinateur",
    "coordinateur_autre",
    "structure",
    "anct",
    "prefecture",
    "hub",
    "candidat",
]
OTHERS = {"structure": 403, "anct": 403, "prefecture": 403, "hub": 403, "candidat": 403}


@pytest.fixture
def world():
    structure = StructureFactory()
    owner, (lieu, second) = conseiller_with_lieux(2, structure=structure)
    record = accompagnement_create(actor=owner, data=valid_data(lieu, date=timezone.localdate()))
    users = {
        "conseiller": owner,
        "conseiller_autre": conseiller_with_lieux()[0],
        "coordinateur": coordinateur_of(structure),
        "coordinateur_autre": coordinateur_of(StructureFactory()),
        **{role: user_with_role(role) for role in ("structure", "anct", "prefecture", "hub", "candidat")},
    }
    return {"owner": owner, "lieu": lieu, "second": second, "record": record, "users": users}


def _status(client, world, who, url, method="get"):
    if who != "anonymous":
        login(client, world["users"][who])
    return getattr(client, method)(url).status_code


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("url_name", ["activite:cra_liste", "activite:cra_nouveau", "activite:beneficiaires"])
def test_advisor_pages_matrix(client, world, who, url_name):
    expected = {"anonymous": 302, **OTHERS}.get(who, 200)
    assert _status(client, world, who, reverse(url_name)) == expected


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("url_name", ["activite:cra_modifier", "activite:cra_supprimer"])
def test_record_pages_matrix(client, world, who, url_name):
    expected = {
        "anonymous": 302,
        "conseiller": 200,
        "conseiller_autre": 404,  # another advisor's record is not revealed
        "coordinateur": 403,  # visible to the coordinator of the advisor's structure, not editable
        "coordinateur_autre": 404,
        **OTHERS,
    }[who]
    assert _status(client, world, who, reverse(url_name, args=[world["record"].pk])) == expected


@pytest.mark.parametrize("who", ["conseiller_autre", "coordinateur", "structure"])
def test_posting_to_another_advisors_record_changes_nothing(client, world, who):
    login(client, world["users"][who])
    record = world["record"]
    with nothing_written():
        edit = client.post(reverse("activite:cra_modifier", args=[record.pk]), {"participants": 5})
        delete = client.post(reverse("activite:cra_supprimer", args=[record.pk]))
    assert edit.status_code in (403, 404) and delete.status_code in (403, 404)
    record.refresh_from_db()
    assert record.supprime_le is None and record.participants == 1


def _post_data(place, **overrides):
    data = dict.fromkeys((name for name, _ in (*AGE_FIELDS, *STATUT_FIELDS)), "0")
    data |= {
        "date": timezone.localdate().isoformat(),
        "type": "individuel",
        "canal": "lieu_activite",
        "lieu": str(place.pk),
        "commune": "",
        "duree": "45",
        "duree_autre": "",
        "participants": "2",
        "participants_recurrents": "1",
        "age_18_35": "1",
        "age_plus_60": "1",
        "statut_en_emploi": "1",
        "statut_retraite": "1",
        "themes": ["courriel", "demarche_en_ligne"],
        "demarche_type": "impots",
        "orientation": "caf",
        "materiel": "smartphone",
        "autonomie": "partiellement",
        "notes": "Déclaration en ligne.",
    }
    data.update(overrides)
    return data


def test_count_left_blank_is_asked_for(client, world):
    login(client, world["owner"])
    with nothing_written():
        response = client.post(reverse("activite:cra_nouveau"), _post_data(world["lieu"], age_moins_12=""))
    assert response.status_code == 400 and "Ce champ est obligatoire." in response.content.decode()


def test_new_form_has_the_defaults(client, world):
    login(client, world["owner"])
    form = client.get(reverse("activite:cra_nouveau")).context["form"]
    assert form.initial["date"] == timezone.localdate()
    assert form.initial["lieu"] == world["lieu"].pk  # the principal place
    assert (form.initial["type"], form.initial["duree"], form.initial["participants"]) == ("individuel", "30", 1)


def test_entry_form_records_and_lists(client, world):
    login(client, world["owner"])
    response = client.post(reverse("activite:cra_nouveau"), _post_data(world["lieu"]))
    assert response.status_code == 302 and response["Location"] == reverse("activite:cra_liste")
    created = Accompagnement.objects.order_by("-id").first()
    assert (created.duree_minutes, created.participants, created.demarche_type) == (45, 2, "impots")
    page = client.get(reverse("activite:cra_liste"))
    assert "Le compte rendu a été enregistré." in page.content.decode()
    assert page.context["page"].paginator.count == 2


def test_save_and_new_goes_back_to_the_form_and_custom_duration(client, world):
    login(client, world["owner"])
    response = client.post(
        reverse("activite:cra_nouveau"), _post_data(world["lieu"], duree="autre", duree_autre="75", encore="1")
    )
    assert response["Location"] == reverse("activite:cra_nouveau")
    assert Accompagnement.objects.order_by("-id").first().duree_minutes == 75


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"age_plus_60": "0"}, "La répartition par âge compte 1 personne pour 2 personnes : il en manque 1."),
        (
            {"date": (timezone.localdate() + dt.timedelta(days=1)).isoformat()},
            "La date ne peut pas être dans le futur.",
        ),
        ({"date": "2019-12-31"}, "La date ne peut pas être antérieure au 1er janvier 2020."),
        ({"themes": ["courriel", "astrologie"]}, "Sélectionnez un choix valide"),
        ({"duree": "autre"}, "Indiquez la durée en minutes."),
    ],
)
def test_entry_form_errors_are_french_and_nothing_is_written(client, world, overrides, message):
    login(client, world["owner"])
    with nothing_written():
        response = client.post(reverse("activite:cra_nouveau"), _post_data(world["lieu"], **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_entry_form_refuses_a_place_that_is_not_theirs(client, world):
    other_place = conseiller_with_lieux()[1][0]
    login(client, world["owner"])
    with nothing_written():
        response = client.post(reverse("activite:cra_nouveau"), _post_data(world["lieu"], lieu=str(other_place.pk)))
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()  # not even offered in the list


def test_edit_and_delete_own_record(client, world):
    login(client, world["owner"])
    record = world["record"]
    form = client.get(reverse("activite:cra_modifier", args=[record.pk])).context["form"]
    assert form.initial["themes"] == ["courriel"] and form.initial["duree"] == "30"
    response = client.post(reverse("activite:cra_modifier", args=[record.pk]), _post_data(world["second"]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.lieu_id, record.participants) == (world["second"].pk, 2)
    response = client.post(reverse("activite:cra_supprimer", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.supprime_le is not None
    assert client.get(reverse("activite:cra_modifier", args=[record.pk])).status_code == 404


def test_coordinator_sees_the_records_of_their_structures_advisors_only(client, world):
    outsider = world["users"]["conseiller_autre"]
    accompagnement_create(actor=outsider, data=valid_data(None, date=timezone.localdate()))
    login(client, world["users"]["coordinateur"])
    page = client.get(reverse("activite:cra_liste"))
    assert [a.conseiller_id for a in page.context["page"].object_list] == [world["owner"].pk]
    login(client, outsider)
    page = client.get(reverse("activite:cra_liste"))
    assert [a.conseiller_id for a in page.context["page"].object_list] == [outsider.pk]


def test_list_page_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries):
    owner, lieu = world["owner"], world["lieu"]
    for i in range(30):
        accompagnement_create(
            actor=owner, data=valid_data(lieu, date=timezone.localdate(), themes=["sante", "courriel"][: 1 + i % 2])
        )
    login(client, owner)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("activite:cra_liste"))
    assert response.context["page"].paginator.count == 31


def test_beneficiaires_page_opens_a_follow_up_with_consent_and_merges(client, world):
    owner = world["owner"]
    login(client, owner)
    url = reverse("activite:beneficiaires")
    with nothing_written():
        refused = client.post(url, {"nom": "Martin"})
    assert refused.status_code == 400 and "consentement" in refused.content.decode()
    assert client.post(url, {"nom": "Martin", "consentement": "on"}).status_code == 302
    b2 = beneficiaire_create(actor=owner, nom="Martin", telephone="0600000000", consentement=True)
    keep = owner.beneficiaires.order_by("pk").first()
    response = client.post(reverse("activite:beneficiaires_fusion"), {"conserve": keep.pk, "doublon": b2.pk})
    assert response.status_code == 302
    assert list(owner.beneficiaires.values_list("telephone", flat=True)) == ["0600000000"]


def test_merge_of_another_advisors_beneficiaries_is_refused(client, world):
    other = world["users"]["conseiller_autre"]
    a = beneficiaire_create(actor=other, nom="A", consentement=True)
    b = beneficiaire_create(actor=other, nom="B", consentement=True)
    login(client, world["owner"])
    with nothing_written():
        client.post(reverse("activite:beneficiaires_fusion"), {"conserve": a.pk, "doublon": b.pk})
    assert other.beneficiaires.count() == 2


def test_mon_espace_shows_the_card_to_advisors(client, world):
    login(client, world["owner"])
    assert reverse("activite:cra_liste") in client.get(reverse("core:mon_espace")).content.decode()
    login(client, user_with_role(Role.STRUCTURE))
    assert reverse("activite:cra_liste") not in client.get(reverse("core:mon_espace")).content.decode()
