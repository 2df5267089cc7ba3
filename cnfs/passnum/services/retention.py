"""Retention of the pass numérique's personal data (`cnfs passnum retention`, run daily with the other jobs).

- The name of a person who received a booklet is recorded only with their consent, so that the distributor can
  follow them up. It is erased, with the consent, 12 months after the last day the order's vouchers could be
  redeemed (tolerance included): the booklet, its public and its vouchers stay, anonymous, for the statistics and
  the accounts.
- A refused redemption attempt (code typed, account, place, reason) is evidence against code guessing and for
  support; it is deleted after 12 months. Accepted attempts stay: they are the evidence of what each place was paid
  (accounting documents, 10 years, Code de commerce art. L123-22) and hold no data about the public.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cnfs.activite.services import months_before
from cnfs.core.services import audit_log
from cnfs.passnum.enums import ResultatTentative
from cnfs.passnum.models import Carnet, TentativeEncaissement
from cnfs.passnum.services._common import today_or

NAME_RETENTION_MONTHS = 12
REFUSED_ATTEMPT_RETENTION_MONTHS = 12


@dataclass(frozen=True)
class Retention:
    noms_effaces: int
    tentatives_supprimees: int
    limite_noms: datetime.date
    limite_tentatives: datetime.date


def _expired_names(today: datetime.date):
    limit = months_before(today, NAME_RETENTION_MONTHS)
    return limit, Carnet.objects.filter(commande__date_limite_encaissement__lt=limit).exclude(
        beneficiaire_nom="", consentement=False
    )


def _expired_attempts(today: datetime.date):
    limit = months_before(today, REFUSED_ATTEMPT_RETENTION_MONTHS)
    start = timezone.make_aware(datetime.datetime.combine(limit, datetime.time.min))
    return limit, TentativeEncaissement.objects.filter(created_at__lt=start).exclude(
        resultat=ResultatTentative.ACCEPTE
    )


@transaction.atomic
def donnees_retention(*, today: datetime.date | None = None, dry_run: bool = False) -> Retention:
    """Erase the names and delete the refused attempts past their retention period (or count them, in a dry run).

    One transaction; idempotent (a second run finds nothing). The audit log keeps the counts, never the data.
    """
    today = today_or(today)
    names_limit, carnets = _expired_names(today)
    attempts_limit, attempts = _expired_attempts(today)
    if dry_run:
        return Retention(carnets.count(), attempts.count(), names_limit, attempts_limit)
    erased = carnets.update(beneficiaire_nom="", consentement=False)
    deleted, _ = attempts.delete()
    if erased or deleted:
        audit_log(
            actor=None,
            action="passnum.retention",
            after={
                "noms_effaces": erased,
                "tentatives_supprimees": deleted,
                "limite_noms": names_limit.isoformat(),
                "limite_tentatives": attempts_limit.isoformat(),
            },
        )
    return Retention(erased, deleted, names_limit, attempts_limit)
