"""Services of the training app: enrolments, results, attendance, certification and VAE, refused cases first."""

import datetime

import pytest

from cnfs.core.errors import DomainError
from cnfs.formation import services
from cnfs.formation.enums import ResultatFormation, StatutVAE
from cnfs.formation.models import DemandeVAE, Inscription, PassageBloc, Presence, SessionFormation
from cnfs.formation.tests.factories import (
    InscriptionFactory,
    OrganismeFormationFactory,
    SessionFormationFactory,
    module,
    organisme_agent,
    recruited_advisor,
)
from cnfs.recrutement.enums import EtapeConseiller
from cnfs.recrutement.tests.conftest import nothing_written
from cnfs.recrutement.tests.factories import TODAY, CandidatureFactory, national_agent

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def org():
    organisme = OrganismeFormationFactory()
    return organisme, organisme_agent(organisme)


def test_enrolment_refused_for_a_candidate_not_recruited(org):
    organisme, agent = org
    with nothing_written(Inscription), pytest.raises(DomainError, match="n’est pas un conseiller recruté"):
        services.inscription_create(
            actor=agent,
            organisme=organisme,
            candidature=CandidatureFactory(),
            module=module("fi-socle"),
            date_debut=TODAY,
            today=TODAY,
        )


def test_enrolment_refused_for_another_organisation(org):
    organisme, _ = org
    with nothing_written(Inscription), pytest.raises(DomainError, match="Vous ne pouvez pas inscrire"):
        services.inscription_create(
            actor=organisme_agent(OrganismeFormationFactory()),
            organisme=organisme,
            candidature=recruited_advisor(),
            module=module("fi-socle"),
            date_debut=TODAY,
            today=TODAY,
        )


def test_continuing_training_only_once_in_the_field(org):
    organisme, agent = org
    advisor = recruited_advisor()
    with pytest.raises(DomainError, match="réservée aux conseillers en poste"):
        services.inscription_create(
            actor=agent,
            organisme=organisme,
            candidature=advisor,
            module=module("fc-ateliers"),
            date_debut=TODAY,
            today=TODAY,
        )
    advisor.etape = EtapeConseiller.EN_POSTE
    advisor.save()
    inscription = services.inscription_create(
        actor=agent,
        organisme=organisme,
        candidature=advisor,
        module=module("fc-ateliers"),
        date_debut=TODAY,
        today=TODAY,
    )
    assert inscription.heures_prevues == 21


def test_enrolment_twice_in_a_module_and_full_session_are_refused(org):
    organisme, agent = org
    session = SessionFormationFactory(organisme=organisme, places=1)
    first = recruited_advisor()
    services.inscription_create(actor=agent, organisme=organisme, candidature=first, session=session, today=TODAY)
    with pytest.raises(DomainError, match="déjà inscrit"):
        services.inscription_create(
            actor=agent,
            organisme=organisme,
            candidature=first,
            module=module("fi-socle"),
            date_debut=TODAY,
            today=TODAY,
        )
    with pytest.raises(DomainError, match="complète"):
        services.inscription_create(
            actor=agent, organisme=organisme, candidature=recruited_advisor(), session=session, today=TODAY
        )
    other_session = SessionFormationFactory()
    with pytest.raises(DomainError, match="n’appartient pas"):
        services.inscription_create(
            actor=agent, organisme=organisme, candidature=recruited_advisor(), session=other_session, today=TODAY
        )


def test_initial_pathway_enrolment_starts_training_and_moves_the_advisor(org):
    organisme, agent = org
    advisor = recruited_advisor(contrat_debut=TODAY - DAY, pix_palier=1)
    created = services.parcours_initial_create(
        actor=agent, organisme=organisme, candidature=advisor, date_debut=TODAY, today=TODAY
    )
    assert sum(i.heures_prevues for i in created) == 420
    advisor.refresh_from_db()
    assert advisor.etape == EtapeConseiller.EN_POSTE
    with pytest.raises(DomainError, match="déjà inscrit·e à tout son parcours"):
        services.parcours_initial_create(
            actor=agent, organisme=organisme, candidature=advisor, date_debut=TODAY, today=TODAY
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"heures_realisees": 71, "resultat": "en_cours"}, "supérieures aux heures prévues"),
        ({"heures_realisees": 10, "resultat": "valide"}, "Une formation terminée"),
        ({"heures_realisees": 10, "resultat": "valide", "date_fin": TODAY + DAY}, "date de fin à venir"),
        ({"heures_realisees": 10, "resultat": "en_cours", "date_fin": TODAY - 30 * DAY}, "précède la date de début"),
        ({"heures_realisees": 10, "resultat": "en_cours", "date_debut": TODAY + DAY}, "n’a pas commencé"),
        ({"heures_realisees": -1, "resultat": "en_cours"}, "positif ou nul"),
        ({"heures_realisees": 1, "resultat": "bravo"}, "Résultat « bravo » inconnu"),
    ],
)
def test_bad_results_are_refused_and_nothing_written(org, kwargs, message):
    organisme, agent = org
    inscription = InscriptionFactory(organisme=organisme, date_debut=TODAY - 10 * DAY)
    with nothing_written(Inscription), pytest.raises(DomainError, match=message):
        services.inscription_record_result(actor=agent, inscription=inscription, today=TODAY, **kwargs)
    inscription.refresh_from_db()
    assert (inscription.heures_realisees, inscription.resultat) == (0, ResultatFormation.INSCRIT)


def test_database_refuses_completed_above_planned_as_a_last_guard():
    from django.db import IntegrityError, transaction

    inscription = InscriptionFactory()
    inscription.heures_realisees = 71
    with pytest.raises(IntegrityError), transaction.atomic():
        inscription.save()


def test_attendance_sums_into_completed_hours_and_never_beyond_planned(org):
    organisme, agent = org
    inscription = InscriptionFactory(organisme=organisme, date_debut=TODAY - 20 * DAY, heures_prevues=10)
    services.presence_record(
        actor=agent, inscription=inscription, date=TODAY - 20 * DAY, statut="present", heures=7, today=TODAY
    )
    services.presence_record(actor=agent, inscription=inscription, date=TODAY - 19 * DAY, statut="absent", today=TODAY)
    inscription.refresh_from_db()
    assert (inscription.heures_realisees, inscription.resultat) == (7, ResultatFormation.EN_COURS)
    with nothing_written(Presence), pytest.raises(DomainError, match="dépasseraient les heures prévues"):
        services.presence_record(
            actor=agent, inscription=inscription, date=TODAY - 18 * DAY, statut="present", heures=4, today=TODAY
        )
    with pytest.raises(DomainError, match="jour à venir"):
        services.presence_record(actor=agent, inscription=inscription, date=TODAY + DAY, statut="present", today=TODAY)
    with pytest.raises(DomainError, match="en dehors des dates"):
        services.presence_record(
            actor=agent, inscription=inscription, date=TODAY - 30 * DAY, statut="present", today=TODAY
        )
    # Correcting a day replaces it.
    services.presence_record(
        actor=agent, inscription=inscription, date=TODAY - 20 * DAY, statut="present", heures=3, today=TODAY
    )
    inscription.refresh_from_db()
    assert inscription.heures_realisees == 3


def test_certification_block_only_for_own_trainees_and_past_dates(org):
    organisme, agent = org
    trainee = InscriptionFactory(organisme=organisme).candidature
    with pytest.raises(DomainError, match="n’est pas stagiaire"):
        services.passage_bloc_record(
            actor=agent,
            organisme=organisme,
            candidature=recruited_advisor(),
            bloc="CCP1",
            date_passage=TODAY,
            resultat="admis",
            today=TODAY,
        )
    with pytest.raises(DomainError, match="à venir"):
        services.passage_bloc_record(
            actor=agent,
            organisme=organisme,
            candidature=trainee,
            bloc="CCP1",
            date_passage=TODAY + DAY,
            resultat="admis",
            today=TODAY,
        )
    with pytest.raises(DomainError, match="CCP1, CCP2 ou CCP3"):
        services.passage_bloc_record(
            actor=agent,
            organisme=organisme,
            candidature=trainee,
            bloc="CCP4",
            date_passage=TODAY,
            resultat="admis",
            today=TODAY,
        )
    services.passage_bloc_record(
        actor=agent,
        organisme=organisme,
        candidature=trainee,
        bloc="CCP1",
        date_passage=TODAY,
        resultat="ajourne",
        today=TODAY,
    )
    services.passage_bloc_record(
        actor=agent,
        organisme=organisme,
        candidature=trainee,
        bloc="CCP1",
        date_passage=TODAY,
        resultat="admis",
        today=TODAY,
    )
    assert list(PassageBloc.objects.values_list("bloc", "resultat")) == [("CCP1", "admis")]


def test_vae_lifecycle_total_validation_grants_the_title():
    from cnfs.formation.selectors import training_record

    advisor = recruited_advisor(with_account=True)
    anct = national_agent()
    with pytest.raises(DomainError, match="Vous ne pouvez pas déposer"):
        services.vae_request(actor=organisme_agent(OrganismeFormationFactory()), candidature=advisor, today=TODAY)
    demande = services.vae_request(actor=advisor.user, candidature=advisor, today=TODAY)
    with pytest.raises(DomainError, match="déjà en cours"):
        services.vae_request(actor=advisor.user, candidature=advisor, today=TODAY)
    with pytest.raises(DomainError, match="Seule l’équipe nationale"):
        services.vae_decide(actor=advisor.user, demande=demande, statut="recevable", date_decision=TODAY)
    with pytest.raises(DomainError, match="ne peut pas passer"):
        services.vae_decide(actor=anct, demande=demande, statut="validation_totale", date_decision=TODAY, today=TODAY)
    services.vae_decide(actor=anct, demande=demande, statut="recevable", date_decision=TODAY, today=TODAY)
    with pytest.raises(DomainError, match="un ou deux blocs"):
        services.vae_decide(
            actor=anct,
            demande=demande,
            statut="validation_partielle",
            date_decision=TODAY,
            today=TODAY,
            blocs_valides=["CCP1", "CCP2", "CCP3"],
        )
    services.vae_decide(actor=anct, demande=demande, statut="validation_totale", date_decision=TODAY, today=TODAY)
    assert DemandeVAE.objects.get().statut == StatutVAE.VALIDATION_TOTALE
    assert training_record(advisor).titre_obtenu
    # A closed request lets a new one be filed.
    services.vae_request(actor=advisor.user, candidature=advisor, today=TODAY)


def test_session_dates_and_seats_are_checked(org):
    organisme, agent = org
    with nothing_written(SessionFormation), pytest.raises(DomainError, match="ne peut pas précéder"):
        services.session_create(
            actor=agent, organisme=organisme, module=module("fi-socle"), date_debut=TODAY, date_fin=TODAY - DAY
        )
    with pytest.raises(DomainError, match="Vous ne pouvez pas programmer"):
        services.session_create(
            actor=organisme_agent(OrganismeFormationFactory()),
            organisme=organisme,
            module=module("fi-socle"),
            date_debut=TODAY,
            date_fin=TODAY,
        )
