"""Role × view matrix of the pass numérique pages (anonymous, wrong role, other organisation) and the journeys
through HTTP: order against the envelope, issue, booklet PDF, distribution, qualification, redemption."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cnfs.core.tests.auth import login
from cnfs.passnum import codes
from cnfs.passnum.enums import StatutCarnet, StatutCheque, StatutQualification
from cnfs.passnum.models import Carnet, Cheque, Commande, LieuQualifie, TentativeEncaissement
from cnfs.passnum.tests import factories as f

pytestmark = pytest.mark.django_db

WHO = [
    "anonymous",
    "anct",
    "structure",
    "commanditaire",
    "commanditaire_autre",
    "distributeur",
    "lieu",
    "lieu_non_qualifie",
]


def _url(world, name):
    commande = world["commande"]
    review = LieuQualifie.objects.filter(pk=world["place"].pk).first()
    args = {
        "commande": [commande.pk],
        "carnets_pdf": [commande.pk],
        "qualification_detail": [review.pk],
    }.get(name, [])
    return reverse(f"passnum:{name}", args=args)


# name → {who: expected status}; unlisted users get `default`.
MATRIX = {
    "accueil": ({}, 200),
    "commanditaire": ({"anct": 200, "commanditaire": 200, "commanditaire_autre": 200}, 403),
    "commande_create": ({"anct": 200, "commanditaire": 200, "commanditaire_autre": 200}, 403),
    "commande": ({"anct": 200, "commanditaire": 200}, 404),
    "carnets_pdf": ({"anct": 200, "commanditaire": 200}, 404),
    "distributeur": ({"distributeur": 200}, 403),
    "lieu": ({"lieu": 200, "lieu_non_qualifie": 200}, 403),
    "qualification": ({"lieu": 200, "lieu_non_qualifie": 200}, 403),
    "encaisser": ({"lieu": 200, "lieu_non_qualifie": 200}, 403),
    "qualifications": ({"anct": 200, "commanditaire": 200, "commanditaire_autre": 200}, 403),
    "qualification_detail": ({"anct": 200, "commanditaire": 200, "commanditaire_autre": 404}, 403),
    "national": ({"anct": 200}, 403),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_matrix(client, world, name, who):
    allowed, default = MATRIX[name]
    if who != "anonymous":
        login(client, world["users"][who])
    response = client.get(_url(world, name))
    if who == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == allowed.get(who, default), (name, who)


@pytest.mark.parametrize("name", ["commande_emettre", "commande_annuler", "carnets_attribuer", "carnet_annuler"])
@pytest.mark.parametrize("who", ["commanditaire_autre", "distributeur", "lieu"])
def test_order_actions_are_refused_to_others(client, world, name, who):
    login(client, world["users"][who])
    response = client.post(reverse(f"passnum:{name}", args=[world["commande"].pk]), {"nombre": 1, "numero": 1})
    assert response.status_code == 404
    assert Carnet.objects.filter(statut=StatutCarnet.ANNULE).count() == 0


def test_actions_need_post(client, world):
    login(client, world["users"]["commanditaire"])
    assert client.get(reverse("passnum:commande_emettre", args=[world["commande"].pk])).status_code == 405


def _order_data(world, **changes):
    data = {
        "commanditaire": world["buyer"].pk,
        "libelle": "Seniors 2026",
        "territoire_type": "departements",
        "territoire_codes": "42",
        "publics": ["seniors"],
        "nb_carnets": 3,
        "cheques_par_carnet": 10,
        "valeur_euros": 10,
        "taux_etat": 50,
        "enveloppe": world["enveloppe"].pk,
    }
    data.update(changes)
    return data


def test_order_journey_create_issue_pdf(client, world):
    login(client, world["users"]["commanditaire"])
    response = client.post(reverse("passnum:commande_create"), _order_data(world, nb_carnets=1000))
    assert response.status_code == 200
    assert "insuffisante" in response.content.decode()
    assert Commande.objects.count() == 1

    response = client.post(reverse("passnum:commande_create"), _order_data(world))
    commande = Commande.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("passnum:commande", args=[commande.pk])
    assert commande.montant_etat_engage == 3 * 10 * 1000 // 2
    response = client.post(reverse("passnum:commande_emettre", args=[commande.pk]), follow=True)
    assert "3 carnet(s) et 30 chèque(s) émis" in response.content.decode()
    response = client.get(reverse("passnum:carnets_pdf", args=[commande.pk]) + "?de=1&a=2")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert "carnets-PN-" in response["Content-Disposition"]
    pages = PdfReader(io.BytesIO(response.content)).pages
    first = " ".join(pages[0].extract_text().split())  # no-break spaces read as spaces
    cheque = Cheque.objects.filter(carnet__commande=commande).order_by("carnet__numero", "pk").first()
    assert len(pages) == 2 and "Pass numérique — carnet n° 1" in first
    assert "Chèque de 10,00 €" in first and codes.format_code(cheque.code) in first  # not « 10,00 ? »

    response = client.post(
        reverse("passnum:carnets_attribuer", args=[commande.pk]),
        {"distributeur": world["distributeur"].pk, "nombre": 2},
        follow=True,
    )
    assert "2 carnet(s) remis" in response.content.decode()


def test_order_form_shows_a_french_error_for_a_bad_rate(client, world):
    login(client, world["users"]["commanditaire"])
    response = client.post(reverse("passnum:commande_create"), _order_data(world, taux_etat=70))
    assert response.status_code == 200 and "50" in response.content.decode()
    assert Commande.objects.count() == 1


def test_a_buyer_cannot_order_for_another_buyer(client, world):
    login(client, world["users"]["commanditaire_autre"])
    response = client.post(reverse("passnum:commande_create"), _order_data(world))
    assert response.status_code == 200  # the other buyer is not a choice of the form
    assert Commande.objects.count() == 1


def test_distribution_journey(client, world):
    login(client, world["users"]["distributeur"])
    carnet = Carnet.objects.filter(commande=world["commande"]).first()
    page = client.get(reverse("passnum:distributeur")).content.decode()
    assert f"<td>{carnet.commande.reference}</td><td>1-2</td>" in page  # the stock, as ranges of numbers
    base = {"commande": carnet.commande_id, "numeros": str(carnet.numero), "public": "seniors"}
    response = client.post(reverse("passnum:distributeur"), {**base, "beneficiaire_nom": "Léa"})
    assert response.status_code == 200 and "consentement" in response.content.decode()
    assert Carnet.objects.filter(statut=StatutCarnet.DISTRIBUE).count() == 0
    response = client.post(reverse("passnum:distributeur"), base, follow=True)
    assert "1 carnet(s) distribué(s)" in response.content.decode()
    assert "Personnes âgées" in response.content.decode()
    # The same booklet again: no longer in stock, nothing written.
    response = client.post(reverse("passnum:distributeur"), base)
    assert "ne sont pas dans votre stock" in response.content.decode()
    assert Carnet.objects.filter(statut=StatutCarnet.DISTRIBUE).count() == 1


@pytest.mark.parametrize(
    ("numeros", "message"),
    [
        ("", "Ce champ est obligatoire"),
        ("douze", "n’est pas un numéro de carnet"),
        ("5-2", "du plus petit numéro au plus grand"),
        ("0", "à partir de 1"),
        ("1-500", "Au plus 200 carnets"),
        ("2, 99", "pas dans votre stock pour la commande"),
    ],
)
def test_distribution_refuses_bad_booklet_numbers(client, world, numeros, message):
    login(client, world["users"]["distributeur"])
    data = {"commande": world["commande"].pk, "numeros": numeros, "public": "seniors"}
    response = client.post(reverse("passnum:distributeur"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Carnet.objects.filter(statut=StatutCarnet.DISTRIBUE).exists()


def test_distribution_of_another_distributors_order_is_not_a_choice(client, world):
    login(client, world["users"]["distributeur_autre"])
    data = {"commande": world["commande"].pk, "numeros": "1", "public": "seniors"}
    response = client.post(reverse("passnum:distributeur"), data)
    assert response.status_code in (200, 403)
    assert not Carnet.objects.filter(statut=StatutCarnet.DISTRIBUE).exists()


def test_qualification_journey_with_a_wrong_iban_then_a_good_one(client, world):
    login(client, world["users"]["lieu_non_qualifie"])
    iban = f.valid_iban(42)
    data = {
        "siret": f.valid_siret(7777),
        "services": ["premiers_pas"],
        "iban": iban[:-1] + ("1" if iban[-1] != "1" else "2"),
        "bic": "AGRIFRPP",
        "titulaire_compte": "Mairie",
    }
    response = client.post(reverse("passnum:qualification"), data)
    assert response.status_code == 200 and "clé de contrôle de l’IBAN est fausse" in response.content.decode()
    assert not LieuQualifie.objects.filter(lieu=world["unqualified"]).exists()
    data["iban"] = iban
    response = client.post(reverse("passnum:qualification"), data)
    assert response.status_code == 302
    qualification = LieuQualifie.objects.get(lieu=world["unqualified"])
    assert qualification.statut == StatutQualification.DEMANDEE

    client.logout()
    login(client, world["users"]["anct"])
    response = client.get(reverse("passnum:qualifications"))
    assert world["unqualified"].nom in response.content.decode()
    response = client.post(reverse("passnum:qualification_detail", args=[qualification.pk]), {"decision": "refuser"})
    assert response.status_code == 200 and "motif" in response.content.decode()
    response = client.post(reverse("passnum:qualification_detail", args=[qualification.pk]), {"decision": "qualifier"})
    assert response.status_code == 302
    assert LieuQualifie.objects.get(pk=qualification.pk).statut == StatutQualification.QUALIFIEE


def test_redeem_journey_on_the_phone_page(client, world):
    login(client, world["users"]["lieu"])
    code = world["codes"][0]
    page = client.get(reverse("passnum:encaisser") + f"?code={code}").content.decode()
    assert 'autocomplete="off"' in page and 'inputmode="text"' in page and f'value="{code}"' in page
    typo = code[:-1] + ("A" if code[-1] != "A" else "B")
    response = client.post(reverse("passnum:encaisser"), {"code": typo})
    assert response.status_code == 200 and "Code invalide" in response.content.decode()
    response = client.post(reverse("passnum:encaisser"), {"code": codes.format_code(code)}, follow=True)
    assert "accepté" in response.content.decode()
    assert Cheque.objects.get(code=code).statut == StatutCheque.UTILISE
    response = client.post(reverse("passnum:encaisser"), {"code": code})
    assert "déjà utilisé le" in response.content.decode()
    assert TentativeEncaissement.objects.count() == 3
    page = client.get(reverse("passnum:lieu")).content.decode()
    assert "Derniers chèques encaissés" in page


def test_a_place_cannot_redeem_for_another_place(client, world):
    login(client, world["users"]["lieu"])
    response = client.post(
        reverse("passnum:encaisser"), {"code": world["codes"][0], "lieu_id": world["place_lyon"].lieu_id}
    )
    assert response.status_code == 302  # redeemed for its own place, never the other one
    assert Cheque.objects.get(code=world["codes"][0]).redeemed_by_place == world["place"]


def test_order_list_does_not_query_per_row(client, world, django_assert_max_num_queries):
    for _ in range(5):
        f.commande(world["users"]["commanditaire"], world["buyer"], issue=False)
    login(client, world["users"]["commanditaire"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("passnum:commanditaire")).status_code == 200


def test_lieux_page_shows_the_label_of_a_qualified_place(client, world):
    from cnfs.passnum import services

    qualification = services.qualification_demander(
        actor=world["users"]["lieu_non_qualifie"],
        lieu=world["unqualified"],
        siret=f.valid_siret(8888),
        services=["premiers_pas"],
        iban=f.valid_iban(5),
        bic="AGRIFRPP",
        titulaire_compte="Mairie",
    )
    services.qualification_decider(actor=world["users"]["anct"], qualification=qualification, decision="qualifier")
    page = client.get(reverse("lieux:recherche_lieu", args=[world["unqualified"].pk])).content.decode()
    assert "Accepte le pass numérique" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("distributeur", 403), ("lieu", 403), ("commanditaire", 200), ("anct", 200)],
)
def test_api_orders_by_role(client, world, who, status):
    if who != "anonymous":
        login(client, world["users"][who])
    response = client.get("/api/v1/pass-numerique/commandes")
    assert response.status_code == status
    if status == 200:
        assert [row["id"] for row in response.json()] == [world["commande"].pk]


def test_api_order_detail_is_scoped_to_the_buyer(client, world):
    url = f"/api/v1/pass-numerique/commandes/{world['commande'].pk}"
    login(client, world["users"]["commanditaire_autre"])
    assert client.get(url).status_code == 404
    client.logout()
    login(client, world["users"]["commanditaire"])
    body = client.get(url).json()
    assert body["cheques"]["distribue"] == 0 and body["cheques"]["emis"] == 10 and body["carnets"]["attribue"] == 2
