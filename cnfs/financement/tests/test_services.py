"""Services of the funding app on a real database: subsidy, quota, signature, schedule, payments, departures."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from cnfs.core.errors import DomainError
from cnfs.core.models import AuditEvent
from cnfs.financement import services
from cnfs.financement.enums import Destination, Phase, StatutConvention, StatutVersement
from cnfs.financement.models import Bareme, Convention, Enveloppe, Liberation, Smic, Versement
from cnfs.financement.tests.conftest import nothing_written
from cnfs.financement.tests.factories import START, BaremeFactory, EnveloppeFactory, structure_with_quota
from cnfs.recrutement.tests.factories import national_agent, structure_manager

pytestmark = pytest.mark.django_db


def plain(text: str) -> str:
    """Messages use no-break spaces in amounts; compare with ordinary ones."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def anct():
    return national_agent()


def _convention(anct, *, postes=2, quota=4, bareme=None, enveloppe=None, structure=None, start=START):
    structure = structure or structure_with_quota(quota)
    return services.convention_create(
        actor=anct,
        structure=structure,
        bareme=bareme or BaremeFactory(),
        nombre_postes=postes,
        date_debut=start,
        enveloppe=enveloppe or EnveloppeFactory(),
    )


def test_reference_data_is_seeded_by_the_migration():
    amounts = dict(Enveloppe.objects.values_list("destination", "montant"))
    assert amounts == {
        Destination.CONSEILLERS: 200_000_000_00,
        Destination.MOBILIER: 40_000_000_00,
        Destination.AIDANTS_CONNECT: 10_000_000_00,
    }
    assert Smic.objects.get(date_effet=datetime.date(2024, 11, 1)).montant_mensuel_brut == 1_801_80
    assert Smic.objects.get(date_effet=datetime.date(2021, 1, 1)).horaire_brut == 10_25
    assert Bareme.objects.count() == 4


@pytest.mark.parametrize(
    ("trait", "start", "expected"),
    [
        ("smic_100", datetime.date(2025, 1, 1), 1_801_80 * 24),  # 43 243,20 €
        ("smic_70", datetime.date(2025, 1, 1), 45_405_36),  # 70 % × 1 801,80 € × 36
        ("smic_70", datetime.date(2023, 6, 1), (1_747_20 * 70 * 36 + 50) // 100),  # 44 029,44 €
    ],
)
def test_subsidy_from_the_smic_in_force_at_the_start(trait, start, expected):
    amount, smic = services.subsidy_per_post(bareme=BaremeFactory(**{trait: True}), date_debut=start)
    assert amount == expected
    assert smic == services.smic_at(start)


def test_subsidy_outside_bounds_is_refused_in_french():
    # 100 % of the 2021 SMIC over 24 months is 37 309,92 €: below the 40 000 € floor.
    with pytest.raises(DomainError) as error:
        services.subsidy_per_post(bareme=BaremeFactory(smic_100=True), date_debut=datetime.date(2021, 3, 1))
    assert "37 309,92 €" in plain(error.value.message)
    assert "entre 40 000,00 € et 50 000,00 €" in plain(error.value.message)


def test_convention_outside_bounds_writes_nothing(anct):
    structure = structure_with_quota(2)
    with nothing_written(Convention), pytest.raises(DomainError, match="sort des bornes"):
        services.convention_create(
            actor=anct,
            structure=structure,
            bareme=BaremeFactory(smic_100=True),
            nombre_postes=1,
            date_debut=datetime.date(2021, 3, 1),
        )


def test_bareme_forfait_outside_bounds_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        BaremeFactory(montant_forfait=39_999_99)


def test_convention_computes_subsidy(anct):
    convention = _convention(anct, postes=3)
    assert convention.montant_par_poste == 50_000_00
    assert convention.montant_total == 150_000_00
    assert convention.statut == StatutConvention.EN_COURS and convention.phase == Phase.CONVENTIONNEMENT
    assert AuditEvent.objects.filter(action="financement.convention_create").count() == 1


def test_convention_for_more_posts_than_granted_is_refused(anct):
    structure = structure_with_quota(3)
    _convention(anct, postes=2, structure=structure)
    with nothing_written(Convention), pytest.raises(DomainError) as error:
        _convention(anct, postes=2, structure=structure)
    assert plain(error.value.message) == (
        f"Le comité de sélection a accordé 3 poste(s) à {structure.nom}, dont 2 déjà sous convention : "
        "une convention de 2 poste(s) dépasse ce quota."
    )
    assert error.value.field == "nombre_postes"


def test_bareme_for_another_structure_type_is_refused(anct):
    with pytest.raises(DomainError, match="ne s’applique pas"):
        _convention(anct, bareme=BaremeFactory(types_structure=["association"]))


def test_only_the_national_team_drafts_conventions():
    structure = structure_with_quota(2)
    with nothing_written(Convention), pytest.raises(DomainError, match="Seule l’équipe nationale"):
        _convention(structure_manager(structure), structure=structure)


def test_signature_commits_the_subsidy_and_writes_the_schedule(anct):
    enveloppe = EnveloppeFactory()
    convention = _convention(anct, postes=2, enveloppe=enveloppe)
    manager = structure_manager(convention.structure)
    services.convention_sign(actor=manager, convention=convention, date_signature=datetime.date(2025, 2, 1))
    convention.refresh_from_db()
    enveloppe.refresh_from_db()
    assert convention.statut == StatutConvention.VALIDEE and convention.signee_le == datetime.date(2025, 2, 1)
    assert enveloppe.engage == 100_000_00
    schedule = list(convention.versements.values_list("date_prevue", "montant"))
    assert schedule == [(datetime.date(2025, 2, 1), 50_000_00), (datetime.date(2026, 2, 1), 50_000_00)]


def test_signature_beyond_the_envelope_is_refused_and_writes_nothing(anct):
    enveloppe = EnveloppeFactory(montant=120_000_00)
    first = _convention(anct, postes=2, enveloppe=enveloppe)
    second = _convention(anct, postes=1, enveloppe=enveloppe)
    services.convention_sign(actor=anct, convention=first)
    with nothing_written(Convention, Versement), pytest.raises(DomainError) as error:
        services.convention_sign(actor=anct, convention=second)
    assert "insuffisante" in plain(error.value.message) and "20 000,00 €" in plain(error.value.message)
    second.refresh_from_db()
    enveloppe.refresh_from_db()
    assert second.statut == StatutConvention.EN_COURS and enveloppe.engage == 100_000_00


def test_database_refuses_an_over_committed_envelope_whoever_writes():
    enveloppe = EnveloppeFactory(montant=100)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enveloppe.objects.filter(pk=enveloppe.pk).update(engage=F("montant") + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enveloppe.objects.filter(pk=enveloppe.pk).update(engage=50, verse=51)


def test_schedule_not_summing_to_the_subsidy_is_refused(anct):
    convention = _convention(anct, postes=1)
    services.convention_sign(actor=anct, convention=convention)
    before = list(convention.versements.values_list("montant", flat=True))
    with pytest.raises(DomainError) as error:
        services.versements_plan(
            actor=anct,
            convention=convention,
            echeances=[(datetime.date(2025, 3, 1), 30_000_00), (datetime.date(2026, 3, 1), 19_999_99)],
        )
    assert plain(error.value.message) == (
        "Les échéances totalisent 49 999,99 € alors que la subvention est de 50 000,00 € : l’écart est de -0,01 €."
    )
    assert list(convention.versements.values_list("montant", flat=True)) == before


def test_schedule_replaced_when_it_sums_exactly(anct):
    convention = _convention(anct, postes=1)
    services.convention_sign(actor=anct, convention=convention)
    services.versements_plan(
        actor=anct,
        convention=convention,
        echeances=[(datetime.date(2025, 3, 1), 20_000_00), (datetime.date(2025, 9, 1), 30_000_00)],
    )
    assert list(convention.versements.values_list("numero", "montant")) == [(1, 20_000_00), (2, 30_000_00)]


def test_payment_on_an_unsigned_convention_is_refused(anct):
    convention = _convention(anct, postes=1)
    versement = Versement.objects.create(
        convention=convention, numero=1, date_prevue=START, montant=convention.montant_total
    )
    with nothing_written(Versement), pytest.raises(DomainError) as error:
        services.versement_mandate(actor=anct, versement=versement)
    assert "n’est pas signée" in plain(error.value.message)
    versement.refresh_from_db()
    assert versement.statut == StatutVersement.PREVU


def test_mandate_then_pay_moves_the_paid_total(anct):
    enveloppe = EnveloppeFactory()
    convention = _convention(anct, postes=1, enveloppe=enveloppe)
    services.convention_sign(actor=anct, convention=convention)
    first = convention.versements.get(numero=1)
    with pytest.raises(DomainError, match="ne peut pas passer à « payé »"):
        services.versement_pay(actor=anct, versement=first)
    services.versement_mandate(actor=anct, versement=first, date=datetime.date(2025, 2, 1))
    services.versement_pay(actor=anct, versement=first, date=datetime.date(2025, 2, 10))
    enveloppe.refresh_from_db()
    first.refresh_from_db()
    assert first.statut == StatutVersement.PAYE and enveloppe.verse == 25_000_00
    with pytest.raises(DomainError, match="ne peut plus être remplacé"):
        services.versements_plan(actor=anct, convention=convention, echeances=[(START, 50_000_00)])


def test_departure_frees_the_unused_months_pro_rata(anct):
    enveloppe = EnveloppeFactory()
    convention = _convention(anct, postes=2, enveloppe=enveloppe)
    services.convention_sign(actor=anct, convention=convention, date_signature=START)
    # Left after 6 months and a few days of a 24-month post: 7 months used, 17 / 24 of 50 000 € freed.
    freed = services.convention_release_on_departure(
        structure=convention.structure, date_depart=datetime.date(2025, 7, 10), date_prise_poste=START
    )
    assert freed == 50_000_00 * 17 // 24 == 35_416_66
    convention.refresh_from_db()
    enveloppe.refresh_from_db()
    assert convention.montant_libere == freed and convention.montant_net == 100_000_00 - freed
    assert enveloppe.engage == 100_000_00 - freed
    assert sum(convention.versements.values_list("montant", flat=True)) == convention.montant_net
    assert Liberation.objects.get().mois_utilises == 7


def test_departure_without_convention_frees_nothing():
    assert services.convention_release_on_departure(structure=structure_with_quota(1), date_depart=START) == 0


def test_reconventionnement_takes_over_the_posts(anct):
    enveloppe = EnveloppeFactory()
    first = _convention(anct, postes=2, quota=2, enveloppe=enveloppe)
    services.convention_sign(actor=anct, convention=first)
    renewal = services.reconventionnement_initiate(
        actor=anct,
        convention=first,
        bareme=BaremeFactory(),
        nombre_postes=2,
        date_debut=datetime.date(2027, 1, 1),
        enveloppe=enveloppe,
    )
    first.refresh_from_db()
    assert first.statut == StatutConvention.RECONVENTIONNEMENT_INITIE
    assert renewal.phase == Phase.RECONVENTIONNEMENT and renewal.precedente == first
    services.convention_sign(actor=anct, convention=renewal)
    first.refresh_from_db()
    assert first.statut == StatutConvention.RECONVENTIONNEMENT_VALIDE
    enveloppe.refresh_from_db()
    assert enveloppe.engage == 200_000_00


def test_declined_renewal_puts_the_convention_back(anct):
    first = _convention(anct, postes=1, quota=1)
    services.convention_sign(actor=anct, convention=first)
    renewal = services.reconventionnement_initiate(
        actor=anct, convention=first, bareme=BaremeFactory(), nombre_postes=1, date_debut=datetime.date(2027, 1, 1)
    )
    services.convention_decline(actor=structure_manager(first.structure), convention=renewal)
    first.refresh_from_db()
    renewal.refresh_from_db()
    assert renewal.statut == StatutConvention.NON_INTERESSE and first.statut == StatutConvention.VALIDEE


def test_envelope_amount_never_below_committed(anct):
    enveloppe = EnveloppeFactory(montant=100_000_00)
    services.convention_sign(actor=anct, convention=_convention(anct, postes=1, enveloppe=enveloppe))
    with pytest.raises(DomainError, match="sous ce qui est déjà engagé"):
        services.enveloppe_update(
            actor=anct,
            enveloppe=enveloppe,
            libelle=enveloppe.libelle,
            montant=49_999_99,
            date_debut=enveloppe.date_debut,
            date_fin=enveloppe.date_fin,
        )
    services.enveloppe_update(
        actor=anct,
        enveloppe=enveloppe,
        libelle="Enveloppe corrigée",
        montant=50_000_00,
        date_debut=enveloppe.date_debut,
        date_fin=enveloppe.date_fin,
    )
    enveloppe.refresh_from_db()
    assert enveloppe.montant == 50_000_00 and enveloppe.disponible == 0
