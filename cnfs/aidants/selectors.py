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


class MandatsActifs:
    """The active mandates of an organisation, by usager name, as the Paginator reads them: `count()`, then one
    slice. A slice is one query for its rows with their usager, and one for their active authorisations.

    The order is a range scan of the `aidants_mandat_liste_usagers` index (the usager's names copied on the
    mandate: `usager_nom`, `usager_prenoms`) that stops after the slice's rows, in a subquery: the usagers are
    joined to the slice's rows only, not to the rows an OFFSET skips (thousands on a large organisation's last
    page), and without the round trip of a separate prefetch. The count reads the `aidants_mandat_en_cours` index
    alone.
    """

    ORDER = ("usager_nom", "usager_prenoms", "fin", "pk")

    def __init__(self, organisation_id: int, at=None):
        self.by_name = Mandat.objects.active(at).filter(organisation_id=organisation_id).order_by(*self.ORDER)

    def count(self) -> int:
        return self.by_name.count()

    def __len__(self) -> int:
        return self.count()

    def rows_queryset(self, index: slice | None = None) -> QuerySet[Mandat]:
        """The rows of a slice of the list (all of them without `index`), with their usager and authorisations."""
        ids = self.by_name.values("pk")
        return (
            Mandat.objects.filter(pk__in=ids if index is None else ids[index])
            .select_related("usager")
            .only(
                "pk",
                "fin",
                "usager_nom",
                "usager_prenoms",
                "usager",
                "usager__uuid",
                "usager__given_names",
                "usager__family_name",
                "usager__birthdate",
            )
            .order_by(*self.ORDER)
            .prefetch_related(
                Prefetch(
                    "autorisations",
                    queryset=Autorisation.objects.filter(revoked_at__isnull=True).order_by("demarche"),
                    to_attr="autorisations_actives",
                )
            )
        )

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(self.rows_queryset(index))
        return self[index : index + 1][0] if index >= 0 else list(self)[index]

    def __iter__(self):
        return iter(self.rows_queryset())


def mandats_actifs(organisation_id: int, at=None) -> MandatsActifs:
    """Active mandates of an organisation, with their usager and active authorisations, by usager name (the
    aidant's usager list, paginated: see `MandatsActifs`)."""
    return MandatsActifs(organisation_id, at)


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


def demandes_a_instruire(*, a_confirmer: bool = False) -> QuerySet[DemandeHabilitation]:
    """Requests awaiting review: confirmed by their requester's e-mail link (or, on demand, still unconfirmed)."""
    return DemandeHabilitation.objects.filter(
        statut__in=STATUTS_DEMANDE_A_INSTRUIRE, email_confirme_le__isnull=a_confirmer
    ).order_by("created_at", "pk")


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


# --- ac-life: monthly figures of the responsable space -------------------------------------------------------------

MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
        "décembre")  # fmt: skip
ACTES = (
    ActionJournal.MANDAT_CREE,
    ActionJournal.MANDAT_RENOUVELE,
    ActionJournal.MANDAT_REVOQUE,
    ActionJournal.AUTORISATION_REVOQUEE,
    ActionJournal.MANDAT_UTILISE,
    ActionJournal.TOTP_REVERIFIE,
    ActionJournal.ATTESTATION_CONSULTEE,
)


def organisation_monthly_stats(organisation: Organisation, months: int = 12) -> list[dict]:
    """For each of the last `months` months (most recent first): mandates created, revoked, active at the month's
    end (or now for the current month), and aidants who acted. Four queries whatever the size."""
    from django.db.models.functions import TruncMonth

    from cnfs.aidants.enums import add_months

    now = timezone.localtime()
    current = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    starts = [add_months(current, -i) for i in range(months)]
    ends = [min(add_months(start, 1), now) for start in starts]
    first = starts[-1]

    def per_month(queryset, field, value=None):
        rows = (
            queryset.filter(**{f"{field}__gte": first})
            .annotate(month=TruncMonth(field))
            .values("month")
            .annotate(n=Count(value or "pk", distinct=bool(value)))
            .order_by()
        )
        return {(timezone.localtime(r["month"]).year, timezone.localtime(r["month"]).month): r["n"] for r in rows}

    mandats = Mandat.objects.filter(organisation=organisation)
    created = per_month(mandats, "created_at")
    revoked = per_month(mandats, "revoked_at")
    acting = per_month(
        JournalEntry.objects.filter(organisation_id=organisation.pk, action__in=ACTES, actor_id__isnull=False),
        "created_at",
        "actor_id",
    )
    active = mandats.aggregate(
        **{
            f"m{i}": Count(
                "pk", filter=Q(debut__lte=end, fin__gt=end) & (Q(revoked_at__isnull=True) | Q(revoked_at__gt=end))
            )
            for i, end in enumerate(ends)
        }
    )
    return [
        {
            "mois": f"{MOIS[start.month - 1]} {start.year}",
            "crees": created.get((start.year, start.month), 0),
            "revoques": revoked.get((start.year, start.month), 0),
            "actifs": active[f"m{i}"],
            "aidants_actifs": acting.get((start.year, start.month), 0),
        }
        for i, start in enumerate(starts)
    ]
