"""Redemption: a qualified place types or scans a code; the voucher is spent by ONE conditional UPDATE.

The UPDATE carries every rule (status, validity dates, the order's territory, the place's qualification), so two
places, or two clicks, racing on the same code cannot both win: the database serialises the row, the loser's
UPDATE matches 0 rows. Only then one read explains the refusal in French. Every attempt is logged, accepted or not,
outside the redemption's transaction so that a refusal leaves its trace. A mistyped code is refused by its check
character before any database access; repeated failures by one account or at one place are throttled.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cnfs.core.errors import DomainError
from cnfs.core.models import User
from cnfs.core.throttling import Limit
from cnfs.lieux.models import Lieu
from cnfs.passnum import codes
from cnfs.passnum.enums import STATUTS_ENCAISSABLES, ResultatTentative, StatutCheque, StatutQualification
from cnfs.passnum.models import Cheque, LieuQualifie, TentativeEncaissement, ZoneCommande
from cnfs.passnum.permissions import territory_keys
from cnfs.passnum.services._common import euros

TYPED_MAX = TentativeEncaissement._meta.get_field("code_saisi").max_length


def user_limit() -> Limit:
    return Limit(
        "passnum-user",
        getattr(settings, "PASSNUM_MAX_FAILURES_PER_USER", 10),
        getattr(settings, "PASSNUM_FAILURE_WINDOW_SECONDS", 600),
    )


def lieu_limit() -> Limit:
    return Limit(
        "passnum-lieu",
        getattr(settings, "PASSNUM_MAX_FAILURES_PER_LIEU", 30),
        getattr(settings, "PASSNUM_FAILURE_WINDOW_SECONDS", 600),
    )


class EncaissementRefuse(DomainError):
    """A refused redemption; `resultat` is its `ResultatTentative`. The attempt is already logged."""

    def __init__(self, message: str, *, resultat: str):
        super().__init__(message, field="code", code=resultat)
        self.resultat = resultat


@dataclass(frozen=True)
class Encaissement:
    cheque: Cheque
    message: str


def _log(*, typed: str, lieu: Lieu | None, user: User | None, resultat: str, motif: str = "", cheque_id=None):
    TentativeEncaissement.objects.create(
        code_saisi=typed[:TYPED_MAX],
        lieu=lieu,
        user=user if user is not None and user.is_authenticated else None,
        resultat=resultat,
        motif=motif[:255],
        cheque_id=cheque_id,
    )


def _fail(*, typed, lieu, user, resultat: str, message: str, cheque_id=None):
    _log(typed=typed, lieu=lieu, user=user, resultat=resultat, motif=message, cheque_id=cheque_id)
    if resultat != ResultatTentative.LIMITE:
        user_limit().hit(str(user.pk) if user is not None else None)
        lieu_limit().hit(str(lieu.pk) if lieu is not None else None)
    raise EncaissementRefuse(message, resultat=resultat)


def _qualification(lieu: Lieu) -> LieuQualifie | None:
    return (
        LieuQualifie.objects.select_related("lieu__commune__departement", "lieu__commune__region")
        .filter(lieu_id=lieu.pk)
        .first()
    )


def _explain(code: str, *, today: datetime.date, keys: list[str]):
    """Why the conditional UPDATE matched nothing: one read of the voucher (and whether its territory matches)."""
    row = (
        Cheque.objects.filter(code=code)
        .annotate(in_zone=Exists(ZoneCommande.objects.filter(commande_id=OuterRef("commande_id"), cle__in=keys)))
        .values("pk", "statut", "redeemed_at", "valable_du", "valable_jusqu_au", "in_zone")
        .first()
    )
    if row is None:
        return ResultatTentative.INCONNU, "Code invalide : aucun chèque ne porte ce code.", None
    pk, statut = row["pk"], row["statut"]
    if statut == StatutCheque.UTILISE:
        when = timezone.localtime(row["redeemed_at"])
        return ResultatTentative.DEJA_UTILISE, f"Chèque déjà utilisé le {when:%d/%m/%Y} à {when:%H:%M}.", pk
    if statut == StatutCheque.ANNULE:
        return ResultatTentative.ANNULE, "Chèque annulé : il a été déclaré perdu ou volé par son commanditaire.", pk
    if statut == StatutCheque.EXPIRE or row["valable_jusqu_au"] < today:
        return (
            ResultatTentative.EXPIRE,
            f"Chèque expiré : il était encaissable jusqu’au {row['valable_jusqu_au']:%d/%m/%Y}.",
            pk,
        )
    if row["valable_du"] > today:
        return (
            ResultatTentative.NON_VALABLE,
            f"Chèque pas encore valable : il le sera à partir du {row['valable_du']:%d/%m/%Y}.",
            pk,
        )
    if not row["in_zone"]:
        return (
            ResultatTentative.HORS_TERRITOIRE,
            "Chèque hors territoire : il n’est valable que dans le territoire de son commanditaire.",
            pk,
        )
    # Everything else matched: the place lost its qualification between the first read and the update.
    return ResultatTentative.LIEU_NON_QUALIFIE, "Lieu non qualifié : ce lieu ne peut pas encaisser de chèques.", pk


def code_check(raw: str) -> str:
    """The normalised code, or `EncaissementRefuse` (code invalide) — pure, no database access."""
    error = codes.code_error(raw)
    if error:
        raise EncaissementRefuse(error, resultat=ResultatTentative.CODE_INVALIDE)
    return codes.normalize(raw)


def cheque_encaisser(*, code: str, lieu: Lieu, user: User, now: datetime.datetime | None = None) -> Encaissement:
    """Spend the voucher `code` at `lieu`, typed by `user`; raise `EncaissementRefuse` with the French reason.

    Not wrapped in a transaction on purpose: the log of a refused attempt must survive the refusal.
    """
    typed = (code or "").strip()
    user_key, lieu_key = str(user.pk), str(lieu.pk)
    if user_limit().exceeded(user_key) or lieu_limit().exceeded(lieu_key):
        _fail(
            typed=typed,
            lieu=lieu,
            user=user,
            resultat=ResultatTentative.LIMITE,
            message="Trop de codes refusés en peu de temps : réessayez dans quelques minutes.",
        )
    try:
        normalized = code_check(typed)
    except EncaissementRefuse as refused:
        _fail(typed=typed, lieu=lieu, user=user, resultat=refused.resultat, message=refused.message)

    qualification = _qualification(lieu)
    if qualification is None or qualification.statut != StatutQualification.QUALIFIEE:
        _fail(
            typed=typed,
            lieu=lieu,
            user=user,
            resultat=ResultatTentative.LIEU_NON_QUALIFIE,
            message="Lieu non qualifié : ce lieu ne peut pas encaisser de pass numériques.",
        )
    now = now or timezone.now()
    today = timezone.localdate(now)
    keys = territory_keys(qualification.lieu)
    with transaction.atomic():
        spent = (
            Cheque.objects.filter(
                code=normalized,
                statut__in=STATUTS_ENCAISSABLES,
                valable_du__lte=today,
                valable_jusqu_au__gte=today,
            )
            .filter(Exists(ZoneCommande.objects.filter(commande_id=OuterRef("commande_id"), cle__in=keys)))
            .filter(Exists(LieuQualifie.objects.filter(pk=qualification.pk, statut=StatutQualification.QUALIFIEE)))
            .update(
                statut=StatutCheque.UTILISE,
                redeemed_at=now,
                redeemed_by_place=qualification.pk,
                redeemed_month=today.replace(day=1),
            )
        )
        if spent:
            cheque = Cheque.objects.only("pk", "code", "valeur", "commande_id", "redeemed_at").get(code=normalized)
            message = f"Chèque {codes.format_code(normalized)} accepté : {euros(cheque.valeur)} pour une séance."
            _log(
                typed=typed,
                lieu=lieu,
                user=user,
                resultat=ResultatTentative.ACCEPTE,
                cheque_id=cheque.pk,
                motif=message,
            )
    if spent:
        return Encaissement(cheque=cheque, message=message)
    resultat, message, cheque_id = _explain(normalized, today=today, keys=keys)
    _fail(typed=typed, lieu=lieu, user=user, resultat=resultat, message=message, cheque_id=cheque_id)
