"""Reads of the funding pages, exports, API and command: grouped queries, never one per row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet, Sum

from cnfs.financement import permissions
from cnfs.financement.enums import STATUTS_MOBILIER_ENGAGES, StatutDemandeMobilier, StatutVersement
from cnfs.financement.models import Convention, DemandeMobilier, Enveloppe, ModeleMobilier, Versement
from cnfs.lieux.models import Lieu
from cnfs.territoires.models import Departement


@dataclass(frozen=True)
class EnvelopeRow:
    enveloppe: Enveloppe
    conventions: int
    demandes: int

    @property
    def disponible(self) -> int:
        return self.enveloppe.disponible


def envelope_rows() -> list[EnvelopeRow]:
    """Every envelope with its committed and paid totals and how many conventions and grants draw on it."""
    envelopes = Enveloppe.objects.annotate(
        n_conventions=Count("conventions", distinct=True), n_demandes=Count("demandes_mobilier", distinct=True)
    ).order_by("-montant", "id")
    return [EnvelopeRow(e, e.n_conventions, e.n_demandes) for e in envelopes]


@dataclass
class TerritoryRow:
    code: str
    nom: str
    region_code: str = ""
    region_nom: str = ""
    conventions: int = 0
    postes: int = 0
    engage_conventions: int = 0
    verse_conventions: int = 0
    engage_mobilier: int = 0
    verse_mobilier: int = 0

    @property
    def engage(self) -> int:
        return self.engage_conventions + self.engage_mobilier

    @property
    def verse(self) -> int:
        return self.verse_conventions + self.verse_mobilier

    @property
    def reste_a_verser(self) -> int:
        return self.engage - self.verse

    def add(self, other: TerritoryRow) -> None:
        for name in (
            "conventions",
            "postes",
            "engage_conventions",
            "verse_conventions",
            "engage_mobilier",
            "verse_mobilier",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def by_departement(codes: Iterable[str] | None = None) -> list[TerritoryRow]:
    """Committed and paid money per département (conventions by the structure's, grants by the place's).

    `codes`: restrict to these départements (a territorial agent's scope); None: the whole country.
    Four grouped queries whatever the number of départements.
    """
    conventions = Convention.objects.signees()
    versements = Versement.objects.filter(statut=StatutVersement.PAYE)
    grants = DemandeMobilier.objects.filter(statut__in=[s.value for s in STATUTS_MOBILIER_ENGAGES])
    if codes is not None:
        codes = list(codes)
        conventions = conventions.filter(structure__commune__departement__code__in=codes)
        versements = versements.filter(convention__structure__commune__departement__code__in=codes)
        grants = grants.filter(lieu__commune__departement__code__in=codes)
    rows: dict[str, TerritoryRow] = {}

    def row(code: str) -> TerritoryRow:
        return rows.setdefault(code, TerritoryRow(code=code, nom=code))

    key = "structure__commune__departement__code"
    for item in (
        conventions.order_by()
        .values(key)
        .annotate(n=Count("id"), postes=Sum("nombre_postes"), total=Sum("montant_total"), libere=Sum("montant_libere"))
    ):
        r = row(item[key])
        r.conventions, r.postes = item["n"], item["postes"]
        r.engage_conventions = item["total"] - item["libere"]
    key = "convention__structure__commune__departement__code"
    for item in versements.order_by().values(key).annotate(s=Sum("montant")):
        row(item[key]).verse_conventions = item["s"]
    key = "lieu__commune__departement__code"
    for item in grants.order_by().values(key).annotate(s=Sum("montant")):
        row(item[key]).engage_mobilier = item["s"]
    for item in grants.filter(statut=StatutDemandeMobilier.VERSEE).order_by().values(key).annotate(s=Sum("montant")):
        row(item[key]).verse_mobilier = item["s"]
    for dep in Departement.objects.filter(code__in=list(rows)).select_related("region"):
        r = rows[dep.code]
        r.nom, r.region_code, r.region_nom = dep.nom, dep.region.code, dep.region.nom
    return sorted(rows.values(), key=lambda r: r.code)


def by_region(departements: list[TerritoryRow]) -> list[TerritoryRow]:
    """Sum of the département rows per région."""
    regions: dict[str, TerritoryRow] = {}
    for dep in departements:
        region = regions.setdefault(dep.region_code, TerritoryRow(code=dep.region_code, nom=dep.region_nom))
        region.add(dep)
    return sorted(regions.values(), key=lambda r: r.code)


def total_of(rows: list[TerritoryRow]) -> TerritoryRow:
    total = TerritoryRow(code="", nom="Total")
    for r in rows:
        total.add(r)
    return total


def conventions_for(user, *, departement: str | None = None, statut: str | None = None) -> QuerySet:
    """Conventions `user` may see, newest first, with what the list and the exports show."""
    queryset = permissions.conventions_visible_to(
        user,
        Convention.objects.select_related(
            "structure__commune__departement__region", "bareme", "enveloppe"
        ).annotate_paid(),
    )
    if departement:
        queryset = queryset.filter(structure__commune__departement__code=departement)
    if statut:
        queryset = queryset.filter(statut=statut)
    return queryset.order_by("-created_at", "-id")


def versements_for(user, *, departement: str | None = None) -> QuerySet:
    """Instalments of the conventions `user` may see, by convention then number."""
    conventions = permissions.conventions_visible_to(user, Convention.objects.all())
    queryset = Versement.objects.filter(convention__in=conventions).select_related(
        "convention__structure__commune__departement"
    )
    if departement:
        queryset = queryset.filter(convention__structure__commune__departement__code=departement)
    return queryset.order_by("convention_id", "numero")


def convention_detail(pk: int) -> Convention:
    return (
        Convention.objects.select_related(
            "structure__commune__departement", "bareme", "enveloppe", "smic_reference", "precedente"
        )
        .prefetch_related(
            Prefetch("versements", queryset=Versement.objects.order_by("numero")),
            "liberations",
        )
        .annotate_paid()
        .get(pk=pk)
    )


def conventions_of_structures(structure_ids: Iterable[int]) -> QuerySet:
    return (
        Convention.objects.filter(structure_id__in=list(structure_ids))
        .select_related("structure", "bareme")
        .annotate_paid()
        .order_by("structure__nom", "-date_debut", "-id")
    )


def catalogue(*, actifs_seulement: bool = True) -> QuerySet:
    queryset = ModeleMobilier.objects.all()
    return queryset.filter(actif=True) if actifs_seulement else queryset


def demandes_mobilier_for(user, *, statut: str | None = None) -> QuerySet:
    queryset = permissions.demandes_mobilier_visible_to(
        user, DemandeMobilier.objects.select_related("lieu__commune__departement", "modele", "enveloppe")
    )
    if statut:
        queryset = queryset.filter(statut=statut)
    return queryset.order_by("-created_at", "-id")


def lieux_for_request(user) -> QuerySet:
    """Places for which `user` may ask an equipment grant."""
    from cnfs.core.permissions import is_national
    from cnfs.lieux.permissions import structures_of

    queryset = Lieu.objects.select_related("commune")
    if is_national(user):
        return queryset.order_by("nom")[:500]
    return queryset.filter(structure_id__in=structures_of(user)).exclude(structure_id="").order_by("nom")
