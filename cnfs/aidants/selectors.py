"""Reads of Aidants Connect used by the pages (one place to optimise)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from cnfs.aidants.enums import STATUTS_DEMANDE_A_INSTRUIRE, ActionJournal, Demarche, StatutAidant
from cnfs.aidants.models import Aidant, Autorisation, DemandeHabilitation, JournalEntry, Mandat, Organisation


def _with_active_autorisations(queryset: QuerySet, at=None) -> QuerySet:
    return queryset.select_related("usager").prefetch_related(
        Prefetch(
            "autorisations",
            queryset=Autorisation.objects.filter(revoked_at__isnull=True).order_by("demarche"),
            to_attr="autorisations_actives",
        )
    )


def mandats_actifs(organisation_id: int, at=None) -> QuerySet[Mandat]:
    """Active mandates of an organisation, with their usager and active authorisations, by usager name.

    Only the columns the usager list shows: the mandates come from the `aidants_mandat_en_cours` index alone.
    """
    return (
        _with_active_autorisations(Mandat.objects.active(at).filter(organisation_id=organisation_id))
        .only("pk", "fin", "usager__given_names", "usager__family_name", "usager__birthdate")
        .order_by("usager__family_name", "usager__given_names", "fin", "pk")
    )


def mandats_of_organisation(organisation_id: int) -> QuerySet[Mandat]:
    return _with_active_autorisations(Mandat.objects.filter(organisation_id=organisation_id)).order_by("-debut", "-pk")


def mandat_detail(pk: int) -> Mandat | None:
    return (
        Mandat.objects.select_related("organisation", "usager", "cree_par")
        .prefetch_related(Prefetch("autorisations", queryset=Autorisation.objects.order_by("demarche")))
        .filter(pk=pk)
        .first()
    )


def journal_of_actor(user_id: int) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(actor_id=user_id).order_by("-seq")


def mandat_creation_entry(mandat: Mandat) -> JournalEntry | None:
    """The journal entry that recorded the mandate: its hash is the attestation's fingerprint."""
    return (
        JournalEntry.objects.filter(
            mandat_id=mandat.pk, action__in=[ActionJournal.MANDAT_CREE, ActionJournal.MANDAT_RENOUVELE]
        )
        .order_by("seq")
        .first()
    )


def demandes_a_instruire() -> QuerySet[DemandeHabilitation]:
    return DemandeHabilitation.objects.filter(statut__in=STATUTS_DEMANDE_A_INSTRUIRE).order_by("created_at", "pk")


def demandes_instruites() -> QuerySet[DemandeHabilitation]:
    return DemandeHabilitation.objects.exclude(statut__in=STATUTS_DEMANDE_A_INSTRUIRE).order_by("-instruite_le")


def aidants_a_habiliter() -> QuerySet[Aidant]:
    return (
        Aidant.objects.filter(statut=StatutAidant.TEST_REUSSI)
        .select_related("user", "organisation")
        .order_by("organisation__nom", "user__last_name")
    )


def aidants_of_organisation(organisation_id: int) -> QuerySet[Aidant]:
    return (
        Aidant.objects.filter(organisation_id=organisation_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def organisation_stats(organisation: Organisation) -> dict:
    """Simple figures of an organisation: aidants by status, active mandates and usagers, authorisations by
    démarche. Three queries whatever the size."""
    now = timezone.now()
    aidants = dict(
        Aidant.objects.filter(organisation=organisation).values_list("statut").annotate(n=Count("pk")).order_by()
    )
    mandats = Mandat.objects.filter(organisation=organisation).aggregate(
        actifs=Count("pk", filter=Q(revoked_at__isnull=True, debut__lte=now, fin__gt=now)),
        usagers=Count("usager", distinct=True, filter=Q(revoked_at__isnull=True, debut__lte=now, fin__gt=now)),
        total=Count("pk"),
    )
    by_demarche = dict(
        Autorisation.objects.active(now)
        .filter(mandat__organisation=organisation)
        .values_list("demarche")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "aidants_habilites": aidants.get(StatutAidant.HABILITE, 0),
        "aidants_en_formation": aidants.get(StatutAidant.EN_FORMATION, 0) + aidants.get(StatutAidant.TEST_REUSSI, 0),
        "mandats_actifs": mandats["actifs"],
        "usagers_actifs": mandats["usagers"],
        "mandats_total": mandats["total"],
        "par_demarche": [(d.label, by_demarche.get(d.value, 0)) for d in Demarche],
    }
