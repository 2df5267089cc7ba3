"""Every invariant of the programme's money, recomputed from the rows: `cnfs financement verifier` prints them.

Each check reads with grouped queries (no per-row query) and returns French descriptions of the breaches found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Sum

from cnfs.financement.enums import (
    STATUTS_MOBILIER_ENGAGES,
    STATUTS_SIGNES,
    StatutConvention,
    StatutDemandeMobilier,
    StatutVersement,
)
from cnfs.financement.models import Convention, DemandeMobilier, Enveloppe, Liberation, Versement
from cnfs.financement.money import euros


@dataclass
class Check:
    label: str
    checked: int = 0
    breaches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaches


@dataclass
class Report:
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def breach_count(self) -> int:
        return sum(len(check.breaches) for check in self.checks)


def _sums(queryset, key: str, value: str) -> dict:
    return dict(queryset.order_by().values_list(key).annotate(s=Sum(value)).values_list(key, "s"))


def _signed():
    return Convention.objects.filter(statut__in=[s.value for s in STATUTS_SIGNES])


def check_envelopes() -> list[Check]:
    committed = Check(
        "Montant engagé de chaque enveloppe = conventions signées (nettes) + aides au mobilier accordées"
    )
    paid = Check("Montant versé de chaque enveloppe = échéances payées + aides au mobilier versées")
    bounds = Check("Versé ≤ engagé ≤ montant de chaque enveloppe")
    conv_total = _sums(_signed(), "enveloppe_id", "montant_total")
    conv_freed = _sums(_signed(), "enveloppe_id", "montant_libere")
    grants = _sums(
        DemandeMobilier.objects.filter(statut__in=[s.value for s in STATUTS_MOBILIER_ENGAGES]),
        "enveloppe_id",
        "montant",
    )
    paid_instalments = _sums(
        Versement.objects.filter(statut=StatutVersement.PAYE), "convention__enveloppe_id", "montant"
    )
    paid_grants = _sums(DemandeMobilier.objects.filter(statut=StatutDemandeMobilier.VERSEE), "enveloppe_id", "montant")
    for env in Enveloppe.objects.order_by("id"):
        expected = conv_total.get(env.pk, 0) - conv_freed.get(env.pk, 0) + grants.get(env.pk, 0)
        committed.checked += 1
        if env.engage != expected:
            committed.breaches.append(
                f"Enveloppe « {env.libelle} » : engagé enregistré {euros(env.engage)}, recalculé {euros(expected)} "
                f"(écart {euros(env.engage - expected)})."
            )
        expected_paid = paid_instalments.get(env.pk, 0) + paid_grants.get(env.pk, 0)
        paid.checked += 1
        if env.verse != expected_paid:
            paid.breaches.append(
                f"Enveloppe « {env.libelle} » : versé enregistré {euros(env.verse)}, recalculé {euros(expected_paid)}."
            )
        bounds.checked += 1
        if not 0 <= env.verse <= env.engage <= env.montant:
            bounds.breaches.append(
                f"Enveloppe « {env.libelle} » : versé {euros(env.verse)}, engagé {euros(env.engage)}, "
                f"montant {euros(env.montant)}."
            )
    return [committed, paid, bounds]


def check_conventions() -> list[Check]:
    schedule = Check("Échéancier de chaque convention signée = subvention nette, au centime")
    paid = Check("Payé ≤ subvention nette de chaque convention")
    total = Check("Subvention totale = subvention par poste × postes ; libéré = somme des départs")
    quota = Check("Postes sous convention ≤ postes accordés par le comité")
    unsigned = Check("Aucun versement mandaté ou payé sur une convention non signée")
    planned = _sums(Versement.objects.all(), "convention_id", "montant")
    paid_sums = _sums(Versement.objects.filter(statut=StatutVersement.PAYE), "convention_id", "montant")
    freed = _sums(Liberation.objects.all(), "convention_id", "montant")
    for c in (
        _signed().order_by("id").only("id", "montant_total", "montant_libere", "montant_par_poste", "nombre_postes")
    ):
        schedule.checked += 1
        if planned.get(c.pk, 0) != c.montant_net:
            schedule.breaches.append(
                f"Convention n° {c.pk} : échéances {euros(planned.get(c.pk, 0))}, subvention nette "
                f"{euros(c.montant_net)}."
            )
        paid.checked += 1
        if paid_sums.get(c.pk, 0) > c.montant_net:
            paid.breaches.append(
                f"Convention n° {c.pk} : payé {euros(paid_sums[c.pk])} "
                f"au-delà de la subvention {euros(c.montant_net)}."
            )
    for c in Convention.objects.order_by("id").only(
        "id", "montant_total", "montant_libere", "montant_par_poste", "nombre_postes"
    ):
        total.checked += 1
        if c.montant_total != c.montant_par_poste * c.nombre_postes or c.montant_libere != freed.get(c.pk, 0):
            total.breaches.append(
                f"Convention n° {c.pk} : total {euros(c.montant_total)} pour {c.nombre_postes} × "
                f"{euros(c.montant_par_poste)}, libéré {euros(c.montant_libere)} pour des départs de "
                f"{euros(freed.get(c.pk, 0))}."
            )
    # A convention being renewed hands its posts over to its successor: count the successor only.
    held = (
        Convention.objects.filter(statut__in=[StatutConvention.EN_COURS, StatutConvention.VALIDEE])
        .order_by()
        .values("structure_id", "structure__nom", "structure__postes_accordes")
        .annotate(n=Sum("nombre_postes"))
    )
    for row in held:
        quota.checked += 1
        if row["n"] > row["structure__postes_accordes"]:
            quota.breaches.append(
                f"{row['structure__nom']} : {row['n']} poste(s) sous convention pour "
                f"{row['structure__postes_accordes']} accordé(s)."
            )
    bad = (
        Versement.objects.exclude(statut=StatutVersement.PREVU)
        .exclude(convention__statut__in=[s.value for s in STATUTS_SIGNES])
        .values_list("convention_id", "numero")
    )
    unsigned.checked = Versement.objects.exclude(statut=StatutVersement.PREVU).count()
    unsigned.breaches += [f"Convention n° {cid} : échéance {n} mandatée ou payée sans signature." for cid, n in bad]
    return [schedule, paid, total, quota, unsigned]


def check_grants() -> list[Check]:
    destination = Check(
        "Aides au mobilier imputées sur une enveloppe « Lieux et mobilier », conventions sur une "
        "enveloppe « conseillers »"
    )
    wrong = DemandeMobilier.objects.exclude(enveloppe__destination="mobilier").values_list("pk", flat=True)
    wrong_conv = Convention.objects.exclude(enveloppe__destination="conseillers").values_list("pk", flat=True)
    destination.checked = DemandeMobilier.objects.count() + Convention.objects.count()
    destination.breaches += [f"Demande d’aide au mobilier n° {pk} imputée sur une autre enveloppe." for pk in wrong]
    destination.breaches += [f"Convention n° {pk} imputée sur une autre enveloppe." for pk in wrong_conv]
    return [destination]


def verify() -> Report:
    """Run every check; a report whose `ok` is False lists each breach in French."""
    return Report(checks=[*check_envelopes(), *check_conventions(), *check_grants()])
