"""The readiness gate: recruited → in training → in the field, from the facts (training started, contract begun)."""

import datetime

import pytest

from cnfs.core.errors import DomainError
from cnfs.core.models import AuditEvent
from cnfs.core.tests.factories import user_with_role
from cnfs.formation import services
from cnfs.formation.enums import ResultatFormation
from cnfs.formation.tests.factories import InscriptionFactory, module, recruited_advisor
from cnfs.recrutement.enums import EtapeConseiller as E
from cnfs.recrutement.enums import StatutContrat, StatutMiseEnRelation
from cnfs.recrutement.models import Candidature
from cnfs.recrutement.services.etapes import candidature_set_etape
from cnfs.recrutement.tests.factories import TODAY, CandidatureFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def gate(candidature, today=TODAY):
    return services.conseiller_update_readiness(candidature=candidature, today=today)


@pytest.mark.parametrize(
    ("training", "contract", "expected"),
    [
        (None, None, E.RECRUTE),  # neither
        (None, TODAY - 10 * DAY, E.RECRUTE),  # contract begun, no training
        (TODAY + DAY, TODAY - 10 * DAY, E.RECRUTE),  # training starts tomorrow
        (TODAY, TODAY + DAY, E.EN_FORMATION),  # training today, contract tomorrow
        (TODAY - 5 * DAY, None, E.EN_FORMATION),  # training started, no contract at all
        (TODAY, TODAY, E.EN_POSTE),  # both start today
        (TODAY - 30 * DAY, TODAY - 10 * DAY, E.EN_POSTE),  # both in the past
    ],
)
def test_stage_follows_training_and_contract_dates(training, contract, expected):
    candidature = recruited_advisor(contrat_debut=contract)
    if training is not None:
        InscriptionFactory(candidature=candidature, date_debut=training)
    assert gate(candidature) == expected
    candidature.refresh_from_db()
    assert candidature.etape == expected


def test_cdi_counts_as_a_contract_in_force():
    candidature = recruited_advisor(contrat_debut=TODAY - 100 * DAY, contrat_type="cdi")
    InscriptionFactory(candidature=candidature, date_debut=TODAY - DAY)
    assert gate(candidature) == E.EN_POSTE


def test_an_ended_contract_does_not_count():
    candidature = recruited_advisor(contrat_debut=TODAY - 800 * DAY)  # CDD of 730 days: ended
    InscriptionFactory(candidature=candidature, date_debut=TODAY - 700 * DAY)
    assert gate(candidature) == E.EN_FORMATION


def test_a_recruitment_not_yet_validated_does_not_count():
    candidature = recruited_advisor(contrat_debut=TODAY - DAY, mer_statut=StatutMiseEnRelation.RECRUTEE)
    InscriptionFactory(candidature=candidature, date_debut=TODAY - DAY)
    assert gate(candidature) == E.EN_FORMATION


def test_a_renewal_only_initiated_does_not_count():
    candidature = recruited_advisor(contrat_debut=TODAY - DAY)
    candidature.mises_en_relation.get().contrats.update(statut=StatutContrat.INITIE)
    InscriptionFactory(candidature=candidature, date_debut=TODAY - DAY)
    assert gate(candidature) == E.EN_FORMATION


def test_continuing_training_or_abandoned_initial_training_is_not_a_start():
    candidature = recruited_advisor(contrat_debut=TODAY - DAY)
    InscriptionFactory(
        candidature=candidature, date_debut=TODAY - 9 * DAY, date_fin=TODAY - DAY, resultat=ResultatFormation.ABANDON
    )
    InscriptionFactory(candidature=candidature, module=module("fc-cybersecurite"), date_debut=TODAY - DAY)
    assert gate(candidature) == E.RECRUTE


def test_a_corrected_date_moves_the_advisor_back():
    candidature = recruited_advisor(contrat_debut=TODAY - DAY)
    inscription = InscriptionFactory(candidature=candidature, date_debut=TODAY - DAY)
    assert gate(candidature) == E.EN_POSTE
    inscription.date_debut = TODAY + 10 * DAY
    inscription.save()
    assert gate(candidature) == E.RECRUTE


def test_candidates_and_people_who_left_are_left_alone():
    candidat = CandidatureFactory(etape=E.CANDIDAT)
    parti = recruited_advisor(contrat_debut=TODAY - DAY, etape=E.PARTI)
    InscriptionFactory(candidature=parti, date_debut=TODAY - DAY)
    assert gate(candidat) == E.CANDIDAT
    assert gate(parti) == E.PARTI
    assert not AuditEvent.objects.filter(action="recrutement.candidature_set_etape").exists()


def test_each_change_is_audited_once_and_a_rerun_changes_nothing():
    candidature = recruited_advisor(contrat_debut=TODAY - DAY)
    InscriptionFactory(candidature=candidature, date_debut=TODAY - DAY)
    gate(candidature)
    gate(candidature)
    events = AuditEvent.objects.filter(action="recrutement.candidature_set_etape", target_id=str(candidature.pk))
    assert events.count() == 1
    event = events.get()
    assert (event.before, event.after["etape"]) == ({"etape": E.RECRUTE}, E.EN_POSTE)


def test_dates_passing_are_caught_by_the_daily_recomputation():
    """Nothing is written when a contract's start date arrives: the daily recomputation moves the advisor."""
    waiting = recruited_advisor(contrat_debut=TODAY + 2 * DAY)
    InscriptionFactory(candidature=waiting, date_debut=TODAY)
    other = recruited_advisor(contrat_debut=TODAY)
    assert services.conseillers_update_readiness(today=TODAY) == {E.RECRUTE: 0, E.EN_FORMATION: 1, E.EN_POSTE: 0}
    assert services.conseillers_update_readiness(today=TODAY + 2 * DAY) == {
        E.RECRUTE: 0,
        E.EN_FORMATION: 0,
        E.EN_POSTE: 1,
    }
    assert dict(Candidature.objects.filter(pk__in=[waiting.pk, other.pk]).values_list("pk", "etape")) == {
        waiting.pk: E.EN_POSTE,
        other.pk: E.RECRUTE,
    }


def test_set_etape_refuses_stages_that_belong_to_recruitment():
    candidature = recruited_advisor()
    actor = user_with_role("anct")
    with pytest.raises(DomainError, match="ne peut pas être fixée"):
        candidature_set_etape(actor=actor, candidature=candidature, etape=E.PARTI)
    candidat = CandidatureFactory()
    with pytest.raises(DomainError, match="n’est pas recruté"):
        candidature_set_etape(actor=actor, candidature=candidat, etape=E.EN_POSTE)
    candidat.refresh_from_db()
    assert candidat.etape == E.CANDIDAT


@pytest.mark.parametrize(("palier", "hours"), [(3, 70), (2, 210), (1, 420), (None, 420)])
def test_initial_pathway_by_pix_level(palier, hours):
    modules = services.modules_parcours_initial(palier)
    assert sum(m.duree_heures for m in modules) == hours
    assert modules[0].code == "fi-socle"


def test_bulk_stage_write_is_conditional_and_audited():
    from cnfs.recrutement.services.etapes import candidatures_set_etape

    a, b = recruited_advisor(), recruited_advisor()
    Candidature.objects.filter(pk=b.pk).update(etape=E.EN_POSTE)  # changed meanwhile: its change is skipped
    moved = candidatures_set_etape(
        actor=None, changes={a.pk: (E.RECRUTE, E.EN_FORMATION), b.pk: (E.RECRUTE, E.EN_FORMATION)}
    )
    assert moved == {E.EN_FORMATION: 1}
    assert dict(Candidature.objects.filter(pk__in=[a.pk, b.pk]).values_list("pk", "etape")) == {
        a.pk: E.EN_FORMATION,
        b.pk: E.EN_POSTE,
    }
    events = AuditEvent.objects.filter(action="recrutement.candidature_set_etape")
    assert [(e.target_id, e.before, e.after["etape"]) for e in events] == [
        (str(a.pk), {"etape": E.RECRUTE}, E.EN_FORMATION)
    ]
    with pytest.raises(DomainError, match="ne peut pas être fait ici"):
        candidatures_set_etape(actor=None, changes={a.pk: (E.EN_FORMATION, E.PARTI)})
