"""Reads of the evaluation app. `dashboard_figures` is the one source of every figure: page, CSV, XLSX, PDF, API.

The figures are read from the rollups, never from the raw records: the national monthly tables for the whole
country over whole months, the monthly × département tables for départements over whole months, the daily ×
advisor tables otherwise (a structure, an advisor, a period that starts or ends inside a month). All levels give
the same numbers as a GROUP BY on the raw records (tests prove it; `raw=True` computes that GROUP BY).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth

from cnfs.pilotage import rollups
from cnfs.pilotage.models import (
    RollupConseiller,
    RollupDepartementMois,
    RollupJour,
    RollupMois,
    RollupNational,
    RollupOrientationMois,
    RollupOrientationNational,
    RollupThemeMois,
    RollupThemeNational,
)
from cnfs.pilotage.permissions import NATIONAL, DashboardScope, can_view_funnel

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
# Public figures of a département are published only when at least this many advisors recorded activity in it
# during the period, so that no page or API answer describes the work of one or two identifiable people.
SECRET_MIN_CONSEILLERS = 3


def month_label(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Filters:
    date_debut: dt.date | None = None
    date_fin: dt.date | None = None
    departement: str | None = None
    structure_id: int | None = None
    conseiller_id: int | None = None
    theme: str | None = None

    @property
    def whole_months(self) -> bool:
        starts = self.date_debut is None or self.date_debut.day == 1
        ends = self.date_fin is None or (self.date_fin + dt.timedelta(days=1)).day == 1
        return starts and ends


@dataclass(frozen=True)
class Ligne:
    libelle: str
    valeurs: tuple


@dataclass
class Section:
    key: str
    titre: str
    colonnes: tuple[str, ...]  # the first names the label column
    lignes: list[Ligne]
    graphique: str | None = None  # "barres", "courbe" or None (table only)
    note: str = ""


@dataclass
class Figures:
    scope: DashboardScope
    filters: Filters
    grain: str  # which rollups answered: "quotidien", "mensuel", "national" (or "brut": the raw records)
    totaux: dict[str, int]
    sections: list[Section] = field(default_factory=list)

    @property
    def grain_label(self) -> str:
        return {
            "quotidien": "des cumuls quotidiens par conseiller",
            "mensuel": "des cumuls mensuels par département",
            "national": "des cumuls mensuels nationaux",
            "brut": "des comptes rendus d’activité",
        }[self.grain]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


def _labels():
    from cnfs.activite.enums import AGE_FIELDS, STATUT_FIELDS, Canal, Orientation, Theme, TypeAccompagnement

    return AGE_FIELDS, STATUT_FIELDS, Canal, Orientation, Theme, TypeAccompagnement


def theme_choices() -> list[tuple[str, str]]:
    return list(_labels()[4].choices)


MODELS = {
    # The daily rows hold their records' set of topics (`RollupJour.themes`): `_Source.grouped` reads them per topic.
    "fine": {"base": RollupJour, "themes": RollupJour, "orientations": RollupJour},
    "dep": {
        "base": RollupMois,
        "themes": RollupThemeMois,
        "orientations": RollupOrientationMois,
        "departements": RollupDepartementMois,
    },
    "nat": {"base": RollupNational, "themes": RollupThemeNational, "orientations": RollupOrientationNational},
}


class _Source:
    """Where figures are read: the rollups of one level (daily, monthly × département, monthly national), or the raw
    records (tests, benchmark).

    Every query of `dashboard_figures` is written once against this small interface, so that the sources answer
    exactly the same questions.
    """

    def __init__(self, *, raw: bool, level: str):
        self.raw, self.level = raw, level
        self.fine = level == "fine"
        self.day = "date" if raw else ("jour" if self.fine else "mois")
        self._advisors: dict[tuple, list[int]] = {}

    def with_level(self, level: str) -> _Source:
        source = _Source(raw=self.raw, level=level)
        source._advisors = self._advisors
        return source

    def _of(self, kind: str):
        if self.raw:
            from cnfs.activite.models import Accompagnement, AccompagnementTheme

            if kind == "themes":
                queryset = AccompagnementTheme.objects.filter(accompagnement__supprime_le__isnull=True)
                return queryset, "accompagnement__"
            return Accompagnement.objects.filter(supprime_le__isnull=True), ""
        return MODELS[self.level][kind].objects.all(), ""

    def base(self):
        return self._of("base")

    def themes(self):
        return self._of("themes")

    def orientations(self):
        return self._of("orientations")

    def departements(self):
        return self._of("departements")

    def sums(self, names, prefix: str = "") -> dict:
        if not self.raw:
            return {name: Sum(name) for name in names}
        raw = {
            "accompagnements": Count(f"{prefix}id" if prefix else "id"),
            "ateliers": Count(f"{prefix}id" if prefix else "id", filter=Q(**{f"{prefix}type": rollups.COLLECTIF})),
            "recurrents": Sum(f"{prefix}participants_recurrents"),
            "minutes": Sum(f"{prefix}duree_minutes"),
        }
        return {name: raw.get(name) or Sum(f"{prefix}{name}") for name in names}

    def month(self, prefix: str = ""):
        if self.fine or self.raw:
            return TruncMonth(f"{prefix}{self.day}")
        return F("mois")

    def restrict(self, queryset, prefix: str, scope: DashboardScope, filters: Filters):
        def q(name, value):
            return queryset.filter(**{f"{prefix}{name}": value})

        queryset = _narrow(queryset, prefix, scope, filters)
        if filters.conseiller_id is None and self.fine and not self.raw and scope.conseiller_ids is None:
            advisors = self.advisors(scope, filters)
            if advisors is not None:  # the same rows, read over the daily table's key (advisor first)
                queryset = q("conseiller_id__in", advisors)
        monthly = not (self.fine or self.raw)
        if filters.date_debut:
            start = filters.date_debut.replace(day=1) if monthly else filters.date_debut
            queryset = q(f"{self.day}__gte", start)
        if filters.date_fin:
            end = filters.date_fin.replace(day=1) if monthly else filters.date_fin
            queryset = q(f"{self.day}__lte", end)
        return queryset

    def advisors(self, scope: DashboardScope, filters: Filters) -> list[int] | None:
        """Ids of the advisors with activity in the territory or structures asked for (None: no such limit), read
        once per dashboard from `RollupConseiller`: the daily table has no index on territory or structure."""
        key = (
            None if scope.departements is None else tuple(sorted(scope.departements)),
            None if scope.structure_ids is None else tuple(sorted(scope.structure_ids)),
            filters.departement,
            filters.structure_id,
        )
        if key == (None, None, None, None):
            return None
        if key not in self._advisors:
            self._advisors[key] = advisors_with_activity(scope, filters)
        return self._advisors[key]

    def query(self, kind: str, scope: DashboardScope, filters: Filters):
        queryset, prefix = getattr(self, kind)()
        return self.restrict(queryset, prefix, scope, filters), prefix

    def grouped(self, kind, scope, filters, key, names, *, theme: str | None = None) -> dict:
        """{key value: {measure: sum}} for one breakdown. `key` is a field name, "mois", or a tuple of them (then
        the dict is keyed by tuples: one query answers several breakdowns)."""
        queryset, prefix = self.query(kind, scope, filters)
        keys = key if isinstance(key, tuple) else (key,)
        if kind == "themes" and self.fine and not self.raw:  # daily rows holding sets of topics
            return self._per_topic(queryset, keys, names, theme, tuple_keys=isinstance(key, tuple))
        if theme:
            queryset = queryset.filter(theme=theme)
        return self._sums_by(queryset, prefix, keys, names, tuple_keys=isinstance(key, tuple))

    def _sums_by(self, queryset, prefix: str, keys: tuple, names, *, tuple_keys: bool) -> dict:
        def expression(name):
            if name == "mois":
                return self.month(prefix)
            return F("theme" if name == "theme" else f"{prefix}{name}")

        aliases = {f"k{i}": expression(name) for i, name in enumerate(keys)}
        rows = queryset.values(**aliases).annotate(**self.sums(names, prefix)).order_by()
        width = len(keys)
        months = [i for i, name in enumerate(keys) if name == "mois"]
        result = {}
        for row in rows.values_list(*aliases, *names):
            key = row[:width]
            if months and isinstance(key[months[0]], dt.datetime):  # TruncMonth gives datetimes on some backends
                key = tuple(v.date() if isinstance(v, dt.datetime) else v for v in key)
            result[key if tuple_keys else key[0]] = dict(zip(names, [v or 0 for v in row[width:]], strict=True))
        return result

    def _per_topic(self, queryset, keys: tuple, names, theme: str | None, *, tuple_keys: bool) -> dict:
        """`grouped` for topics from the daily rows, which hold their records' set of topics (`RollupJour.themes`):
        the rows carrying `theme` when one is asked; by topic, summed per set of topics in SQL (a few hundred sets
        at most), then each set counted once under each of its topics, as the raw records count."""
        if theme:
            queryset = queryset.alias(has_theme=F("themes").bitand(rollups.TOPIC_BIT[theme])).filter(has_theme__gt=0)
        if "theme" not in keys:
            return self._sums_by(queryset, "", keys, names, tuple_keys=tuple_keys)
        position = keys.index("theme")
        by_set = self._sums_by(
            queryset, "", tuple("themes" if k == "theme" else k for k in keys), names, tuple_keys=True
        )
        result: dict = {}
        for key, row in by_set.items():
            for topic in [theme] if theme else rollups.topics_of(key[position]):
                grouped_key = (*key[:position], topic, *key[position + 1 :]) if tuple_keys else topic
                target = result.setdefault(grouped_key, dict.fromkeys(names, 0))
                for name in names:
                    target[name] += row[name]
        return result


def _months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


def _hours(minutes: int) -> int:
    return (minutes + 30) // 60


def rollup_level(scope: DashboardScope, filters: Filters) -> str:
    """The coarsest rollups that answer: national tables for the whole country over whole months, monthly ×
    département tables for départements over whole months, the daily table otherwise."""
    territorial = scope.territorial and filters.structure_id is None and filters.conseiller_id is None
    if not (territorial and filters.whole_months):
        return "fine"
    return "nat" if scope.departements is None and not filters.departement else "dep"


def dashboard_figures(
    scope: DashboardScope, filters: Filters, *, funnel: bool = True, coverage: bool = True, raw: bool = False
) -> Figures:
    """Every indicator of a dashboard for `scope` narrowed by `filters` (already checked against the scope).

    With a topic filter the figures count the records that carry the topic; they are then not broken down by type,
    channel, orientation or topic (the topic rollups do not hold those dimensions), and the page says so.
    `raw=True` computes the same figures by GROUP BY on the raw records (tests and benchmark only).
    """
    age_fields, statut_fields, canal_enum, orientation_enum, theme_enum, type_enum = _labels()
    level = rollup_level(scope, filters)
    src = _Source(raw=raw, level=level)
    theme = filters.theme
    measured_kind = "themes" if theme else "base"
    note_theme = "Non ventilé lorsqu’un thème est choisi." if theme else ""
    pair = ("accompagnements", "participants")
    zero = dict.fromkeys(rollups.MEASURES, 0)

    # One query gives the totals, the types, the channels and the monthly trend (a few hundred rows at most).
    if theme:
        cells = {
            (m, "", ""): row
            for m, row in src.grouped("themes", scope, filters, "mois", rollups.MEASURES, theme=theme).items()
        }
    else:
        cells = src.grouped("base", scope, filters, ("mois", "type", "canal"), rollups.MEASURES)

    def rollup(position: int, names=rollups.MEASURES) -> dict:
        result: dict = {}
        for key, row in cells.items():
            target = result.setdefault(key[position], dict.fromkeys(names, 0))
            for name in names:
                target[name] += row[name]
        return result

    totals = {name: sum(row[name] for row in cells.values()) for name in rollups.MEASURES}
    by_type = {} if theme else rollup(1)

    grain = "brut" if raw else {"fine": "quotidien", "dep": "mensuel", "nat": "national"}[level]
    figures = Figures(scope=scope, filters=filters, grain=grain, totaux=totals)
    add = figures.sections.append
    add(
        Section(
            "chiffres_cles",
            "Chiffres clés",
            ("Indicateur", "Valeur"),
            [
                Ligne("Accompagnements", (totals["accompagnements"],)),
                Ligne("Ateliers collectifs", (totals["ateliers"],)),
                Ligne("Participants", (totals["participants"],)),
                Ligne("Dont participants déjà accompagnés", (totals["recurrents"],)),
                Ligne("Heures d’accompagnement", (_hours(totals["minutes"]),)),
            ],
        )
    )

    by_month = rollup(0, pair)
    if by_month or (filters.date_debut and filters.date_fin):
        first = filters.date_debut or min(by_month)
        last = filters.date_fin or max(by_month)
        months = _months_between(first, last)
        if len(months) > 240:  # a silly period: list the months that have records only
            months = sorted(by_month)
    else:
        months = []
    add(
        Section(
            "mensuel",
            "Évolution mensuelle",
            ("Mois", "Accompagnements", "Participants"),
            [
                Ligne(month_label(month), (row["accompagnements"], row["participants"]))
                for month in months
                for row in [by_month.get(month, zero)]
            ],
            graphique="courbe",
        )
    )

    topic_rows = src.grouped("themes", scope, filters, "theme", pair, theme=theme)
    labels = dict(theme_enum.choices)
    ordered = sorted(topic_rows.items(), key=lambda kv: (-kv[1]["accompagnements"], labels.get(kv[0], kv[0])))
    add(
        Section(
            "themes",
            "Thèmes des accompagnements",
            ("Thème", "Accompagnements", "Participants"),
            [
                Ligne(labels.get(code, code), (row["accompagnements"], row["participants"]))
                for code, row in ordered
                if row["accompagnements"]
            ],
            graphique="barres",
            note="Un accompagnement qui porte sur plusieurs thèmes compte une fois sous chacun.",
        )
    )

    def breakdown(key, title, first, enum, rows, names=pair):
        lines = [] if theme else [Ligne(label, tuple(rows.get(code, zero)[n] for n in names)) for code, label in enum]
        return Section(key, title, (first, *(n.capitalize() for n in names)), lines, "barres", note_theme)

    add(breakdown("types", "Types d’accompagnement", "Type", type_enum.choices, by_type))
    canal_rows = {} if theme else rollup(2, pair)
    add(breakdown("canaux", "Lieux de l’accompagnement", "Lieu", canal_enum.choices, canal_rows))
    add(
        Section(
            "ages",
            "Participants par tranche d’âge",
            ("Tranche d’âge", "Participants"),
            [Ligne(label, (totals[name],)) for name, label in age_fields],
            graphique="barres",
        )
    )
    add(
        Section(
            "situations",
            "Participants par situation",
            ("Situation", "Participants"),
            [Ligne(label, (totals[name],)) for name, label in statut_fields],
            graphique="barres",
        )
    )
    orientation_rows = {} if theme else src.grouped("orientations", scope, filters, "orientation", pair)
    add(
        breakdown(
            "orientations",
            "Orientations vers un autre organisme",
            "Orientation",
            [*orientation_enum.choices, ("", "Sans orientation")],
            orientation_rows,
            names=("accompagnements",),
        )
    )

    if scope.territorial and not filters.departement and (scope.departements is None or len(scope.departements) > 1):
        from cnfs.territoires.models import Departement

        names = dict(Departement.objects.values_list("code", "nom"))
        by_dep = src.with_level("dep") if level == "nat" else src
        kind = "departements" if level == "nat" and not theme else measured_kind
        rows = by_dep.grouped(kind, scope, filters, "departement_code", pair, theme=theme)
        add(
            Section(
                "departements",
                "Par département",
                ("Département", "Accompagnements", "Participants"),
                [
                    Ligne(
                        f"{names.get(code, 'Sans département')} ({code or '—'})",
                        (row["accompagnements"], row["participants"]),
                    )
                    for code, row in sorted(rows.items())
                ],
            )
        )

    if scope.departements is None and not filters.departement:
        territory = None
    else:
        territory = [filters.departement] if filters.departement else sorted(scope.departements)
    if funnel and can_view_funnel(scope):
        add(funnel_section(territory, filters))
    if coverage and can_view_funnel(scope):
        section = coverage_section(territory)
        if section is not None:
            add(section)
    return figures


def funnel_section(departements: list[str] | None, filters: Filters | None = None) -> Section:
    """Du recrutement au terrain: people of the programme by stage today, by the département of their commune;
    with a period, only the candidatures filed during it (the cohort of the period, at its stage today)."""
    from cnfs.recrutement.enums import EtapeConseiller
    from cnfs.recrutement.models import Candidature

    filters = filters or Filters()
    queryset = Candidature.objects.all()
    if departements is not None:
        queryset = queryset.filter(commune__departement__code__in=departements)
    if filters.date_debut:
        queryset = queryset.filter(created_at__date__gte=filters.date_debut)
    if filters.date_fin:
        queryset = queryset.filter(created_at__date__lte=filters.date_fin)
    counts = dict(queryset.values_list("etape").annotate(n=Count("id")).order_by())
    if filters.date_debut or filters.date_fin:
        note = "Candidatures déposées pendant la période, à leur étape d’aujourd’hui, par département de résidence."
    else:
        note = "Situation à ce jour des candidatures, par département de résidence."
    return Section(
        "entonnoir",
        "Du recrutement au terrain",
        ("Étape", "Personnes"),
        [Ligne(label, (counts.get(code, 0),)) for code, label in EtapeConseiller.choices],
        graphique="barres",
        note=note,
    )


def coverage_section(departements: list[str] | None) -> Section | None:
    """Coverage of the territory by places of digital mediation (estimated travel times, see the places app)."""
    from cnfs.lieux.maillage import selectors as maillage

    try:
        coverage = maillage.territory_coverage(departements, limit=1)
    except (ValueError, IndexError):  # no commune with coordinates, or no place at all yet
        return None
    total = coverage.total
    lines = [Ligne("Population", (total.population,))]
    for minutes, inhabitants in sorted(total.within.items()):
        share = round(100 * inhabitants / total.population, 1) if total.population else 0.0
        lines.append(Ligne(f"Part de la population à {minutes} min ou moins (%)", (share,)))
    lines.append(Ligne("Habitants au-delà de 30 min", (total.beyond_population,)))
    return Section(
        "couverture",
        "Couverture par les lieux de médiation numérique",
        ("Indicateur", "Valeur"),
        lines,
        note="Temps de trajet estimés (distance à vol d’oiseau × détour ÷ vitesse), sans réseau routier.",
    )


# --- Scope checks that need data ---------------------------------------------------------------------------------
def _narrow(queryset, prefix: str, scope: DashboardScope, filters: Filters):
    """`queryset` limited to the territory, structures and advisors of `scope` and `filters` (no period)."""

    def q(name, value):
        return queryset.filter(**{f"{prefix}{name}": value})

    if scope.departements is not None:
        queryset = q("departement_code__in", sorted(scope.departements))
    if scope.structure_ids is not None:
        queryset = q("structure_id__in", sorted(scope.structure_ids))
    if scope.conseiller_ids is not None:
        queryset = q("conseiller_id__in", sorted(scope.conseiller_ids))
    if filters.departement:
        queryset = q("departement_code", filters.departement)
    if filters.structure_id is not None:
        queryset = q("structure_id", filters.structure_id)
    if filters.conseiller_id is not None:
        queryset = q("conseiller_id", filters.conseiller_id)
    return queryset


def _advisor_rows(scope: DashboardScope, filters: Filters):
    return _narrow(RollupConseiller.objects.filter(accompagnements__gt=0), "", scope, filters)


def advisors_with_activity(scope: DashboardScope, filters: Filters) -> list[int]:
    """Ids of the advisors with at least one record (any period) inside `scope` narrowed by `filters`."""
    return sorted(set(_advisor_rows(scope, filters).values_list("conseiller_id", flat=True)))


def conseiller_in_scope(scope: DashboardScope, conseiller_id: int) -> bool:
    """An advisor is in a scope when their own records are: at least one of them lies inside it."""
    if scope.national:
        return True
    return _advisor_rows(scope, Filters(conseiller_id=conseiller_id)).exists()


def conseillers_of(scope: DashboardScope, limit: int = 500) -> list[tuple[int, str]]:
    """(id, name) of the advisors with activity in `scope`, for the filter list (None past `limit`)."""
    from cnfs.core.models import User

    ids = _advisor_rows(scope, Filters()).values("conseiller_id")
    users = User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "pk")
    rows = list(users.values_list("pk", "first_name", "last_name", "email")[: limit + 1])
    return [(pk, f"{first} {last}".strip() or email) for pk, first, last, email in rows]


def public_secret(filters: Filters) -> bool:
    """True when the département asked for has fewer than `SECRET_MIN_CONSEILLERS` active advisors in the period."""
    if not filters.departement:
        return False
    advisors = advisors_with_activity(NATIONAL, Filters(departement=filters.departement))
    if len(advisors) < SECRET_MIN_CONSEILLERS:
        return True
    queryset = RollupJour.objects.filter(departement_code=filters.departement, conseiller_id__in=advisors)
    if filters.date_debut:
        queryset = queryset.filter(jour__gte=filters.date_debut)
    if filters.date_fin:
        queryset = queryset.filter(jour__lte=filters.date_fin)
    advisors = queryset.values("conseiller_id").distinct()[:SECRET_MIN_CONSEILLERS]
    return len(advisors) < SECRET_MIN_CONSEILLERS


def rollups_verify(*, samples: int = 5) -> list[rollups.Difference]:
    """Each rollup table against a GROUP BY of the raw records (active ones), with a few differing rows."""
    return [rollups.compare(spec, samples=samples) for spec in rollups.SPECS]
