"""Equipment grants: quote checked by content, never beyond the envelope, decision and payment."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cnfs.core.errors import DomainError
from cnfs.financement import services
from cnfs.financement.enums import StatutDemandeMobilier
from cnfs.financement.models import DemandeMobilier, Enveloppe
from cnfs.financement.tests.conftest import nothing_written, pdf_bytes
from cnfs.financement.tests.factories import DemandeMobilierFactory, EnveloppeFactory, ModeleMobilierFactory
from cnfs.financement.verification import verify
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.recrutement.tests.factories import national_agent, structure_manager

pytestmark = pytest.mark.django_db


def _pdf(content=None):
    return SimpleUploadedFile("devis.pdf", pdf_bytes() if content is None else content, content_type="application/pdf")


@pytest.fixture
def lieu_and_manager():
    from cnfs.recrutement.tests.factories import StructureFactory

    structure = StructureFactory()
    return LieuFactory(structure_id=str(structure.pk)), structure_manager(structure)


def _request(actor, lieu, montant=2_000_00, devis=None):
    return services.demande_mobilier_create(
        actor=actor,
        lieu=lieu,
        modele=ModeleMobilierFactory(),
        type_fabricant="fablab",
        nom_fabricant="Fablab du Forez",
        montant=montant,
        devis=devis or _pdf(),
    )


def test_request_draws_on_the_equipment_envelope(lieu_and_manager):
    lieu, manager = lieu_and_manager
    demande = _request(manager, lieu)
    assert demande.enveloppe.destination == "mobilier" and demande.statut == StatutDemandeMobilier.DEPOSEE


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Le fichier envoyé est vide."),
        (b"GIF89a", "Le devis doit être un fichier PDF"),
        (b"%PDF-1.4 tronque", "endommagé ou illisible"),
    ],
)
def test_quote_checked_by_content(lieu_and_manager, settings, content, message):
    lieu, manager = lieu_and_manager
    with nothing_written(DemandeMobilier), pytest.raises(DomainError, match=message):
        _request(manager, lieu, devis=_pdf(content))
    folder = settings.PRIVATE_ROOT / "mobilier" / "devis"
    assert not folder.exists() or not any(folder.iterdir())


def test_request_for_a_place_of_another_structure_is_refused(lieu_and_manager):
    lieu, _ = lieu_and_manager
    from cnfs.recrutement.tests.factories import StructureFactory

    stranger = structure_manager(StructureFactory())
    with nothing_written(DemandeMobilier), pytest.raises(DomainError, match="ne pouvez pas"):
        _request(stranger, lieu)


def test_grant_over_the_remaining_envelope_is_refused(lieu_and_manager):
    lieu, manager = lieu_and_manager
    enveloppe = services.enveloppe_mobilier()
    with nothing_written(DemandeMobilier), pytest.raises(DomainError) as error:
        _request(manager, lieu, montant=enveloppe.montant + 1)
    assert error.value.code == "enveloppe_insuffisante"
    # Two requests that each fit, but not together: the second grant is refused at decision time.
    small = EnveloppeFactory(mobilier=True, montant=5_000_00)
    first = DemandeMobilierFactory(lieu=lieu, enveloppe=small, montant=3_000_00)
    second = DemandeMobilierFactory(lieu=lieu, enveloppe=small, montant=3_000_00)
    anct = national_agent()
    services.demande_mobilier_decide(actor=anct, demande=first, accorder=True)
    with pytest.raises(DomainError) as error:
        services.demande_mobilier_decide(actor=anct, demande=second, accorder=True)
    assert "insuffisante" in error.value.message
    second.refresh_from_db()
    small.refresh_from_db()
    assert second.statut == StatutDemandeMobilier.DEPOSEE and small.engage == 3_000_00


def test_refusal_needs_a_reason_and_commits_nothing(lieu_and_manager):
    lieu, _ = lieu_and_manager
    demande = DemandeMobilierFactory(lieu=lieu)
    anct = national_agent()
    with pytest.raises(DomainError, match="10 caractères"):
        services.demande_mobilier_decide(actor=anct, demande=demande, accorder=False, motif_refus="non")
    services.demande_mobilier_decide(
        actor=anct, demande=demande, accorder=False, motif_refus="Devis sans rapport avec le modèle."
    )
    assert Enveloppe.objects.get(pk=demande.enveloppe_id).engage == 0


def test_grant_paid_once(lieu_and_manager):
    lieu, _ = lieu_and_manager
    demande = DemandeMobilierFactory(lieu=lieu)
    anct = national_agent()
    with pytest.raises(DomainError, match="Seule une aide accordée"):
        services.demande_mobilier_pay(actor=anct, demande=demande)
    services.demande_mobilier_decide(actor=anct, demande=demande, accorder=True)
    services.demande_mobilier_pay(actor=anct, demande=demande)
    with pytest.raises(DomainError, match="Seule une aide accordée"):
        services.demande_mobilier_pay(actor=anct, demande=demande)
    enveloppe = Enveloppe.objects.get(pk=demande.enveloppe_id)
    assert enveloppe.engage == enveloppe.verse == demande.montant
    assert verify().ok


def test_catalogue_design_with_plans(settings):
    anct = national_agent()
    modele = services.modele_create(
        actor=anct, nom="Borne d’accueil", description="Borne en bouleau.", cout_estime=1_200_00, plans=_pdf()
    )
    assert modele.plans.name.startswith("mobilier/plans/")
    with pytest.raises(DomainError, match="Le fichier des plans doit être un fichier PDF"):
        services.modele_create(actor=anct, nom="Autre", description="", cout_estime=100, plans=_pdf(b"<html>"))
