"""Services of the pass numérique, and the bad input of the issue: each refusal is French, writes nothing (but the
attempt's log line), and the good path changes exactly what it should."""

import datetime

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cnfs.core.errors import DomainError
from cnfs.core.models import AuditEvent
from cnfs.passnum import codes, services
from cnfs.passnum.enums import ResultatTentative, StatutCarnet, StatutCheque, StatutCommande, StatutQualification
from cnfs.passnum.models import Carnet, Cheque, Commande, EnveloppeEtat, LieuQualifie, TentativeEncaissement
from cnfs.passnum.services.commandes import add_one_month
from cnfs.passnum.tests import factories as f

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 6, 15, 10, 30))


def redeem(world, code, who="lieu", lieu=None, now=NOW):
    lieu = lieu or world["place"].lieu
    return services.cheque_encaisser(code=code, lieu=lieu, user=world["users"][who], now=now)


def refusal(world, code, **kwargs) -> services.EncaissementRefuse:
    with pytest.raises(services.EncaissementRefuse) as refused:
        redeem(world, code, **kwargs)
    return refused.value


# --- Orders and the State envelope ---------------------------------------------------------------------------


def test_order_commits_the_state_share_and_issues_its_vouchers_in_bulk(world):
    commande, enveloppe = world["commande"], world["enveloppe"]
    assert commande.statut == StatutCommande.EMISE
    assert commande.montant_total == 2 * 5 * 1000 and commande.montant_etat_engage == 5000
    assert EnveloppeEtat.objects.get(pk=enveloppe.pk).engage == 5000
    assert Carnet.objects.filter(commande=commande).count() == 2
    cheques = Cheque.objects.filter(commande=commande)
    assert cheques.count() == 10 and len(set(world["codes"])) == 10
    assert all(codes.is_valid(c) for c in world["codes"])
    assert commande.date_fin_validite == datetime.date(2026, 12, 31)
    assert set(cheques.values_list("valable_jusqu_au", flat=True)) == {datetime.date(2027, 1, 31)}


def test_tolerance_month_is_calendar_aware():
    assert add_one_month(datetime.date(2026, 12, 31)) == datetime.date(2027, 1, 31)
    assert add_one_month(datetime.date(2027, 1, 31)) == datetime.date(2027, 2, 28)


def test_order_over_the_envelope_is_refused_and_writes_nothing(world):
    enveloppe = world["enveloppe"]  # 10 000 €, 50 € committed
    before = (Commande.objects.count(), EnveloppeEtat.objects.get(pk=enveloppe.pk).engage, AuditEvent.objects.count())
    with pytest.raises(DomainError, match="Enveloppe « .* » insuffisante") as refused:
        f.commande(
            world["users"]["commanditaire"],
            world["buyer"],
            nb_carnets=400,
            per=10,
            taux_etat=50,
            enveloppe=enveloppe,
            issue=False,
        )
    assert refused.value.field == "enveloppe"
    assert (
        Commande.objects.count(),
        EnveloppeEtat.objects.get(pk=enveloppe.pk).engage,
        AuditEvent.objects.count(),
    ) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"taux_etat": 60}, "au plus 50 %"),
        ({"per": 7}, "5 ou 10 chèques"),
        ({"nb_carnets": 0}, "positif"),
        ({"codes": ("99",)}, "Territoire inconnu : 99"),
        ({"codes": ()}, "au moins un territoire"),
        ({"publics": ["martiens"]}, "public"),
        ({"taux_etat": 20, "enveloppe": None}, "Choisissez l’enveloppe"),
        ({"date_fin_validite": datetime.date(2025, 1, 1)}, "fin de validité"),
    ],
)
def test_bad_orders_are_refused_in_french(world, changes, message):
    count = Commande.objects.count()
    changes = dict(changes)
    kwargs = {
        "codes": changes.pop("codes", ("42",)),
        "per": changes.pop("per", 5),
        "nb_carnets": changes.pop("nb_carnets", 1),
    }
    with pytest.raises(DomainError, match=message):
        f.commande(world["users"]["commanditaire"], world["buyer"], issue=False, **kwargs, **changes)
    assert Commande.objects.count() == count


def test_a_regional_envelope_covers_only_its_region(world):
    from cnfs.territoires.models import Region

    f.paris()
    regionale = f.EnveloppeFactory(region=Region.objects.get(code="84"), montant=10**8)
    with pytest.raises(DomainError, match="ne couvre que sa région"):
        f.commande(
            world["users"]["commanditaire"],
            world["buyer"],
            codes=("75",),
            taux_etat=50,
            enveloppe=regionale,
            issue=False,
        )


def test_only_the_buyer_orders_in_its_own_name(world):
    with pytest.raises(DomainError, match="votre propre organisation"):
        f.commande(world["users"]["commanditaire_autre"], world["buyer"], issue=False)


def test_cancelling_an_order_not_issued_gives_the_state_share_back(world):
    enveloppe = world["enveloppe"]
    commande = f.commande(
        world["users"]["commanditaire"], world["buyer"], taux_etat=50, enveloppe=enveloppe, issue=False
    )
    assert EnveloppeEtat.objects.get(pk=enveloppe.pk).engage == 10000
    services.commande_annuler(actor=world["users"]["commanditaire"], commande=commande)
    assert EnveloppeEtat.objects.get(pk=enveloppe.pk).engage == 5000
    with pytest.raises(DomainError, match="pas encore émis"):
        services.commande_annuler(actor=world["users"]["commanditaire"], commande=world["commande"])


def test_issuing_twice_is_refused(world):
    with pytest.raises(DomainError, match="déjà émis"):
        services.commande_emettre(actor=world["users"]["commanditaire"], commande=world["commande"])
    assert Cheque.objects.count() == 10


def test_booklets_go_only_to_a_distributor_of_the_territory(world):
    commande = f.commande(world["users"]["commanditaire"], world["buyer"])
    ailleurs = f.DistributeurFactory(departement=f.lyon().departement)
    with pytest.raises(DomainError, match="pas dans le territoire"):
        services.carnets_attribuer(
            actor=world["users"]["commanditaire"], commande=commande, distributeur=ailleurs, nombre=1
        )
    with pytest.raises(DomainError, match="Il reste 2 carnet"):
        services.carnets_attribuer(
            actor=world["users"]["commanditaire"], commande=commande, distributeur=world["distributeur"], nombre=3
        )
    assert not Carnet.objects.filter(commande=commande, distributeur__isnull=False).exists()


# --- Distribution --------------------------------------------------------------------------------------------


def test_distribution_is_anonymous_by_default_and_named_only_with_consent(world):
    first, second = Carnet.objects.filter(commande=world["commande"]).order_by("numero")
    user = world["users"]["distributeur"]
    with pytest.raises(DomainError, match="qu’avec son consentement"):
        services.carnets_distribuer(actor=user, carnet_ids=[first.pk], public="seniors", beneficiaire_nom="Léa M.")
    with pytest.raises(DomainError, match="un seul carnet"):
        services.carnets_distribuer(
            actor=user,
            carnet_ids=[first.pk, second.pk],
            public="seniors",
            consentement=True,
            beneficiaire_nom="Léa M.",
        )
    assert Carnet.objects.filter(statut=StatutCarnet.DISTRIBUE).count() == 0
    services.carnets_distribuer(actor=user, carnet_ids=[first.pk], public="seniors")
    services.carnets_distribuer(
        actor=user, carnet_ids=[second.pk], public="familles", consentement=True, beneficiaire_nom="Léa M."
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.statut, first.public, first.beneficiaire_nom, first.consentement) == (
        "distribue",
        "seniors",
        "",
        False,
    )
    assert (second.beneficiaire_nom, second.consentement) == ("Léa M.", True)
    assert set(Cheque.objects.values_list("statut", flat=True)) == {StatutCheque.DISTRIBUE}
    with pytest.raises(DomainError, match="plus disponibles"):
        services.carnets_distribuer(actor=user, carnet_ids=[first.pk], public="seniors")


def test_a_distributor_hands_out_only_its_own_booklets(world):
    carnet = Carnet.objects.filter(commande=world["commande"]).first()
    with pytest.raises(DomainError, match="remis à votre organisation"):
        services.carnets_distribuer(
            actor=world["users"]["distributeur_autre"], carnet_ids=[carnet.pk], public="seniors"
        )


# --- Qualification -------------------------------------------------------------------------------------------


def _apply(world, who="lieu_non_qualifie", **changes):
    values = {
        "siret": f.valid_siret(9001),
        "services": ["premiers_pas"],
        "iban": f.valid_iban(77),
        "bic": "AGRIFRPP",
        "titulaire_compte": "Mairie",
    }
    values.update(changes)
    return services.qualification_demander(actor=world["users"][who], lieu=world["unqualified"], **values)


def test_an_iban_with_a_wrong_key_is_refused_and_nothing_is_written(world):
    iban = f.valid_iban(77)
    wrong = iban[:-1] + ("0" if iban[-1] != "0" else "1")
    count = LieuQualifie.objects.count()
    with pytest.raises(DomainError, match="clé de contrôle de l’IBAN est fausse") as refused:
        _apply(world, iban=wrong)
    assert refused.value.field == "iban"
    assert LieuQualifie.objects.count() == count


def test_a_siret_already_used_is_refused(world):
    with pytest.raises(DomainError, match="déjà celui d’un autre lieu"):
        _apply(world, siret=world["place"].siret)


def test_only_the_place_applies_for_itself(world):
    with pytest.raises(DomainError, match="votre propre lieu"):
        _apply(world, who="lieu")


def test_qualifying_a_place_shows_its_label_and_suspending_hides_it(world):
    qualification = _apply(world)
    assert qualification.statut == StatutQualification.DEMANDEE
    anct = world["users"]["anct"]
    with pytest.raises(DomainError, match="motif"):
        services.qualification_decider(actor=anct, qualification=qualification, decision="refuser")
    services.qualification_decider(actor=anct, qualification=qualification, decision="qualifier")
    world["unqualified"].refresh_from_db()
    assert world["unqualified"].label_pass_numerique and len(world["unqualified"].labels) == 1
    services.qualification_decider(actor=anct, qualification=qualification, decision="suspendre", motif="Contrôle")
    world["unqualified"].refresh_from_db()
    assert not world["unqualified"].label_pass_numerique


def test_a_buyer_reviews_only_the_places_of_its_territory(world):
    qualification = _apply(world)  # in Saint-Étienne: D:42 is the buyer's order territory
    with pytest.raises(DomainError, match="ne pouvez pas instruire"):
        services.qualification_decider(
            actor=world["users"]["commanditaire_autre"], qualification=qualification, decision="qualifier"
        )
    services.qualification_decider(
        actor=world["users"]["commanditaire"], qualification=qualification, decision="qualifier"
    )
    assert LieuQualifie.objects.get(pk=qualification.pk).statut == StatutQualification.QUALIFIEE


# --- Redemption ----------------------------------------------------------------------------------------------


def test_redemption_spends_the_voucher_once_and_logs_it(world):
    code = world["codes"][0]
    result = redeem(world, codes.format_code(code).lower())
    assert "accepté" in result.message
    cheque = Cheque.objects.get(code=code)
    assert cheque.statut == StatutCheque.UTILISE and cheque.redeemed_by_place == world["place"]
    assert cheque.redeemed_at == NOW and cheque.redeemed_month == datetime.date(2026, 6, 1)
    log = TentativeEncaissement.objects.get()
    assert (log.resultat, log.cheque_id, log.lieu_id) == (ResultatTentative.ACCEPTE, cheque.pk, world["place"].lieu_id)

    later = NOW + datetime.timedelta(days=3)
    refused = refusal(world, code, now=later)
    assert refused.resultat == ResultatTentative.DEJA_UTILISE
    assert refused.message == "Chèque déjà utilisé le 15/06/2026 à 10:30."
    assert Cheque.objects.get(code=code).redeemed_at == NOW
    assert TentativeEncaissement.objects.count() == 2


def _assert_refused_and_unchanged(world, code, resultat, message, **kwargs):
    before = list(Cheque.objects.order_by("pk").values_list("statut", "redeemed_at", "redeemed_by_place"))
    logs = TentativeEncaissement.objects.count()
    refused = refusal(world, code, **kwargs)
    assert refused.resultat == resultat
    assert message in refused.message
    assert list(Cheque.objects.order_by("pk").values_list("statut", "redeemed_at", "redeemed_by_place")) == before
    log = TentativeEncaissement.objects.order_by("-id").first()
    assert TentativeEncaissement.objects.count() == logs + 1
    assert (log.resultat, log.motif) == (resultat, refused.message)
    return log


def test_a_mistyped_code_is_refused_and_logged_without_reading_any_voucher(world):
    code = world["codes"][0]
    typo = code[:5] + code[6] + code[5] + code[7:] if code[5] != code[6] else code[:-1] + "Z"
    with CaptureQueriesContext(connection) as queries:
        refused = refusal(world, typo)
    assert refused.resultat == ResultatTentative.CODE_INVALIDE and "Code invalide" in refused.message
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any('"passnum_cheque"' in s for s in sql), sql  # no voucher read, only the log written
    assert any("INSERT" in s and "passnum_tentativeencaissement" in s for s in sql)
    assert Cheque.objects.get(code=code).redeemed_at is None
    assert TentativeEncaissement.objects.get().resultat == ResultatTentative.CODE_INVALIDE


def test_an_unknown_code_is_refused(world):
    _assert_refused_and_unchanged(world, codes.new_code(), ResultatTentative.INCONNU, "aucun chèque")


def test_an_expired_voucher_is_refused_after_the_tolerance_month(world):
    code = world["codes"][1]
    assert redeem(world, code, now=timezone.make_aware(datetime.datetime(2027, 1, 31, 18)))  # tolerance: accepted
    _assert_refused_and_unchanged(
        world,
        world["codes"][2],
        ResultatTentative.EXPIRE,
        "expiré",
        now=timezone.make_aware(datetime.datetime(2027, 2, 1, 9)),
    )


def test_expiry_job_marks_unused_vouchers_and_closes_the_order(world):
    redeem(world, world["codes"][0])
    assert services.commandes_expirer(today=datetime.date(2027, 2, 1)) == 9
    assert Commande.objects.get(pk=world["commande"].pk).statut == StatutCommande.CLOTUREE
    assert Cheque.objects.filter(statut=StatutCheque.EXPIRE).count() == 9
    _assert_refused_and_unchanged(world, world["codes"][1], ResultatTentative.EXPIRE, "expiré")


def test_an_out_of_territory_voucher_is_refused(world):
    _assert_refused_and_unchanged(
        world,
        world["codes"][0],
        ResultatTentative.HORS_TERRITOIRE,
        "hors territoire",
        who="lieu_lyon",
        lieu=world["place_lyon"].lieu,
    )


def test_a_region_wide_order_is_valid_in_every_departement_of_the_region(world):
    regional = f.commande(world["users"]["commanditaire"], world["buyer"], kind="region", codes=("84",))
    code = regional.cheques.first().code
    assert redeem(world, code, who="lieu_lyon", lieu=world["place_lyon"].lieu)


def test_a_cancelled_voucher_is_refused(world):
    carnet = Carnet.objects.get(commande=world["commande"], numero=1)
    services.carnet_annuler(actor=world["users"]["commanditaire"], carnet=carnet, motif="Perdu")
    code = carnet.cheques.first().code
    _assert_refused_and_unchanged(world, code, ResultatTentative.ANNULE, "annulé")


def test_a_place_not_qualified_cannot_redeem(world):
    _assert_refused_and_unchanged(
        world,
        world["codes"][0],
        ResultatTentative.LIEU_NON_QUALIFIE,
        "non qualifié",
        who="lieu_non_qualifie",
        lieu=world["unqualified"],
    )
    place = world["place"]
    place.statut = StatutQualification.SUSPENDUE
    place.save()
    _assert_refused_and_unchanged(world, world["codes"][0], ResultatTentative.LIEU_NON_QUALIFIE, "non qualifié")


def test_guessing_is_throttled_per_account(world, settings):
    settings.PASSNUM_MAX_FAILURES_PER_USER = 3
    for _ in range(3):
        refusal(world, codes.new_code())
    refused = _assert_refused_and_unchanged(world, world["codes"][0], ResultatTentative.LIMITE, "Trop de codes")
    assert refused.cheque_id is None
    assert Cheque.objects.get(code=world["codes"][0]).redeemed_at is None


def test_guessing_is_throttled_per_place_across_accounts(world, settings):
    settings.PASSNUM_MAX_FAILURES_PER_LIEU = 4
    second = f.member("lieu_pass", world["place"].lieu_id)
    world["users"]["lieu_2"] = second
    for who in ("lieu", "lieu", "lieu_2", "lieu_2"):
        refusal(world, codes.new_code(), who=who)
    assert refusal(world, world["codes"][0], who="lieu_2").resultat == ResultatTentative.LIMITE


def test_state_share_and_amounts_are_traceable(world):
    for code in world["codes"][:3]:
        redeem(world, code)
    used = Cheque.objects.filter(statut=StatutCheque.UTILISE).aggregate(total=Sum("valeur"))["total"]
    assert used == 3000
    assert AuditEvent.objects.filter(action="passnum.commande.create").count() == 1
