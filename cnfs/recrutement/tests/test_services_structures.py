import datetime

import pytest
from django.core import mail

from cnfs.core.enums import Role, ScopeType
from cnfs.core.errors import DomainError
from cnfs.core.models import AuditEvent
from cnfs.core.permissions import Scope
from cnfs.core.tests.factories import RoleAssignmentFactory, UserFactory
from cnfs.recrutement import services
from cnfs.recrutement.enums import StatutAvenant, StatutDemande
from cnfs.recrutement.models import AvenantPostes, AvisPrefet, DecisionComite, DemandePostes, Structure
from cnfs.recrutement.tests.conftest import nothing_written
from cnfs.recrutement.tests.factories import (
    TODAY,
    DemandePostesFactory,
    SessionComiteFactory,
    StructureFactory,
    commune_lyon,
    make_siret,
    national_agent,
    prefecture_agent,
    structure_manager,
)
from cnfs.territoires.tests.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db


def structure_data(**overrides):
    data = {
        "siret": make_siret(4242),
        "type": "commune",
        "nom": "Mairie de Saint-Étienne",
        "adresse": "Place de l’Hôtel de Ville",
        "commune": CommuneFactory(),
        "contact_prenom": "Camille",
        "contact_nom": "Martin",
        "contact_email": "Camille.Martin@saint-etienne.fr",
    }
    data.update(overrides)
    return data


def test_structure_create_audits_and_gives_manager_the_role():
    manager = UserFactory()
    structure = services.structure_create(actor=manager, manager=manager, **structure_data())
    assert structure.contact_email == "camille.martin@saint-etienne.fr"
    assert AuditEvent.objects.filter(action="recrutement.structure_create", target_id=str(structure.pk)).exists()
    manager.__dict__.pop("_cnfs_scope", None)
    assert Scope.for_user(manager).object_ids(Role.STRUCTURE) == {str(structure.pk)}


@pytest.mark.parametrize("siret", ["1234", "73282932000075", "abcdefghijklmn", "35600000049838"])
def test_structure_create_refuses_invalid_siret(siret):
    with nothing_written(Structure), pytest.raises(DomainError) as error:
        services.structure_create(actor=None, **structure_data(siret=siret))
    assert error.value.field == "siret"
    assert "SIRET" in error.value.message or "SIREN" in error.value.message


def test_structure_create_refuses_duplicate_siret_naming_the_existing_one():
    existing = StructureFactory(nom="Association Numérique Pour Tous")
    spaced = f"{existing.siret[:3]} {existing.siret[3:6]} {existing.siret[6:9]} {existing.siret[9:]}"
    with nothing_written(Structure), pytest.raises(services.DoublonError) as error:
        services.structure_create(actor=None, **structure_data(siret=spaced))
    assert error.value.existing == existing
    assert "Association Numérique Pour Tous" in error.value.message


def test_demande_create_and_submit():
    structure = StructureFactory()
    manager = structure_manager(structure)
    demande = services.demande_create(
        actor=manager,
        structure=structure,
        nombre_postes=3,
        date_debut_souhaitee=TODAY,
        motivation="Couvrir les quartiers prioritaires.",
        today=TODAY,
    )
    assert demande.statut == StatutDemande.BROUILLON
    with pytest.raises(DomainError, match="engagement"):
        services.demande_submit(actor=manager, demande=demande, engagement=False, today=TODAY)
    services.demande_submit(actor=manager, demande=demande, engagement=True, today=TODAY)
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.DEPOSEE and demande.deposee_le is not None
    assert AuditEvent.objects.filter(action="recrutement.demande_submit").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_debut_souhaitee": TODAY - datetime.timedelta(days=1)}, "date_debut_souhaitee"),
        ({"nombre_postes": 0}, "nombre_postes"),
        ({"motivation": "x" * 2501}, "motivation"),
        ({"motivation": "   "}, "motivation"),
    ],
)
def test_demande_create_refuses_bad_input(overrides, field):
    structure = StructureFactory()
    manager = structure_manager(structure)
    data = {"nombre_postes": 1, "date_debut_souhaitee": TODAY, "motivation": "Motivation.", **overrides}
    with nothing_written(DemandePostes), pytest.raises(DomainError) as error:
        services.demande_create(actor=manager, structure=structure, deposer=True, engagement=True, today=TODAY, **data)
    assert error.value.field == field


def test_demande_create_refused_to_another_structure_manager():
    structure = StructureFactory()
    other_manager = structure_manager(StructureFactory())
    with nothing_written(DemandePostes), pytest.raises(DomainError, match="cette structure"):
        services.demande_create(
            actor=other_manager, structure=structure, nombre_postes=1, date_debut_souhaitee=TODAY, motivation="M."
        )


def test_second_request_in_progress_is_refused():
    demande = DemandePostesFactory()
    manager = structure_manager(demande.structure)
    with nothing_written(DemandePostes), pytest.raises(DomainError, match="déjà en cours"):
        services.demande_create(
            actor=manager,
            structure=demande.structure,
            nombre_postes=1,
            date_debut_souhaitee=TODAY,
            motivation="Encore.",
            engagement=True,
            deposer=True,
            today=TODAY,
        )


def test_avis_prefet_history_is_kept():
    demande = DemandePostesFactory()
    agent = prefecture_agent(demande.structure.commune.departement)
    services.avis_prefet_give(actor=agent, demande=demande, avis="defavorable", commentaire="Territoire déjà couvert.")
    services.avis_prefet_give(
        actor=agent, demande=demande, avis="favorable", commentaire="Après échange : zone blanche.", prioritaire=True
    )
    opinions = list(demande.avis_prefet.all())
    assert [o.avis for o in opinions] == ["favorable", "defavorable"]
    latest_event = AuditEvent.objects.filter(action="recrutement.avis_prefet_give").first()
    assert latest_event.before["avis"] == "defavorable" and latest_event.after["avis"] == "favorable"


def test_avis_prefet_from_region_agent_is_accepted():
    demande = DemandePostesFactory()
    region = demande.structure.commune.departement.region
    agent = RoleAssignmentFactory(role=Role.PREFECTURE, scope_type=ScopeType.REGION, region=region).user
    services.avis_prefet_give(actor=agent, demande=demande, avis="favorable", commentaire="Avis du SGAR régional.")
    assert AvisPrefet.objects.count() == 1


def test_avis_prefet_of_another_departement_is_refused():
    demande = DemandePostesFactory()
    other = DepartementFactory(code="69", nom="Rhône")
    agent = prefecture_agent(other)
    with nothing_written(AvisPrefet), pytest.raises(DomainError, match="préfecture du département"):
        services.avis_prefet_give(actor=agent, demande=demande, avis="favorable", commentaire="Je ne devrais pas.")


def test_national_team_cannot_give_the_prefects_opinion():
    demande = DemandePostesFactory()
    with nothing_written(AvisPrefet), pytest.raises(DomainError):
        services.avis_prefet_give(
            actor=national_agent(), demande=demande, avis="favorable", commentaire="Pas mon rôle."
        )


@pytest.mark.parametrize(
    ("avis", "commentaire"), [("favorable", "court"), ("favorable", "x" * 1001), ("peut-être", "Un avis ambigu.")]
)
def test_avis_prefet_bad_input(avis, commentaire):
    demande = DemandePostesFactory()
    agent = prefecture_agent(demande.structure.commune.departement)
    with nothing_written(AvisPrefet), pytest.raises(DomainError):
        services.avis_prefet_give(actor=agent, demande=demande, avis=avis, commentaire=commentaire)


def test_avis_prefet_refused_on_closed_request():
    demande = DemandePostesFactory(statut=StatutDemande.VALIDEE)
    agent = prefecture_agent(demande.structure.commune.departement)
    with nothing_written(AvisPrefet), pytest.raises(DomainError, match="n’attend plus"):
        services.avis_prefet_give(actor=agent, demande=demande, avis="favorable", commentaire="Trop tard pour moi.")


def test_comite_decide_grants_quota_and_mails_structure_and_prefecture(django_capture_on_commit_callbacks):
    demande = DemandePostesFactory(nombre_postes=4)
    structure_manager(demande.structure, user__email="gestion@mairie.fr")
    prefecture_agent(demande.structure.commune.departement, user__email="agent@loire.gouv.fr")
    session = services.session_comite_create(actor=national_agent(), date=TODAY)
    assert session.numero == 1
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.comite_decide(
            actor=national_agent(), session=session, demande=demande, decision="validee", postes_accordes=3
        )
    demande.refresh_from_db()
    demande.structure.refresh_from_db()
    assert demande.statut == StatutDemande.VALIDEE
    assert demande.structure.postes_accordes == 3
    assert decision.postes_demandes == 4
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {demande.structure.contact_email, "gestion@mairie.fr", "agent@loire.gouv.fr"}
    assert "Postes accordés : 3 sur 4" in message.body
    assert message.subject.startswith("Décision du comité de sélection n° 1")


@pytest.mark.parametrize(
    ("decision", "postes", "fragment"),
    [
        ("validee", 5, "entre 0 et 4"),
        ("validee", -1, "entre 0 et 4"),
        ("validee", 0, "au moins un poste"),
        ("refusee", 2, "Seule une demande validée"),
        ("sans_suite", 0, "dans la liste"),
    ],
)
def test_comite_decide_bad_quota(decision, postes, fragment, django_capture_on_commit_callbacks):
    demande = DemandePostesFactory(nombre_postes=4)
    session = SessionComiteFactory()
    with (
        nothing_written(DecisionComite),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(DomainError, match=fragment),
    ):
        services.comite_decide(
            actor=national_agent(), session=session, demande=demande, decision=decision, postes_accordes=postes
        )
    demande.structure.refresh_from_db()
    assert demande.structure.postes_accordes == 0
    assert mail.outbox == []


def test_comite_decide_only_by_national_team():
    demande = DemandePostesFactory()
    agent = prefecture_agent(demande.structure.commune.departement)
    with nothing_written(DecisionComite), pytest.raises(DomainError, match="équipe nationale"):
        services.comite_decide(
            actor=agent, session=SessionComiteFactory(), demande=demande, decision="validee", postes_accordes=1
        )


def test_comite_cannot_decide_twice_on_a_validated_request():
    demande = DemandePostesFactory(nombre_postes=2)
    anct = national_agent()
    services.comite_decide(
        actor=anct, session=SessionComiteFactory(), demande=demande, decision="validee", postes_accordes=2
    )
    with nothing_written(DecisionComite), pytest.raises(DomainError, match="ne peut plus statuer"):
        services.comite_decide(
            actor=anct, session=SessionComiteFactory(), demande=demande, decision="validee", postes_accordes=2
        )


def test_avenant_give_back_only_vacant_posts():
    structure = StructureFactory(postes_accordes=3, postes_occupes=2)
    manager = structure_manager(structure)
    with nothing_written(AvenantPostes), pytest.raises(DomainError, match="postes vacants"):
        services.avenant_request(
            actor=manager, structure=structure, type="rendu", nombre_postes=2, motif="fin_subventionnement"
        )
    with nothing_written(AvenantPostes), pytest.raises(DomainError, match="Motif non prévu"):
        services.avenant_request(
            actor=manager, structure=structure, type="rendu", nombre_postes=1, motif="besoin_supplementaire"
        )
    avenant = services.avenant_request(
        actor=manager, structure=structure, type="rendu", nombre_postes=1, motif="difficultes_recrutement"
    )
    services.avenant_decide(actor=national_agent(), avenant=avenant, accept=True)
    structure.refresh_from_db()
    avenant.refresh_from_db()
    assert (structure.postes_accordes, avenant.statut) == (2, StatutAvenant.VALIDE)


def test_avenant_add_posts():
    structure = StructureFactory(postes_accordes=1)
    avenant = services.avenant_request(
        actor=structure_manager(structure),
        structure=structure,
        type="ajout",
        nombre_postes=2,
        motif="besoin_supplementaire",
    )
    services.avenant_decide(actor=national_agent(), avenant=avenant, accept=True)
    structure.refresh_from_db()
    assert structure.postes_accordes == 3
    with pytest.raises(DomainError, match="déjà été traité"):
        services.avenant_decide(actor=national_agent(), avenant=avenant, accept=False)


def test_demande_close_by_structure_and_national_team():
    demande = DemandePostesFactory()
    manager = structure_manager(demande.structure)
    with pytest.raises(DomainError):
        services.demande_close(actor=manager, demande=demande, statut=StatutDemande.DOUBLON)
    services.demande_close(actor=manager, demande=demande, statut=StatutDemande.ABANDONNEE)
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.ABANDONNEE
    with pytest.raises(DomainError, match="ne peut pas passer"):
        services.demande_close(actor=national_agent(), demande=demande, statut=StatutDemande.ANNULEE)


def test_cancel_validated_request_removes_its_quota_unless_posts_are_held():
    demande = DemandePostesFactory(nombre_postes=2, structure=StructureFactory(commune=commune_lyon()))
    anct = national_agent()
    services.comite_decide(
        actor=anct, session=SessionComiteFactory(), demande=demande, decision="validee", postes_accordes=2
    )
    Structure.objects.filter(pk=demande.structure_id).update(postes_occupes=1)
    with pytest.raises(DomainError, match="ruptures"):
        services.demande_close(actor=anct, demande=demande, statut=StatutDemande.ANNULEE)
    Structure.objects.filter(pk=demande.structure_id).update(postes_occupes=0)
    services.demande_close(actor=anct, demande=demande, statut=StatutDemande.ANNULEE)
    demande.structure.refresh_from_db()
    assert demande.structure.postes_accordes == 0
