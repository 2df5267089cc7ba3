"""Services and selectors added for the pages: permission checks in the service itself, refused transitions."""

import pytest
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cnfs.core.errors import DomainError
from cnfs.core.models import User
from cnfs.recrutement import selectors, services
from cnfs.recrutement.enums import StatutDemande, StatutMiseEnRelation
from cnfs.recrutement.models import Message, Rupture
from cnfs.recrutement.services.inscriptions import confirmation_tokens
from cnfs.recrutement.tests.conftest import nothing_written
from cnfs.recrutement.tests.factories import (
    TODAY,
    CandidatureFactory,
    DemandePostesFactory,
    MiseEnRelationFactory,
    StructureFactory,
    commune_outre_mer,
    structure_manager,
)
from cnfs.territoires.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_demande_update_only_by_its_managers_and_only_a_draft():
    draft = DemandePostesFactory(statut=StatutDemande.BROUILLON, deposee_le=None)
    stranger = structure_manager(StructureFactory())
    fields = {"nombre_postes": 1, "date_debut_souhaitee": TODAY, "motivation": "Un besoin réel.", "today": TODAY}
    with nothing_written(type(draft)), pytest.raises(DomainError) as refused:
        services.demande_update(actor=stranger, demande=draft, **fields)
    assert refused.value.code == "interdit"
    manager = structure_manager(draft.structure)
    services.demande_update(actor=manager, demande=draft, deposer=True, engagement=True, **fields)
    draft.refresh_from_db()
    assert draft.statut == StatutDemande.DEPOSEE
    with pytest.raises(DomainError, match="seul un brouillon se modifie"):
        services.demande_update(actor=manager, demande=draft, **fields)


def test_message_send_and_mark_read_check_who_acts():
    mer = MiseEnRelationFactory(
        statut=StatutMiseEnRelation.PRESELECTIONNEE, candidature=CandidatureFactory(with_account=True)
    )
    stranger = structure_manager(StructureFactory())
    with nothing_written(Message), pytest.raises(DomainError, match="Vous ne pouvez écrire"):
        services.message_send(actor=stranger, mer=mer, corps="Bonjour")
    services.message_send(actor=structure_manager(mer.structure), mer=mer, corps="Bonjour")
    other = CandidatureFactory(with_account=True)
    with pytest.raises(DomainError, match="Seule la personne destinataire"):
        services.messages_mark_read(actor=other.user, candidature=mer.candidature)
    assert selectors.unread_messages_count(mer.candidature) == 1
    assert services.messages_mark_read(actor=mer.candidature.user, candidature=mer.candidature) == 1
    assert selectors.unread_messages_count(mer.candidature) == 0


def test_rupture_justificatif_by_a_stranger_is_refused():
    mer = MiseEnRelationFactory(statut=StatutMiseEnRelation.RUPTURE_SIGNALEE, date_recrutement=TODAY)
    rupture = Rupture.objects.create(mise_en_relation=mer, date_rupture=TODAY, motif="demission")
    with nothing_written(Rupture), pytest.raises(DomainError) as refused:
        services.rupture_justificatif_set(
            actor=structure_manager(StructureFactory()), rupture=rupture, justificatif="recu"
        )
    assert refused.value.code == "interdit"
    with pytest.raises(DomainError, match="Choisissez l’état"):
        services.rupture_justificatif_set(actor=structure_manager(mer.structure), rupture=rupture, justificatif="?")


def test_account_confirm_works_once():
    user = User.objects.create_user("a@exemple.fr", "une phrase de passe solide 42", is_active=False)
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), confirmation_tokens.make_token(user)
    assert services.account_confirm(uidb64=uid, token=token).is_active
    with pytest.raises(DomainError, match="n’est pas valide"):
        services.account_confirm(uidb64=uid, token=token)
    with pytest.raises(DomainError, match="n’est pas valide"):
        services.account_confirm(uidb64="%%%", token=token)


def test_structures_near_never_cross_the_sea_and_sort_by_distance():
    guadeloupe = commune_outre_mer("971", "97105", "Basse-Terre", 15.9985, -61.7261)
    candidature = CandidatureFactory(commune=guadeloupe, code_postal="97100", distance_max=2000)
    StructureFactory(nom="Métropole", postes_accordes=1)
    near = StructureFactory(nom="Basse-Terre", postes_accordes=1, commune=guadeloupe)
    far = StructureFactory(nom="Plus loin", postes_accordes=2, commune=guadeloupe, latitude=16.2, longitude=-61.5)
    total, nearby = selectors.structures_near(candidature)
    assert total == 2 and [n.structure for n in nearby] == [near, far]
    assert nearby[0].distance_km == 0.0 and nearby[1].distance_km > 20


def test_coverage_for_demandes_numbers_the_map_like_the_table():
    demandes = [DemandePostesFactory(), DemandePostesFactory()]
    coverage = selectors.coverage_for_demandes(demandes, ["42"], first_rank=26)
    assert [site["rank"] for site in coverage.svg.sites] == [26, 27]
    assert set(coverage.gains) == {d.pk for d in demandes}
    assert coverage.threshold == 30 and coverage.detour_factor > 1


def test_structures_near_is_empty_without_coordinates():
    nowhere = CommuneFactory(code="99999", nom="Sans point", search_name="sans point", latitude=None, longitude=None)
    assert selectors.structures_near(CandidatureFactory(commune=nowhere)) == (0, [])
