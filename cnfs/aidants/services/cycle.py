"""Scheduled lifecycle of Aidants Connect (ac-life), run by `cnfs aidants inactivite|echeances|anonymiser`.

Every task is idempotent: what it did is recorded on the rows it touched (warning date, announcement date, expiry
journaled, anonymisation date), so a second run the same day does nothing more. Each row is handled in its own
transaction (its change and its journal entry together).
"""

from __future__ import annotations

import datetime
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from cnfs.aidants.emails import queue_email
from cnfs.aidants.enums import ActionJournal, DureeMandat, StatutAidant, add_months
from cnfs.aidants.models import Aidant, Mandat, Usager
from cnfs.aidants.services.journal import journal_append
from cnfs.aidants.services.mandats import usager_names_sync
from cnfs.core.enums import Role, ScopeType
from cnfs.core.models import RoleAssignment

ANONYMISED_NAME = "Anonymisé"
ANONYMISED_BIRTHDATE = datetime.date(1900, 1, 1)  # sentinel: the column stays NOT NULL for the display code
LONG_MANDATES = (DureeMandat.SIX_MOIS, DureeMandat.DOUZE_MOIS)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# --- Inactivity ---------------------------------------------------------------------------------------------------


@dataclass
class InactiviteReport:
    averti: int = 0
    desactive: int = 0

    def message(self) -> str:
        return f"{self.averti} aidant(s) averti(s) de leur inactivité, {self.desactive} aidant(s) désactivé(s)."


def aidants_inactivite(*, now: datetime.datetime | None = None) -> InactiviteReport:
    """Habilitated aidants without an act for `AIDANTS_INACTIVITE_MOIS` months (6) are warned by e-mail; those still
    inactive `AIDANTS_INACTIVITE_GRACE_JOURS` days (30) after the warning are deactivated. Without any act yet, the
    habilitation date counts as the last activity."""
    now = now or timezone.now()
    threshold = add_months(now, -_setting("AIDANTS_INACTIVITE_MOIS", 6))
    grace = datetime.timedelta(days=_setting("AIDANTS_INACTIVITE_GRACE_JOURS", 30))
    report = InactiviteReport()
    candidates = (
        Aidant.objects.filter(statut=StatutAidant.HABILITE)
        .annotate(reference=Coalesce("last_activity_at", "validated_at"))
        .filter(reference__lt=threshold)
        .values_list("pk", flat=True)
    )
    for pk in list(candidates):
        with transaction.atomic():
            aidant = (
                Aidant.objects.select_for_update(of=("self",))
                .select_related("user", "organisation")
                .annotate(reference=Coalesce("last_activity_at", "validated_at"))
                .get(pk=pk)
            )
            if aidant.statut != StatutAidant.HABILITE or aidant.reference >= threshold:
                continue
            warned = aidant.inactivite_avertie_le
            if warned is None or warned < aidant.reference:
                aidant.inactivite_avertie_le = now
                aidant.save(update_fields=["inactivite_avertie_le"])
                journal_append(
                    action=ActionJournal.AIDANT_AVERTI_INACTIVITE,
                    organisation=aidant.organisation_id,
                    payload={"aidant": aidant.pk, "derniere_activite": aidant.reference.isoformat()},
                )
                queue_email(
                    to=[aidant.user.email],
                    template="aidant_inactivite",
                    context={"aidant": aidant, "limite": now + grace, "mois": _setting("AIDANTS_INACTIVITE_MOIS", 6)},
                )
                report.averti += 1
            elif warned <= now - grace:
                aidant.statut = StatutAidant.DESACTIVE
                aidant.save(update_fields=["statut"])
                aidant.user.__dict__.pop("_cnfs_aidant", None)
                journal_append(
                    action=ActionJournal.AIDANT_DESACTIVE,
                    organisation=aidant.organisation_id,
                    payload={"aidant": aidant.pk, "motif": "inactivite", "averti_le": warned.isoformat()},
                )
                queue_email(to=[aidant.user.email], template="aidant_desactive", context={"aidant": aidant})
                report.desactive += 1
    return report


# --- Expiry of mandates -------------------------------------------------------------------------------------------


@dataclass
class EcheancesReport:
    annonces: int = 0
    organisations: int = 0
    expires: int = 0

    def message(self) -> str:
        return (
            f"{self.annonces} fin(s) prochaine(s) de mandat annoncée(s) à {self.organisations} organisation(s), "
            f"{self.expires} mandat(s) arrivé(s) à échéance journalisé(s)."
        )


def organisation_recipients(organisation_id: int) -> list[str]:
    """The organisation's responsables; its habilitated aidants when it has none."""
    emails = list(
        RoleAssignment.objects.filter(
            role=Role.RESPONSABLE, scope_type=ScopeType.ORGANISATION, object_id=str(organisation_id)
        )
        .values_list("user__email", flat=True)
        .order_by("user__email")
        .distinct()
    )
    if not emails:
        emails = list(
            Aidant.objects.filter(organisation_id=organisation_id, statut=StatutAidant.HABILITE)
            .values_list("user__email", flat=True)
            .order_by("user__email")
        )
    return [e for e in emails if e]


def mandats_echeances(*, now: datetime.datetime | None = None) -> EcheancesReport:
    """Announce, once, the end of long mandates (6 and 12 months) ending within `AIDANTS_ECHEANCE_JOURS` days (30)
    to their organisation (one e-mail listing them, no usager name); journal, once, each mandate past its end."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=_setting("AIDANTS_ECHEANCE_JOURS", 30))
    report = EcheancesReport()
    renewed = Mandat.objects.filter(remplace=OuterRef("pk"))
    soon = (
        Mandat.objects.filter(
            duree__in=LONG_MANDATES,
            revoked_at__isnull=True,
            fin__gt=now,
            fin__lte=horizon,
            expiration_annoncee_le__isnull=True,
        )
        .exclude(Exists(renewed))
        .order_by("organisation_id", "fin", "pk")
        .values_list("pk", "organisation_id")
    )
    by_organisation = defaultdict(list)
    for pk, organisation_id in soon:
        by_organisation[organisation_id].append(pk)
    for organisation_id, pks in by_organisation.items():
        with transaction.atomic():
            mandats = list(
                Mandat.objects.select_for_update(of=("self",))
                .select_related("usager", "organisation")
                .filter(pk__in=pks, expiration_annoncee_le__isnull=True)
                .order_by("fin", "pk")
            )
            if not mandats:
                continue
            Mandat.objects.filter(pk__in=[m.pk for m in mandats]).update(expiration_annoncee_le=now)
            for mandat in mandats:
                journal_append(
                    action=ActionJournal.MANDAT_EXPIRATION_ANNONCEE,
                    organisation=organisation_id,
                    usager=mandat.usager,
                    mandat=mandat,
                    payload={"fin": mandat.fin.isoformat()},
                )
            queue_email(
                to=organisation_recipients(organisation_id),
                template="mandats_echeance",
                context={
                    "organisation": mandats[0].organisation,
                    "mandats": [(m, reverse("aidants:mandat", args=[m.pk])) for m in mandats],
                },
            )
            report.annonces += len(mandats)
            report.organisations += 1
    expired = Mandat.objects.filter(fin__lte=now, revoked_at__isnull=True, expiration_journalisee_le__isnull=True)
    pks = list(expired.order_by("fin", "pk").values_list("pk", flat=True))
    for start in range(0, len(pks), 500):
        with transaction.atomic():
            batch = list(
                Mandat.objects.select_for_update(of=("self",))
                .select_related("usager")
                .filter(pk__in=pks[start : start + 500], expiration_journalisee_le__isnull=True)
                .order_by("fin", "pk")
            )
            Mandat.objects.filter(pk__in=[m.pk for m in batch]).update(expiration_journalisee_le=now)
            for mandat in batch:
                journal_append(
                    action=ActionJournal.MANDAT_EXPIRE,
                    organisation=mandat.organisation_id,
                    usager=mandat.usager,
                    mandat=mandat,
                    payload={"fin": mandat.fin.isoformat()},
                )
            report.expires += len(batch)
    return report


# --- Anonymisation ------------------------------------------------------------------------------------------------


def usagers_a_anonymiser(*, now: datetime.datetime | None = None):
    """Usagers with mandates, all ended (expired, or revoked) more than `AIDANTS_ANONYMISATION_JOURS` days ago."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=_setting("AIDANTS_ANONYMISATION_JOURS", 365))
    recent = Mandat.objects.filter(usager=OuterRef("pk")).filter(
        Q(revoked_at__isnull=True, fin__gt=cutoff) | Q(revoked_at__gt=cutoff)
    )
    return (
        Usager.objects.filter(anonymise_le__isnull=True)
        .filter(Exists(Mandat.objects.filter(usager=OuterRef("pk"))))
        .exclude(Exists(recent))
    )


def usagers_anonymiser(*, now: datetime.datetime | None = None) -> int:
    """Names replaced, birth date set to a sentinel, FranceConnect hash replaced by a random value (the person is
    no longer recognised if they come back: a new usager is created). The journal keeps the pseudonymous id only."""
    now = now or timezone.now()
    count = 0
    for pk in list(usagers_a_anonymiser(now=now).values_list("pk", flat=True)):
        with transaction.atomic():
            usager = usagers_a_anonymiser(now=now).select_for_update().filter(pk=pk).first()
            if usager is None:  # a new mandate since the list was read
                continue
            usager.given_names = ANONYMISED_NAME
            usager.family_name = ANONYMISED_NAME
            usager.birthdate = ANONYMISED_BIRTHDATE
            usager.sub_hash = secrets.token_hex(32)
            usager.anonymise_le = now
            usager.save(update_fields=["given_names", "family_name", "birthdate", "sub_hash", "anonymise_le"])
            usager_names_sync(usager)
            journal_append(action=ActionJournal.USAGER_ANONYMISE, usager=usager, payload={})
            count += 1
    return count
