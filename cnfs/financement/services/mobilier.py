"""Equipment grants: the furniture catalogue, requests by places, decision and payment against the envelope."""

from __future__ import annotations

import datetime
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from cnfs.core.models import User
from cnfs.core.services import audit_log
from cnfs.financement import permissions
from cnfs.financement.enums import Destination, StatutDemandeMobilier, TypeFabricant
from cnfs.financement.models import DemandeMobilier, Enveloppe, ModeleMobilier
from cnfs.financement.money import euros
from cnfs.financement.services._common import forbid, refuse, snapshot, today_or
from cnfs.financement.services.enveloppes import commit, lock_enveloppe, pay
from cnfs.financement.validators import pdf_error
from cnfs.lieux.models import Lieu

DEMANDE_FIELDS = ("statut", "montant", "type_fabricant", "nom_fabricant", "decidee_le", "versee_le")


@contextmanager
def _file_removed_on_failure(fieldfile):
    """The file is written before its row: a failure while saving leaves no file behind."""
    try:
        yield
    except BaseException:
        if fieldfile:
            fieldfile.storage.delete(fieldfile.name)
        raise


def enveloppe_mobilier(day: datetime.date | None = None) -> Enveloppe | None:
    """The equipment envelope open on `day` (today by default)."""
    day = today_or(day)
    return (
        Enveloppe.objects.filter(destination=Destination.MOBILIER, date_debut__lte=day, date_fin__gte=day)
        .order_by("id")
        .first()
    )


@transaction.atomic
def modele_create(
    *, actor: User, nom: str, description: str, cout_estime: int, plans=None, request=None
) -> ModeleMobilier:
    """The national team adds a furniture design to the catalogue (plans as PDF, checked by content)."""
    if not permissions.can_manage_budget(actor):
        forbid("Seule l’équipe nationale gère le catalogue du mobilier.")
    nom = (nom or "").strip()
    if not nom:
        refuse("Indiquez le nom du modèle.", field="nom")
    if ModeleMobilier.objects.filter(nom__iexact=nom).exists():
        refuse("Un modèle porte déjà ce nom.", field="nom")
    if cout_estime is None or cout_estime <= 0:
        refuse("Le coût estimé doit être positif.", field="cout_estime")
    if plans is not None:
        error = pdf_error(plans, what="Le fichier des plans")
        if error:
            refuse(error, field="plans")
    modele = ModeleMobilier(nom=nom, description=(description or "").strip(), cout_estime=cout_estime)
    if plans is not None:
        modele.plans.save("plans.pdf", plans, save=False)
    with _file_removed_on_failure(modele.plans):
        modele.save()
        audit_log(actor=actor, action="financement.modele_create", target=modele, after={"nom": nom}, request=request)
    return modele


@transaction.atomic
def demande_mobilier_create(
    *,
    actor: User,
    lieu: Lieu,
    modele: ModeleMobilier,
    type_fabricant: str,
    nom_fabricant: str,
    montant: int,
    devis,
    request=None,
) -> DemandeMobilier:
    """A structure asks for a grant for one of its places: a catalogue design, a maker, an amount and a quote."""
    if not permissions.can_request_mobilier(actor, lieu):
        forbid("Vous ne pouvez pas demander d’aide pour ce lieu.")
    if not modele.actif:
        refuse("Ce modèle n’est plus au catalogue.", field="modele")
    if type_fabricant not in TypeFabricant.values:
        refuse("Choisissez un type de fabricant : fablab ou artisan.", field="type_fabricant")
    nom_fabricant = (nom_fabricant or "").strip()
    if not nom_fabricant:
        refuse("Indiquez le nom du fabricant.", field="nom_fabricant")
    if montant is None or montant <= 0:
        refuse("Le montant demandé doit être positif.", field="montant")
    if devis is None:
        refuse("Joignez le devis du fabricant (PDF).", field="devis")
    error = pdf_error(devis, what="Le devis")
    if error:
        refuse(error, field="devis")
    enveloppe = enveloppe_mobilier()
    if enveloppe is None:
        refuse("Aucune enveloppe « Lieux et mobilier » n’est ouverte aujourd’hui.")
    if montant > enveloppe.disponible:
        refuse(
            f"Le montant demandé ({euros(montant)}) dépasse ce qui reste sur l’enveloppe « {enveloppe.libelle} » "
            f"({euros(enveloppe.disponible)}).",
            field="montant",
            code="enveloppe_insuffisante",
        )
    demande = DemandeMobilier(
        lieu=lieu,
        modele=modele,
        enveloppe=enveloppe,
        type_fabricant=type_fabricant,
        nom_fabricant=nom_fabricant,
        montant=montant,
        created_by=actor,
    )
    demande.devis.save("devis.pdf", devis, save=False)
    with _file_removed_on_failure(demande.devis):
        demande.save()
        audit_log(
            actor=actor,
            action="financement.demande_mobilier_create",
            target=demande,
            after=snapshot(demande, *DEMANDE_FIELDS),
            request=request,
        )
    return demande


@transaction.atomic
def demande_mobilier_decide(
    *, actor: User, demande: DemandeMobilier, accorder: bool, motif_refus: str = "", request=None
) -> DemandeMobilier:
    """The national team grants (committing the amount against the envelope, never beyond it) or refuses."""
    if not permissions.can_manage_budget(actor):
        forbid("Seule l’équipe nationale décide des aides au mobilier.")
    demande = DemandeMobilier.objects.select_for_update(of=("self",)).select_related("lieu").get(pk=demande.pk)
    if demande.statut != StatutDemandeMobilier.DEPOSEE:
        refuse(f"Cette demande est déjà « {demande.get_statut_display().lower()} ».")
    before = snapshot(demande, *DEMANDE_FIELDS)
    if accorder:
        enveloppe = lock_enveloppe(demande.enveloppe_id)
        commit(enveloppe, demande.montant, what=f"l’aide au mobilier pour {demande.lieu.nom}")
        demande.statut = StatutDemandeMobilier.ACCORDEE
    else:
        motif_refus = (motif_refus or "").strip()
        if len(motif_refus) < 10:
            refuse("Expliquez le refus en 10 caractères au moins.", field="motif_refus")
        demande.statut = StatutDemandeMobilier.REFUSEE
        demande.motif_refus = motif_refus
    demande.decidee_le = timezone.now()
    demande.decidee_par = actor
    demande.save(update_fields=["statut", "motif_refus", "decidee_le", "decidee_par"])
    audit_log(
        actor=actor,
        action="financement.demande_mobilier_decide",
        target=demande,
        before=before,
        after=snapshot(demande, *DEMANDE_FIELDS),
        request=request,
    )
    return demande


@transaction.atomic
def demande_mobilier_pay(
    *, actor: User, demande: DemandeMobilier, date: datetime.date | None = None, request=None
) -> DemandeMobilier:
    """A granted request is paid to the place: the envelope's paid total grows by its amount."""
    if not permissions.can_manage_budget(actor):
        forbid("Seule l’équipe nationale verse les aides au mobilier.")
    demande = DemandeMobilier.objects.select_for_update().get(pk=demande.pk)
    if demande.statut != StatutDemandeMobilier.ACCORDEE:
        refuse("Seule une aide accordée et pas encore versée peut être versée.")
    before = snapshot(demande, *DEMANDE_FIELDS)
    pay(lock_enveloppe(demande.enveloppe_id), demande.montant)
    demande.statut = StatutDemandeMobilier.VERSEE
    demande.versee_le = today_or(date)
    demande.save(update_fields=["statut", "versee_le"])
    audit_log(
        actor=actor,
        action="financement.demande_mobilier_pay",
        target=demande,
        before=before,
        after=snapshot(demande, *DEMANDE_FIELDS),
        request=request,
    )
    return demande
