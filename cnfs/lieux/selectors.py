"""Reads of the places app: the public list with its filters, and the places a manager may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from cnfs.core.enums import Role
from cnfs.core.permissions import Scope, is_national
from cnfs.lieux.enums import (
    Dispositif,
    Frais,
    Label,
    ModaliteAcces,
    ModaliteAccompagnement,
    PriseEnCharge,
    PublicAdresse,
    Service,
)
from cnfs.lieux.importers.vocabulary import fold, lookup_table
from cnfs.lieux.models import Lieu, LieuQuerySet

# Public filter → (list field of `Lieu` or None for labels, enumeration, French name for errors).
FILTERS: dict[str, tuple[tuple[str, ...], type, str]] = {
    "service": (("services",), Service, "service"),
    "public": (("publics_specifiquement_adresses",), PublicAdresse, "public"),
    "prise_en_charge": (("prise_en_charge_specifique",), PriseEnCharge, "prise en charge"),
    "dispositif": (("dispositif_programmes_nationaux",), Dispositif, "dispositif"),
    "frais": (("frais_a_charge",), Frais, "frais à charge"),
    "modalite": (("modalites_accompagnement", "modalites_acces"), None, "modalité"),
    "label": ((), Label, "label"),
}
MODALITE_TABLES = {
    "modalites_accompagnement": lookup_table(ModaliteAccompagnement),
    "modalites_acces": lookup_table(ModaliteAcces),
}


@dataclass
class LieuFilters:
    commune: list[str] = field(default_factory=list)
    departement: list[str] = field(default_factory=list)
    values: dict[str, list[str]] = field(default_factory=dict)  # filter name → raw values
    errors: list[str] = field(default_factory=list)


def _split(raw) -> list[str]:
    items = raw if isinstance(raw, list | tuple) else [raw]
    return [part.strip() for item in items if item for part in str(item).split(",") if part.strip()]


def parse_filters(params) -> LieuFilters:
    """Filters from query parameters (`QueryDict` or dict). Several values: comma-separated or repeated (OR)."""
    get = params.getlist if hasattr(params, "getlist") else (lambda k: _split(params.get(k)))
    filters = LieuFilters(commune=_split(get("commune")), departement=_split(get("departement")))
    for name in FILTERS:
        values = _split(get(name))
        if values:
            filters.values[name] = values
    return filters


def filter_lieux(queryset: LieuQuerySet, filters: LieuFilters) -> LieuQuerySet:
    """Apply public filters (AND between filters, OR inside one). Unknown values go to `filters.errors`."""
    if filters.commune:
        queryset = queryset.filter(commune_id__in=filters.commune)
    if filters.departement:
        queryset = queryset.in_departements(filters.departement)
    for name, raw_values in filters.values.items():
        fields, enum, french = FILTERS[name]
        if name == "modalite":
            by_field: dict[str, list[str]] = {}
            for raw in raw_values:
                hits = [(f, t[fold(raw)]) for f, t in MODALITE_TABLES.items() if fold(raw) in t]
                if not hits:
                    filters.errors.append(f"Valeur inconnue pour le filtre {french} : « {raw} ».")
                for f, slug in hits:
                    by_field.setdefault(f, []).append(slug)
            condition = None
            for f, slugs in by_field.items():
                part = Lieu.objects.with_any_tag(f, slugs)
                condition = part if condition is None else condition | part
            if condition is not None:
                queryset = queryset.filter(pk__in=condition.values("pk"))
            continue
        table = lookup_table(enum)
        slugs = []
        for raw in raw_values:
            slug = table.get(fold(raw))
            if slug is None:
                filters.errors.append(f"Valeur inconnue pour le filtre {french} : « {raw} ».")
            else:
                slugs.append(slug)
        if not slugs:
            continue
        if name == "label":
            union = Lieu.objects.none()
            for slug in slugs:
                union = union | Lieu.objects.with_label(slug)
            queryset = queryset.filter(pk__in=union.values("pk")) if len(slugs) > 1 else queryset.with_label(slugs[0])
        else:
            queryset = queryset.with_any_tag(fields[0], slugs)
    return queryset


def lieux_public(filters: LieuFilters | None = None) -> LieuQuerySet:
    """Every published place, with its commune, in a stable order (source, id)."""
    queryset = Lieu.objects.select_related("commune").order_by("source", "source_id", "pk")
    return filter_lieux(queryset, filters) if filters else queryset


def lieux_visible_to(user) -> LieuQuerySet:
    """Places a user manages or oversees: national team all; prefecture, hub and regional agents those of their
    départements; a structure those it owns. Anyone else: none."""
    queryset = Lieu.objects.select_related("commune", "commune__departement")
    if is_national(user):
        return queryset
    scope = Scope.for_user(user)
    condition = Q(pk__in=[])
    if scope.roles & {Role.PREFECTURE, Role.HUB, Role.ANCT} and scope.departements:
        condition |= Q(commune__departement__code__in=scope.departements)
    structures = scope.object_ids(Role.STRUCTURE)
    if structures:
        condition |= Q(structure_id__in=structures)
    return queryset.filter(condition)
