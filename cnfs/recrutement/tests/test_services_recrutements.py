import datetime

import pytest
from django.core import mail

from cnfs.core.errors import DomainError
from cnfs.recrutement import services
from cnfs.recrutement.enums import EtapeConseiller, StatutContrat, StatutMiseEnRelation, StatutRupture
from cnfs.recrutement.models import Contrat, MiseEnRelation, Rupture
from cnfs.recrutement.tests.conftest import nothing_written
from cnfs.recrutement.tests.factories import (
    TODAY,
    CandidatureFactory,
    MiseEnRelationFactory,
    StructureFactory,
    commune_lyon,
    commune_outre_mer,
    commune_roanne,
    national_agent,
    structure_manager,
)

pytestmark = pytest.mark.django_db
S = StatutMiseEnRelation
START = TODAY + datetime.timedelta(days=15)


@pytest.fixture
def structure():
    return StructureFactory(postes_accordes=1)


@pytest.fixture
def manager(structure):
    return structure_manager(structure)


def preselected(structure, manager, **candidate):
    candidature = CandidatureFactory(**candidate)
    return services.mise_en_relation_preselect(actor=manager, structure=structure, candidature=candidature)


def recruit(mer, manager, **overrides):
    data = {
        "date_recrutement": START,
        "type_contrat": "cdd",
        "date_fin": START + datetime.timedelta(days=730),
        "heures_hebdomadaires": 35,
        "today": TODAY,
    }
    data.update(overrides)
    return services.recrutement_record(actor=manager, mer=mer, **data)


def test_full_journey(structure, manager, django_capture_on_commit_callbacks):
    mer = preselected(structure, manager)
    assert mer.statut == S.PRESELECTIONNEE and mer.distance_km == 0.0
    mer = recruit(mer, manager)
    structure.refresh_from_db()
    mer.candidature.refresh_from_db()
    assert (mer.statut, structure.postes_occupes, mer.candidature.etape) == (S.RECRUTEE, 1, EtapeConseiller.RECRUTE)
    anct = national_agent()
    with django_capture_on_commit_callbacks(execute=True):
        services.recrutement_validate(actor=anct, mer=mer)
    assert "Recrutement validé" in mail.outbox[0].subject
    rupture = services.rupture_declare(
        actor=manager, mer=mer, date_rupture=START + datetime.timedelta(days=100), motif="demission"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.rupture_validate(actor=anct, rupture=rupture)
    mer.refresh_from_db()
    structure.refresh_from_db()
    rupture.refresh_from_db()
    mer.candidature.refresh_from_db()
    assert mer.statut == S.RUPTURE_VALIDEE
    assert rupture.statut == StatutRupture.VALIDEE and rupture.validated_by == anct
    assert structure.postes_occupes == 0  # the post is free again
    assert mer.candidature.etape == EtapeConseiller.PARTI
    assert "Rupture de contrat validée" in mail.outbox[1].subject
    # …and the advisor is available for another host.
    other = StructureFactory(postes_accordes=1)
    again = services.mise_en_relation_preselect(
        actor=structure_manager(other), structure=other, candidature=mer.candidature
    )
    assert again.statut == S.PRESELECTIONNEE


def test_quota_exceeded(structure, manager):
    recruit(preselected(structure, manager), manager)
    second = preselected(structure, manager)
    with nothing_written(Contrat), pytest.raises(DomainError, match="Quota atteint"):
        recruit(second, manager)
    second.refresh_from_db()
    structure.refresh_from_db()
    assert second.statut == S.PRESELECTIONNEE and structure.postes_occupes == 1


def test_no_quota_no_recruitment():
    structure = StructureFactory(postes_accordes=0)
    manager = structure_manager(structure)
    mer = preselected(structure, manager)
    with nothing_written(Contrat), pytest.raises(DomainError, match="Quota atteint"):
        recruit(mer, manager)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_recrutement": TODAY - datetime.timedelta(days=1)}, "date_recrutement"),
        ({"type_contrat": "cdi"}, "date_fin"),  # a CDI with an end date
        ({"date_fin": None}, "date_fin"),
        ({"date_fin": START}, "date_fin"),
        ({"heures_hebdomadaires": 60}, "heures_hebdomadaires"),
        ({"type_contrat": "stage"}, "type_contrat"),
        ({"salaire_brut_mensuel": -1}, "salaire_brut_mensuel"),
    ],
)
def test_recrutement_bad_input(structure, manager, overrides, field):
    mer = preselected(structure, manager)
    with nothing_written(Contrat), pytest.raises(DomainError) as error:
        recruit(mer, manager, **overrides)
    assert error.value.field == field
    mer.refresh_from_db()
    assert mer.statut == S.PRESELECTIONNEE


def test_cdi_without_end(structure, manager):
    mer = recruit(preselected(structure, manager), manager, type_contrat="cdi", date_fin=None)
    assert mer.contrats.get().date_fin is None


def test_cannot_recruit_for_another_structure(structure, manager):
    mer = preselected(structure, manager)
    intruder = structure_manager(StructureFactory(postes_accordes=5))
    with nothing_written(Contrat), pytest.raises(DomainError, match="recruter pour cette structure"):
        recruit(mer, intruder)


def test_recruitment_must_follow_preselection(structure, manager):
    mer = MiseEnRelationFactory(structure=structure)
    with nothing_written(Contrat), pytest.raises(DomainError, match="« nouvelle » ne peut pas passer"):
        recruit(mer, manager)


def test_candidate_recruited_elsewhere_cannot_be_recruited_again(structure, manager):
    mer = preselected(structure, manager)
    other = StructureFactory(postes_accordes=1)
    other_manager = structure_manager(other)
    other_mer = services.mise_en_relation_preselect(actor=other_manager, structure=other, candidature=mer.candidature)
    recruit(mer, manager)
    with nothing_written(Contrat), pytest.raises(DomainError, match="autre structure"):
        recruit(other_mer, other_manager)
    with pytest.raises(DomainError, match="déjà recruté"):
        services.mise_en_relation_preselect(actor=other_manager, structure=other, candidature=mer.candidature)


def test_cancel_returns_to_preselected_and_frees_the_post(structure, manager):
    mer = recruit(preselected(structure, manager), manager)
    services.recrutement_cancel(actor=manager, mer=mer)
    mer.refresh_from_db()
    structure.refresh_from_db()
    mer.candidature.refresh_from_db()
    assert (mer.statut, mer.date_recrutement, structure.postes_occupes) == (S.PRESELECTIONNEE, None, 0)
    assert mer.candidature.etape == EtapeConseiller.CANDIDAT
    assert not Contrat.objects.exists()
    # A validated recruitment cannot be cancelled: it ends with a departure.
    mer = recruit(mer, manager)
    services.recrutement_validate(actor=national_agent(), mer=mer)
    with pytest.raises(DomainError, match="déclarez une rupture"):
        services.recrutement_cancel(actor=manager, mer=mer)


def test_only_national_team_validates(structure, manager):
    mer = recruit(preselected(structure, manager), manager)
    with pytest.raises(DomainError, match="équipe nationale"):
        services.recrutement_validate(actor=manager, mer=mer)
    mer.refresh_from_db()
    assert mer.statut == S.RECRUTEE


def test_rupture_after_contract_end_is_refused(structure, manager):
    mer = recruit(preselected(structure, manager), manager)
    services.recrutement_validate(actor=national_agent(), mer=mer)
    end = mer.contrats.get().date_fin
    for bad in (end, end + datetime.timedelta(days=1), START - datetime.timedelta(days=1)):
        with nothing_written(Rupture), pytest.raises(DomainError) as error:
            services.rupture_declare(actor=manager, mer=mer, date_rupture=bad, motif="licenciement")
        assert error.value.field == "date_rupture"
    with nothing_written(Rupture), pytest.raises(DomainError, match="motif"):
        services.rupture_declare(actor=manager, mer=mer, date_rupture=START, motif="lassitude")
    mer.refresh_from_db()
    assert mer.statut == S.FINALISEE


def test_rupture_needs_a_validated_recruitment(structure, manager):
    mer = recruit(preselected(structure, manager), manager)
    with nothing_written(Rupture), pytest.raises(DomainError, match="ne peut pas passer"):
        services.rupture_declare(actor=manager, mer=mer, date_rupture=START, motif="demission")


def test_contract_renewal(structure, manager):
    mer = recruit(preselected(structure, manager), manager)
    services.recrutement_validate(actor=national_agent(), mer=mer)
    contrat = mer.contrats.get()
    renewal = services.contrat_renewal_request(
        actor=manager,
        contrat=contrat,
        type_contrat="cdd",
        date_fin=contrat.date_fin + datetime.timedelta(days=365),
        heures_hebdomadaires=35,
    )
    assert renewal.statut == StatutContrat.INITIE
    assert renewal.date_debut == contrat.date_fin + datetime.timedelta(days=1)
    with pytest.raises(DomainError, match="déjà en cours"):
        services.contrat_renewal_request(
            actor=manager, contrat=contrat, type_contrat="cdi", date_fin=None, heures_hebdomadaires=35
        )
    services.contrat_renewal_validate(actor=national_agent(), contrat=renewal)
    assert services.current_contract(mer) == renewal
    # A departure can now fall within the renewed contract.
    services.rupture_declare(
        actor=manager, mer=mer, date_rupture=contrat.date_fin + datetime.timedelta(days=30), motif="demission"
    )


def test_preselect_respects_candidate_radius():
    structure = StructureFactory(commune=commune_lyon(), postes_accordes=1)
    manager = structure_manager(structure)
    far = CandidatureFactory(commune=commune_roanne(), code_postal="42300", distance_max=40)  # Roanne–Lyon ≈ 66 km
    with nothing_written(MiseEnRelation), pytest.raises(DomainError, match="aussi loin"):
        services.mise_en_relation_preselect(actor=manager, structure=structure, candidature=far)
    willing = CandidatureFactory(commune=commune_roanne(), code_postal="42300", distance_max=100)
    mer = services.mise_en_relation_preselect(actor=manager, structure=structure, candidature=willing)
    assert 60 < mer.distance_km < 75


def test_preselect_never_crosses_the_sea():
    guadeloupe = commune_outre_mer("971", "97120", "Pointe-à-Pitre", 16.2411, -61.5331)
    martinique = commune_outre_mer("972", "97209", "Fort-de-France", 14.6161, -61.0588)
    structure = StructureFactory(commune=guadeloupe, postes_accordes=1)
    candidate = CandidatureFactory(commune=martinique, code_postal="97209", distance_max=2000)
    with nothing_written(MiseEnRelation), pytest.raises(DomainError):
        services.mise_en_relation_preselect(
            actor=structure_manager(structure), structure=structure, candidature=candidate
        )


def test_reject_then_preselect_again(structure, manager):
    mer = preselected(structure, manager)
    services.mise_en_relation_reject(actor=manager, mer=mer)
    mer.refresh_from_db()
    assert mer.statut == S.NON_RETENUE
    mer = services.mise_en_relation_preselect(actor=manager, structure=structure, candidature=mer.candidature)
    assert mer.statut == S.PRESELECTIONNEE
