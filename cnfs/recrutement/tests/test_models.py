"""Invariants that live in the database: each constraint refuses the bad row by itself."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from cnfs.recrutement.enums import Decision, StatutDemande, StatutMiseEnRelation
from cnfs.recrutement.models import AvenantPostes, AvisPrefet, Candidature, Contrat, Structure
from cnfs.recrutement.models.candidature import identity_key
from cnfs.recrutement.tests.factories import (
    CandidatureFactory,
    ContratFactory,
    DecisionComiteFactory,
    DemandePostesFactory,
    MiseEnRelationFactory,
    StructureFactory,
    make_siret,
)
from cnfs.recrutement.validators import luhn_valid, siret_error


def test_siret_validator_accepts_real_numbers():
    assert siret_error("732 829 320 00074") is None  # ANCT-style spacing is accepted
    assert siret_error("35600000000048") is None  # La Poste head office: ordinary Luhn rule
    assert siret_error("35600000049837") is None  # La Poste establishment: digit sum multiple of 5


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "obligatoire"),
        ("7328293200007A", "que des chiffres"),
        ("7328293200007", "14 chiffres"),
        ("73282932000075", "clé de contrôle"),
        ("73282932100074", "SIREN"),
        ("35600000049838", "La Poste"),
        ("٧٣٢٨٢٩٣٢٠٠٠٠٧٤", "que des chiffres"),  # non-ASCII digits
    ],
)
def test_siret_validator_refuses_with_french_reason(value, fragment):
    assert fragment in siret_error(value)


@given(st.integers(min_value=0, max_value=10**7))
def test_generated_sirets_are_valid(n):
    assert siret_error(make_siret(n)) is None


@given(st.text(alphabet="0123456789", min_size=14, max_size=14))
def test_one_digit_typo_is_always_caught(siret):
    if siret_error(siret) is not None or siret.startswith("356000000"):
        return
    for position in range(14):
        changed = siret[:position] + str((int(siret[position]) + 1) % 10) + siret[position + 1 :]
        assert not luhn_valid(changed) or siret_error(changed) is not None


pytestmark = pytest.mark.django_db


def assert_refused(factory_call):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory_call()


def test_structure_siret_unique():
    s = StructureFactory()
    assert_refused(lambda: StructureFactory(siret=s.siret))


def test_structure_cannot_hold_more_posts_than_granted():
    assert_refused(lambda: StructureFactory(postes_accordes=1, postes_occupes=2))
    s = StructureFactory(postes_accordes=2, postes_occupes=2)
    assert s.postes_disponibles == 0


def test_structure_point_falls_back_to_commune():
    s = StructureFactory()
    assert s.point == (s.commune.latitude, s.commune.longitude)
    s.latitude, s.longitude = 45.0, 4.0
    assert s.point == (45.0, 4.0)


def test_demande_constraints():
    assert_refused(lambda: DemandePostesFactory(nombre_postes=0))
    assert_refused(lambda: DemandePostesFactory(motivation="x" * 2501))
    assert_refused(lambda: DemandePostesFactory(engagement=False))
    DemandePostesFactory(engagement=False, statut=StatutDemande.BROUILLON, deposee_le=None)


def test_avis_commentaire_length():
    demande = DemandePostesFactory()
    assert_refused(lambda: AvisPrefet.objects.create(demande=demande, avis="favorable", commentaire="court"))
    assert_refused(lambda: AvisPrefet.objects.create(demande=demande, avis="favorable", commentaire="x" * 1001))
    AvisPrefet.objects.create(demande=demande, avis="favorable", commentaire="Bonne couverture du territoire.")


def test_decision_quota_between_zero_and_request():
    demande = DemandePostesFactory(nombre_postes=3)
    assert_refused(lambda: DecisionComiteFactory(demande=demande, postes_accordes=4))
    assert_refused(lambda: DecisionComiteFactory(demande=demande, postes_accordes=0))  # validée needs ≥ 1
    assert_refused(lambda: DecisionComiteFactory(demande=demande, decision=Decision.REFUSEE, postes_accordes=1))
    DecisionComiteFactory(demande=demande, decision=Decision.REFUSEE, postes_accordes=0)


def test_avenant_motif_matches_type():
    s = StructureFactory()
    assert_refused(
        lambda: AvenantPostes.objects.create(structure=s, type="ajout", nombre_postes=1, motif="fin_subventionnement")
    )
    assert_refused(
        lambda: AvenantPostes.objects.create(structure=s, type="rendu", nombre_postes=0, motif="fin_subventionnement")
    )
    AvenantPostes.objects.create(structure=s, type="rendu", nombre_postes=1, motif="fin_subventionnement")


def test_candidature_constraints():
    c = CandidatureFactory(email="Camille@Exemple.fr")
    assert c.email == "camille@exemple.fr"
    assert_refused(lambda: CandidatureFactory(email="camille@exemple.fr"))
    assert_refused(lambda: CandidatureFactory(demandeur_emploi=False))
    assert_refused(lambda: CandidatureFactory(diplome=True, diplome_libelle=""))
    assert_refused(lambda: CandidatureFactory(distance_max=30))
    assert_refused(lambda: CandidatureFactory(pix_palier=4))
    assert_refused(lambda: CandidatureFactory(motivation="x" * 2501))


def test_candidature_identity_duplicates_ignore_accents_and_case():
    CandidatureFactory(nom="Lefèvre", prenom="Zoé", date_naissance=datetime.date(1990, 1, 2), code_postal="42000")
    assert_refused(
        lambda: CandidatureFactory(
            nom="LEFEVRE", prenom="zoe", date_naissance=datetime.date(1990, 1, 2), code_postal="42000"
        )
    )
    assert identity_key(nom="Jean-Pierre", prenom="A", date_naissance=None, code_postal="") == identity_key(
        nom="jean pierre", prenom="a", date_naissance=None, code_postal=""
    )
    assert Candidature.objects.count() == 1


def test_one_post_at_a_time_per_candidate():
    candidature = CandidatureFactory()
    MiseEnRelationFactory(
        candidature=candidature, statut=StatutMiseEnRelation.RECRUTEE, date_recrutement=datetime.date(2030, 2, 1)
    )
    assert_refused(
        lambda: MiseEnRelationFactory(
            candidature=candidature, statut=StatutMiseEnRelation.FINALISEE, date_recrutement=datetime.date(2030, 2, 1)
        )
    )
    MiseEnRelationFactory(candidature=candidature, statut=StatutMiseEnRelation.NOUVELLE)
    assert_refused(lambda: MiseEnRelationFactory(candidature=candidature, statut=StatutMiseEnRelation.RECRUTEE))


def test_contract_dates_and_type():
    start = datetime.date(2030, 1, 1)
    assert_refused(lambda: ContratFactory(type="cdi", date_debut=start, date_fin=datetime.date(2031, 1, 1)))
    assert_refused(lambda: ContratFactory(type="cdd", date_debut=start, date_fin=None))
    assert_refused(lambda: ContratFactory(type="cdd", date_debut=start, date_fin=start))
    assert_refused(lambda: ContratFactory(heures_hebdomadaires=0))
    ContratFactory(type="cdi", date_debut=start, date_fin=None)
    assert Contrat.objects.count() == 1


def test_private_storage_has_no_url(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path
    field = Candidature._meta.get_field("cv")
    storage = field.storage
    assert str(storage.location) == str(tmp_path)
    assert not str(storage.location).startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        storage.url("cv/x.pdf")
    assert Structure.objects.count() == 0
