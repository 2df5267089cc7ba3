import datetime

import pytest

from cnfs.core.enums import Role, ScopeType
from cnfs.core.tests.factories import RoleAssignmentFactory, UserFactory
from cnfs.recrutement import permissions, selectors
from cnfs.recrutement.enums import EtapeConseiller, StatutMiseEnRelation
from cnfs.recrutement.models import AvisPrefet
from cnfs.recrutement.tests.factories import (
    TODAY,
    CandidatureFactory,
    DemandePostesFactory,
    MiseEnRelationFactory,
    StructureFactory,
    commune_lyon,
    commune_outre_mer,
    commune_roanne,
    national_agent,
    prefecture_agent,
    structure_manager,
)
from cnfs.territoires.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_structure_permissions_by_role_and_territory():
    structure = StructureFactory()  # Saint-Étienne, Loire (42)
    manager = structure_manager(structure)
    other_manager = structure_manager(StructureFactory(commune=commune_lyon()))
    loire = prefecture_agent(structure.commune.departement)
    rhone = prefecture_agent(commune_lyon().departement)
    candidate = RoleAssignmentFactory(candidat=True).user
    anct = national_agent()
    assert permissions.can_manage_structure(manager, structure)
    assert not permissions.can_manage_structure(other_manager, structure)
    assert not permissions.can_manage_structure(loire, structure)
    assert permissions.can_view_structure(loire, structure)
    assert not permissions.can_view_structure(rhone, structure)
    assert not permissions.can_view_structure(candidate, structure)
    assert permissions.can_view_structure(anct, structure) and permissions.can_manage_structure(anct, structure)
    visible = selectors.structures_for(loire)
    assert list(visible) == [structure]
    assert set(selectors.structures_for(anct)) == set(selectors.structures_for(anct).model.objects.all())


def test_structure_role_with_non_numeric_object_id_grants_nothing():
    structure = StructureFactory()
    user = RoleAssignmentFactory(role=Role.STRUCTURE, scope_type=ScopeType.STRUCTURE, object_id="S1").user
    assert not permissions.can_manage_structure(user, structure)
    assert list(selectors.managed_structures(user)) == []


def test_candidature_permissions():
    own = CandidatureFactory(with_account=True)
    other = CandidatureFactory(with_account=True)
    structure = StructureFactory()
    manager = structure_manager(structure)
    assert permissions.can_edit_candidature(own.user, own)
    assert not permissions.can_edit_candidature(other.user, own)
    assert not permissions.can_view_candidature(manager, own)
    MiseEnRelationFactory(structure=structure, candidature=own)
    assert permissions.can_view_candidature(manager, own)
    assert not permissions.can_edit_candidature(manager, own)


def test_demandes_for_territory_with_latest_opinion(django_assert_max_num_queries):
    loire_demande = DemandePostesFactory()
    lyon_demande = DemandePostesFactory(structure=StructureFactory(commune=commune_lyon()))
    AvisPrefet.objects.create(demande=loire_demande, avis="defavorable", commentaire="Premier avis réservé.")
    AvisPrefet.objects.create(demande=loire_demande, avis="favorable", commentaire="Second avis favorable.")
    agent = prefecture_agent(loire_demande.structure.commune.departement)
    with django_assert_max_num_queries(3):
        rows = list(selectors.demandes_for_territory(agent))
        assert [(d.pk, d.dernier_avis) for d in rows] == [(loire_demande.pk, "favorable")]
        assert rows[0].structure.commune.departement.code == "42"
    assert {d.pk for d in selectors.demandes_for_territory(national_agent())} == {loire_demande.pk, lyon_demande.pk}


def test_candidates_near_ranks_by_distance_then_availability():
    structure = StructureFactory(commune=commune_lyon())
    lyon, roanne, st_etienne = commune_lyon(), commune_roanne(), CommuneFactory()
    later = CandidatureFactory(commune=lyon, date_disponibilite=TODAY + datetime.timedelta(days=5))
    sooner = CandidatureFactory(commune=lyon, date_disponibilite=TODAY)
    st_e = CandidatureFactory(commune=st_etienne, distance_max=100)  # ≈ 50 km from Lyon
    CandidatureFactory(commune=st_etienne, distance_max=40)  # does not want to go that far
    anywhere = CandidatureFactory(commune=roanne, distance_max=2000)
    CandidatureFactory(commune=lyon, etape=EtapeConseiller.EN_POSTE)  # not available
    CandidatureFactory(commune=lyon, date_disponibilite=TODAY + datetime.timedelta(days=90))  # too late
    page = selectors.candidates_near(structure, start=TODAY + datetime.timedelta(days=30))
    assert [m.candidature for m in page.matches] == [sooner, later, st_e, anywhere]
    assert page.total == 4
    assert 45 < page.matches[2].distance_km < 55
    assert selectors.candidates_near(structure, start=TODAY).total == 3  # `later` not available by then
    second = selectors.candidates_near(structure, start=TODAY + datetime.timedelta(days=30), limit=2, offset=2)
    assert [m.candidature for m in second.matches] == [st_e, anywhere] and second.total == 4


def test_candidates_near_filters_and_existing_matches():
    structure = StructureFactory()
    pix = CandidatureFactory(pix_palier=3, diplome=True, diplome_libelle="Titre professionnel REMN")
    CandidatureFactory(pix_palier=1)
    MiseEnRelationFactory(structure=structure, candidature=pix, statut=StatutMiseEnRelation.PRESELECTIONNEE)
    page = selectors.candidates_near(structure, pix_min=2)
    assert [(m.candidature, m.statut) for m in page.matches] == [(pix, "preselectionnee")]
    assert selectors.candidates_near(structure, diplome=True).total == 1
    assert selectors.candidates_near(structure, with_cv=True).total == 0


def test_candidates_never_cross_the_sea():
    guadeloupe = commune_outre_mer("971", "97120", "Pointe-à-Pitre", 16.2411, -61.5331)
    martinique = commune_outre_mer("972", "97209", "Fort-de-France", 14.6161, -61.0588)
    structure = StructureFactory(commune=guadeloupe)
    local = CandidatureFactory(commune=guadeloupe, code_postal="97120", distance_max=2000)
    CandidatureFactory(commune=martinique, code_postal="97209", distance_max=2000)
    CandidatureFactory(distance_max=2000)  # mainland
    assert [m.candidature for m in selectors.candidates_near(structure).matches] == [local]
    mainland = StructureFactory()
    assert local not in [m.candidature for m in selectors.candidates_near(mainland).matches]


def test_candidates_near_without_candidates():
    assert selectors.candidates_near(StructureFactory()).total == 0


def test_anonymous_user_has_no_permission():
    from django.contrib.auth.models import AnonymousUser

    structure = StructureFactory()
    anonymous = AnonymousUser()
    assert not permissions.can_manage_structure(anonymous, structure)
    assert not permissions.can_run_comite(anonymous)
    assert not permissions.can_edit_candidature(anonymous, CandidatureFactory())
    assert UserFactory() is not None
