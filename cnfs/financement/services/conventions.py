"""Conventions State ↔ structure: computed subsidy, quota, signature against the envelope, renewal, departures."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Sum

from cnfs.core.models import User
from cnfs.core.services import audit_log
from cnfs.financement import permissions
from cnfs.financement.enums import STATUTS_OCCUPANT_QUOTA, Destination, Modalite, Phase, StatutConvention
from cnfs.financement.models import SUBVENTION_MAX, SUBVENTION_MIN, Bareme, Convention, Enveloppe, Liberation, Smic
from cnfs.financement.money import euros, months_used, prorata_freed
from cnfs.financement.services._common import forbid, refuse, snapshot, today_or
from cnfs.financement.services.enveloppes import commit, lock_enveloppe, release
from cnfs.financement.services.versements import (
    default_schedule,
    lock_convention,
    planned_total,
    reduce_planned,
    write_schedule,
)
from cnfs.recrutement.models import Structure
from cnfs.recrutement.services import lock_structure

CONVENTION_FIELDS = ("statut", "nombre_postes", "montant_total", "montant_libere", "signee_le")


def smic_at(day: datetime.date) -> Smic | None:
    """The SMIC revaluation in force on `day`."""
    return Smic.objects.filter(date_effet__lte=day).order_by("-date_effet").first()


def subsidy_per_post(*, bareme: Bareme, date_debut: datetime.date) -> tuple[int, Smic | None]:
    """(cents per post, SMIC used) under `bareme` for a convention starting on `date_debut`.

    A share of the SMIC is taken of its monthly gross amount in force at the start, over the barème's duration,
    rounded to the cent. Refused in French outside the programme's bounds (40,000–50,000 € per post).
    """
    smic = None
    if bareme.modalite == Modalite.FORFAIT:
        amount = bareme.montant_forfait
    else:
        smic = smic_at(date_debut)
        if smic is None:
            refuse(
                f"Aucune valeur du SMIC n’est connue au {date_debut:%d/%m/%Y} : ajoutez-la à la table du SMIC.",
                field="date_debut",
            )
        amount = (smic.montant_mensuel_brut * bareme.taux_smic * bareme.duree_mois + 50) // 100
    if not SUBVENTION_MIN <= amount <= SUBVENTION_MAX:
        detail = (
            f" ({bareme.taux_smic} % de {euros(smic.montant_mensuel_brut)} × {bareme.duree_mois} mois)" if smic else ""
        )
        refuse(
            f"La subvention calculée, {euros(amount)} par poste{detail}, sort des bornes du programme : "
            f"entre {euros(SUBVENTION_MIN)} et {euros(SUBVENTION_MAX)} par poste. Choisissez un autre barème.",
            field="bareme",
            code="subvention_hors_bornes",
        )
    return amount, smic


def _posts_under_convention(structure: Structure, *, exclude: tuple[int | None, ...] = ()) -> int:
    queryset = structure.conventions.filter(statut__in=[s.value for s in STATUTS_OCCUPANT_QUOTA])
    return queryset.exclude(pk__in=[pk for pk in exclude if pk]).aggregate(n=Sum("nombre_postes"))["n"] or 0


def _check_quota(structure: Structure, nombre_postes: int, *, exclude: tuple[int | None, ...] = ()) -> None:
    held = _posts_under_convention(structure, exclude=exclude)
    if held + nombre_postes > structure.postes_accordes:
        already = f", dont {held} déjà sous convention" if held else ""
        refuse(
            f"Le comité de sélection a accordé {structure.postes_accordes} poste(s) à {structure.nom}{already} : "
            f"une convention de {nombre_postes} poste(s) dépasse ce quota.",
            field="nombre_postes",
            code="quota_depasse",
        )


def _envelope_for(enveloppe: Enveloppe | None, date_debut: datetime.date) -> Enveloppe:
    if enveloppe is None:
        enveloppe = (
            Enveloppe.objects.filter(
                destination=Destination.CONSEILLERS, date_debut__lte=date_debut, date_fin__gte=date_debut
            )
            .order_by("id")
            .first()
        )
        if enveloppe is None:
            refuse(
                f"Aucune enveloppe « conseillers numériques » ne couvre le {date_debut:%d/%m/%Y}.",
                field="date_debut",
            )
    if enveloppe.destination != Destination.CONSEILLERS:
        refuse("Les conventions sont financées par une enveloppe « conseillers numériques ».", field="enveloppe")
    if not enveloppe.date_debut <= date_debut <= enveloppe.date_fin:
        refuse(
            f"Le début de la convention doit tomber dans la période de l’enveloppe "
            f"({enveloppe.date_debut:%d/%m/%Y} – {enveloppe.date_fin:%d/%m/%Y}).",
            field="date_debut",
        )
    return enveloppe


def _draft(
    *,
    actor: User,
    structure: Structure,
    bareme: Bareme,
    nombre_postes: int,
    date_debut: datetime.date,
    enveloppe: Enveloppe | None,
    precedente: Convention | None,
) -> Convention:
    if nombre_postes is None or nombre_postes < 1:
        refuse("Une convention porte sur au moins un poste.", field="nombre_postes")
    if date_debut is None:
        refuse("Indiquez la date de début de la convention.", field="date_debut")
    if not bareme.actif:
        refuse("Ce barème n’est plus proposé aux nouvelles conventions.", field="bareme")
    if not bareme.applies_to(structure.type):
        refuse(
            f"Le barème « {bareme.libelle} » ne s’applique pas à une structure de type "
            f"« {structure.get_type_display()} ».",
            field="bareme",
        )
    enveloppe = _envelope_for(enveloppe, date_debut)
    _check_quota(structure, nombre_postes, exclude=(precedente.pk if precedente else None,))
    per_post, smic = subsidy_per_post(bareme=bareme, date_debut=date_debut)
    return Convention.objects.create(
        structure=structure,
        enveloppe=enveloppe,
        bareme=bareme,
        precedente=precedente,
        phase=Phase.RECONVENTIONNEMENT if precedente else Phase.CONVENTIONNEMENT,
        nombre_postes=nombre_postes,
        date_debut=date_debut,
        duree_mois=bareme.duree_mois,
        smic_reference=smic,
        montant_par_poste=per_post,
        montant_total=per_post * nombre_postes,
        created_by=actor,
    )


def _audit(actor, action, convention, before, request, **extra):
    audit_log(
        actor=actor,
        action=f"financement.{action}",
        target=convention,
        before=before,
        after={**snapshot(convention, *CONVENTION_FIELDS), **extra},
        request=request,
    )


@transaction.atomic
def convention_create(
    *,
    actor: User,
    structure: Structure,
    bareme: Bareme,
    nombre_postes: int,
    date_debut: datetime.date,
    enveloppe: Enveloppe | None = None,
    request=None,
) -> Convention:
    """The national team drafts a convention for N posts, N within the posts the committee granted.

    The structure's row is locked while counting the posts already under convention, so two drafts at once never
    exceed the quota together.
    """
    if not permissions.can_manage_budget(actor):
        forbid("Seule l’équipe nationale établit les conventions.")
    structure = lock_structure(structure)
    convention = _draft(
        actor=actor,
        structure=structure,
        bareme=bareme,
        nombre_postes=nombre_postes,
        date_debut=date_debut,
        enveloppe=enveloppe,
        precedente=None,
    )
    _audit(actor, "convention_create", convention, None, request)
    return convention


@transaction.atomic
def reconventionnement_initiate(
    *,
    actor: User,
    convention: Convention,
    bareme: Bareme,
    nombre_postes: int,
    date_debut: datetime.date,
    enveloppe: Enveloppe | None = None,
    request=None,
) -> Convention:
    """The national team offers a signed convention's structure a new convention that takes over its posts."""
    if not permissions.can_manage_budget(actor):
        forbid("Seule l’équipe nationale initie les reconventionnements.")
    structure = lock_structure(convention.structure)
    previous = lock_convention(convention)
    if previous.statut != StatutConvention.VALIDEE:
        refuse(
            f"Seule une convention validée peut être reconduite (celle-ci est « {previous.get_statut_display()} »)."
        )
    before = snapshot(previous, *CONVENTION_FIELDS)
    successor = _draft(
        actor=actor,
        structure=structure,
        bareme=bareme,
        nombre_postes=nombre_postes,
        date_debut=date_debut,
        enveloppe=enveloppe,
        precedente=previous,
    )
    previous.statut = StatutConvention.RECONVENTIONNEMENT_INITIE
    previous.save(update_fields=["statut", "updated_at"])
    _audit(actor, "reconventionnement_initiate", previous, before, request, suivante=successor.pk)
    _audit(actor, "convention_create", successor, None, request)
    return successor


@transaction.atomic
def convention_sign(
    *, actor: User, convention: Convention, date_signature: datetime.date | None = None, request=None
) -> Convention:
    """The structure signs its convention: the whole subsidy is committed against the envelope.

    Never beyond the envelope: its row is locked before checking what remains, so that concurrent signatures
    queue up and the ones that no longer fit are refused; the database refuses `engage > montant` in any case.
    Signing also writes the default payment schedule (one instalment per year, to the cent).
    """
    if not permissions.can_sign_convention(actor, convention):
        forbid("Vous ne pouvez pas signer cette convention.")
    structure = lock_structure(convention.structure)
    convention = lock_convention(convention)
    if convention.statut != StatutConvention.EN_COURS:
        refuse(f"Cette convention ne peut plus être signée : elle est « {convention.get_statut_display()} ».")
    # The quota may have shrunk since the draft (posts given back): check again, the draft and the convention it
    # renews aside.
    _check_quota(structure, convention.nombre_postes, exclude=(convention.pk, convention.precedente_id))
    before = snapshot(convention, *CONVENTION_FIELDS)
    day = today_or(date_signature)
    enveloppe = lock_enveloppe(convention.enveloppe_id)
    commit(enveloppe, convention.montant_total, what=f"la convention n° {convention.pk}")
    convention.statut = StatutConvention.VALIDEE
    convention.signee_le = day
    convention.signee_par = actor
    convention.save(update_fields=["statut", "signee_le", "signee_par", "updated_at"])
    if convention.precedente_id is not None:
        Convention.objects.filter(pk=convention.precedente_id).update(
            statut=StatutConvention.RECONVENTIONNEMENT_VALIDE
        )
    if not convention.versements.exists():
        write_schedule(convention, default_schedule(convention, first=max(day, convention.date_debut)))
    _audit(actor, "convention_sign", convention, before, request, engage=enveloppe.engage)
    return convention


@transaction.atomic
def convention_decline(*, actor: User, convention: Convention, request=None) -> Convention:
    """The structure is not interested: the draft is closed without committing anything; a renewed convention
    goes back to "validée"."""
    if not permissions.can_sign_convention(actor, convention):
        forbid("Vous ne pouvez pas répondre pour cette structure.")
    lock_structure(convention.structure)
    convention = lock_convention(convention)
    if convention.statut != StatutConvention.EN_COURS:
        refuse(f"Cette convention est déjà « {convention.get_statut_display()} ».")
    before = snapshot(convention, *CONVENTION_FIELDS)
    convention.statut = StatutConvention.NON_INTERESSE
    convention.save(update_fields=["statut", "updated_at"])
    if convention.precedente_id is not None:
        Convention.objects.filter(pk=convention.precedente_id).update(statut=StatutConvention.VALIDEE)
    _audit(actor, "convention_decline", convention, before, request)
    return convention


def _current_convention(structure: Structure, day: datetime.date) -> Convention | None:
    """The structure's signed convention in force on `day` (the latest one if several)."""
    candidates = structure.conventions.filter(
        statut__in=[StatutConvention.VALIDEE, StatutConvention.RECONVENTIONNEMENT_INITIE], date_debut__lte=day
    ).order_by("-date_debut", "-id")
    for convention in candidates:
        if day < convention.date_fin:
            return convention
    return None


@transaction.atomic
def convention_release_on_departure(
    *,
    structure: Structure,
    date_depart: datetime.date,
    date_prise_poste: datetime.date | None = None,
    rupture=None,
    actor: User | None = None,
    request=None,
) -> int:
    """An advisor left early: free the months of their post not used, pro rata, back to the envelope.

    Months used run from the later of the convention's start and the advisor's start (`date_prise_poste`) to the
    departure, a started month counting as used. The freed amount is the per-post subsidy × unused months ÷
    duration, rounded down to the cent, and never more than the instalments still planned (money mandated or paid
    is not taken back). It comes off the latest planned instalments, the convention's net subsidy and the envelope's
    committed total. Returns the cents freed (0 without a signed convention in force). One release per rupture:
    calling again for the same rupture frees nothing more.
    """
    if rupture is not None:
        existing = Liberation.objects.filter(rupture=rupture).first()
        if existing is not None:
            return 0
    current = _current_convention(structure, date_depart)
    if current is None:
        return 0
    convention = lock_convention(current)
    start = max(convention.date_debut, date_prise_poste or convention.date_debut)
    used = months_used(start, date_depart, convention.duree_mois)
    wanted = prorata_freed(convention.montant_par_poste, convention.duree_mois, used)
    freed = min(wanted, planned_total(convention), convention.montant_net)
    freed = reduce_planned(convention, freed)
    before = snapshot(convention, *CONVENTION_FIELDS)
    Liberation.objects.create(
        convention=convention, rupture=rupture, date_depart=date_depart, mois_utilises=used, montant=freed
    )
    if freed:
        convention.montant_libere += freed
        convention.save(update_fields=["montant_libere", "updated_at"])
        release(lock_enveloppe(convention.enveloppe_id), freed)
    _audit(actor, "convention_release_on_departure", convention, before, request, mois_utilises=used, libere=freed)
    return freed
