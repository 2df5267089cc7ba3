"""Redemption: a qualified place types or scans a code; the voucher is spent by ONE conditional UPDATE.

The UPDATE carries every rule (status, validity dates, the order's territory, the place's qualification), so two
places, or two clicks, racing on the same code cannot both win: the database serialises the row, the loser's
UPDATE matches 0 rows. Only then one read explains the refusal in French. Every attempt is logged, accepted or not,
outside any transaction of the redemption so that a refusal leaves its trace. A mistyped code is refused by its
check character before any database access; repeated failures by one account or at one place are throttled (one
cache read per attempt, writes only on failures).

This is the hottest write of the platform (2 million vouchers, bursts at month ends), so it is raw SQL, not the
ORM: building the ORM queries cost ~15 ms of Python per attempt, the queries themselves well under 1 ms. On
PostgreSQL an acceptance is ONE statement, the conditional UPDATE and the INSERT of its log line in a CTE, run as a
PREPARED statement (`_execute_prepared`): parsing and planning it cost more CPU than running it, and Django turns
psycopg's automatic preparation off. Prepared statements are protocol-level, which PgBouncer ≥ 1.21 keeps in
transaction pooling (`max_prepared_statements`); they replace the PL/pgSQL function of migration 0003 (dropped by
0005), which cached the same plans but cost a function call and a planned `SELECT` around them. A refusal then
costs two more statements, the read that explains it and its log line. SQLite runs the UPDATE … RETURNING, then the
log INSERT, in one transaction. The UPDATE takes the place's territory keys as parameters (`territory_keys`); the
read that explains a refusal joins them in SQL from the place's commune; the tests check each rule on both
databases.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from cnfs.core.errors import DomainError
from cnfs.core.models import User
from cnfs.core.throttling import Limit, any_exceeded
from cnfs.lieux.models import Lieu
from cnfs.passnum import codes
from cnfs.passnum.enums import ResultatTentative, StatutCheque, StatutQualification
from cnfs.passnum.models import Cheque, TentativeEncaissement
from cnfs.passnum.permissions import territory_keys
from cnfs.passnum.services._common import euros
from cnfs.territoires.models import Commune

TYPED_MAX = TentativeEncaissement._meta.get_field("code_saisi").max_length
MOTIF_MAX = TentativeEncaissement._meta.get_field("motif").max_length


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


# The place (`l`), its commune (`m`), département (`d`) and région (`r`); `_ZONE_MATCHES` is true when the order of
# the voucher is valid there (its `ZoneCommande.cle` is one of the place's three keys, see `territory_keys`).
_PLACE_JOINS = """
    {kind} JOIN territoires_commune AS m ON m.code = l.code_insee
    {kind} JOIN territoires_departement AS d ON d.id = m.departement_id
    {kind} JOIN territoires_region AS r ON r.id = m.region_id"""
_ZONE_MATCHES = """EXISTS (
        SELECT 1 FROM passnum_zonecommande AS z
        WHERE z.commande_id = passnum_cheque.commande_id AND z.cle IN ('C:' || m.code, 'D:' || d.code, 'R:' || r.code)
    )"""

# The conditional UPDATE: matches one row only if every rule holds, at the moment the row is locked. The statuses
# are the enums' database values, written in the SQL: fewer parameters to adapt and send on every call. The place's
# three territory keys are parameters (`_territory_params`): joining its commune, département and région here cost
# a quarter of the statement. `_EXPLAIN` still joins them, to tell why a refused voucher was refused.
_SPEND = f"""
    UPDATE passnum_cheque
    SET statut = '{StatutCheque.UTILISE.value}', redeemed_at = %(now)s, redeemed_by_place_id = q.id,
        redeemed_month = %(month)s
    FROM passnum_lieuqualifie AS q
    WHERE passnum_cheque.code = %(code)s
      AND passnum_cheque.statut IN ('{StatutCheque.EMIS.value}', '{StatutCheque.DISTRIBUE.value}')
      AND passnum_cheque.valable_du <= %(today)s AND passnum_cheque.valable_jusqu_au >= %(today)s
      AND q.lieu_id = %(lieu)s AND q.statut = '{StatutQualification.QUALIFIEE.value}'
      AND EXISTS (
        SELECT 1 FROM passnum_zonecommande AS z
        WHERE z.commande_id = passnum_cheque.commande_id AND z.cle IN (%(commune)s, %(departement)s, %(region)s)
      )
    RETURNING
        passnum_cheque.id, passnum_cheque.commande_id, passnum_cheque.valeur, passnum_cheque.redeemed_by_place_id"""

# `regexp_replace`'s replacement for each digit followed by groups of three: the digit and a narrow no-break space.
_GROUP_THOUSANDS = "\\1\u202f"
_CURRENCY = "\u00a0€"

# PostgreSQL: the same UPDATE and the log of its acceptance, in one statement. The log's message is the one
# `_accepted_message` builds in Python: the text around the amount comes from here, SQL spells `euros()` (grouped
# thousands with a narrow no-break space, comma, cents, no-break space, €), and a test checks both spell the same.
_SPEND_AND_LOG = rf"""
    WITH spent AS ({_SPEND}
    ), logged AS (
        INSERT INTO passnum_tentativeencaissement
            (code_saisi, cheque_id, lieu_id, user_id, resultat, motif, created_at)
        SELECT %(typed)s, spent.id, %(lieu)s, %(user)s, '{ResultatTentative.ACCEPTE.value}',
            %(before)s
            || regexp_replace((spent.valeur / 100)::text, '(\d)(?=(\d{{3}})+$)', '{_GROUP_THOUSANDS}', 'g')
            || ',' || lpad(mod(spent.valeur, 100)::text, 2, '0') || '{_CURRENCY}'
            || %(after)s,
            %(logged_at)s
        FROM spent
    )
    SELECT id, commande_id, valeur, redeemed_by_place_id FROM spent"""

_LOG = """
    INSERT INTO passnum_tentativeencaissement (code_saisi, cheque_id, lieu_id, user_id, resultat, motif, created_at)
    VALUES (%(typed)s, %(cheque)s, %(lieu)s, %(user)s, %(resultat)s, %(motif)s, %(logged_at)s)"""

# Why the UPDATE matched nothing: the place's qualification and the voucher, in one read.
_EXPLAIN = f"""
    SELECT q.statut, passnum_cheque.id, passnum_cheque.statut, passnum_cheque.redeemed_at,
        passnum_cheque.valable_du, passnum_cheque.valable_jusqu_au, {_ZONE_MATCHES}
    FROM lieux_lieu AS l
    LEFT JOIN passnum_lieuqualifie AS q ON q.lieu_id = l.id{_PLACE_JOINS.format(kind="LEFT")}
    LEFT JOIN passnum_cheque ON passnum_cheque.code = %(code)s
    WHERE l.id = %(lieu)s"""

_ACCEPTED = ("Chèque {code} accepté : ", " pour une séance.")


def _accepted_message(code: str, valeur: int) -> str:
    before, after = _ACCEPTED
    return before.format(code=codes.format_code(code)) + euros(valeur) + after


def _user_id(user: User | None):
    return user.pk if user is not None and user.is_authenticated else None


def _log(*, typed: str, lieu: Lieu | None, user: User | None, resultat: str, motif: str = "", cheque_id=None):
    params = {
        "typed": typed[:TYPED_MAX],
        "cheque": cheque_id,
        "lieu": lieu.pk if lieu is not None else None,
        "user": _user_id(user),
        "resultat": resultat,
        "motif": motif[:MOTIF_MAX],
        "logged_at": connection.ops.adapt_datetimefield_value(timezone.now()),
    }
    with connection.cursor() as cursor:
        cursor.execute(_LOG, params)


def _fail(*, typed, lieu, user, resultat: str, message: str, cheque_id=None):
    _log(typed=typed, lieu=lieu, user=user, resultat=resultat, motif=message, cheque_id=cheque_id)
    if resultat != ResultatTentative.LIMITE:
        user_limit().hit(str(user.pk) if user is not None else None)
        lieu_limit().hit(str(lieu.pk) if lieu is not None else None)
    raise EncaissementRefuse(message, resultat=resultat)


def _territory_params(lieu: Lieu) -> dict[str, str]:
    """The place's keys (`permissions.territory_keys`) from its commune, département and région as loaded with it
    (`select_related`, as `selectors.lieux_of` does), or else read in one query and kept on the place."""
    commune_field = Lieu._meta.get_field("commune")
    if not (
        commune_field.is_cached(lieu)
        and all(Commune._meta.get_field(name).is_cached(lieu.commune) for name in ("departement", "region"))
    ):
        commune_field.set_cached_value(
            lieu, Commune.objects.select_related("departement", "region").get(code=lieu.commune_id)
        )
    return dict(zip(("commune", "departement", "region"), territory_keys(lieu), strict=True))


# A threshold no statement reaches: only statements executed with `prepare=True` are prepared.
PREPARE_WHEN_ASKED = 2**31 - 1


def _execute_prepared(sql: str, params: dict):
    """PostgreSQL: run `sql` as a prepared statement on Django's connection; returns the psycopg cursor.

    Django's cursors bind parameters client-side, which cannot be prepared, and Django sets psycopg's
    `prepare_threshold` to None, under which psycopg prepares nothing. This cursor binds server-side and asks for
    preparation: psycopg prepares the statement once per connection, then sends only its name and parameters. It
    runs in Django's transaction state (autocommit outside `atomic`), its errors are Django's, and it is logged
    like any other statement when queries are (tests, DEBUG).
    """
    from django.db.backends.postgresql.base import ServerBindingCursor

    db = connections[DEFAULT_DB_ALIAS]  # `connection` looks the connection up again on every attribute read
    db.ensure_connection()
    db.validate_no_broken_transaction()
    raw = db.connection
    if raw.prepare_threshold is None:  # psycopg ignores `prepare=True` then; Django's own cursors never prepare
        raw.prepare_threshold = PREPARE_WHEN_ASKED
    cursor = ServerBindingCursor(raw)
    with db.wrap_database_errors:
        if db.queries_logged:
            with db.make_debug_cursor(cursor).debug_sql(sql, params):
                cursor.execute(sql, params, prepare=True)
        else:
            cursor.execute(sql, params, prepare=True)
    return cursor


def _spend_pg_params(code: str, *, typed: str, lieu: Lieu, user: User, now: datetime.datetime, today: datetime.date):
    """The parameters of `_SPEND_AND_LOG` (the benchmark runs the same statement with them through pgbench)."""
    before, after = _ACCEPTED
    return {
        "code": code,
        "lieu": lieu.pk,
        **_territory_params(lieu),
        "now": now,
        "today": today,
        "month": today.replace(day=1),
        "typed": typed[:TYPED_MAX],
        "user": _user_id(user),
        "before": before.format(code=codes.format_code(code)),
        "after": after,
        "logged_at": timezone.now(),
    }


def _spend_pg(code: str, *, typed: str, lieu: Lieu, user: User, now: datetime.datetime, today: datetime.date):
    """PostgreSQL: `(id, commande_id, valeur, redeemed_by_place_id)` of the voucher just spent and logged (one
    prepared statement), or None (nothing written)."""
    params = _spend_pg_params(code, typed=typed, lieu=lieu, user=user, now=now, today=today)
    return _execute_prepared(_SPEND_AND_LOG, params).fetchone()


def _spend(code: str, *, typed: str, lieu: Lieu, user: User, now: datetime.datetime, today: datetime.date):
    """SQLite: `(id, commande_id, valeur, redeemed_by_place_id)` of the voucher just spent and logged, or None."""
    ops = connection.ops
    params = {
        "code": code,
        "lieu": lieu.pk,
        **_territory_params(lieu),
        "now": ops.adapt_datetimefield_value(now),
        "today": ops.adapt_datefield_value(today),
        "month": ops.adapt_datefield_value(today.replace(day=1)),
    }
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_SPEND, params)
            rows = cursor.fetchall()
        if rows:
            cheque_id, _, valeur, _ = rows[0]
            motif = _accepted_message(code, valeur)
            _log(
                typed=typed, lieu=lieu, user=user, resultat=ResultatTentative.ACCEPTE, motif=motif, cheque_id=cheque_id
            )
    return rows[0] if rows else None


def _date(value) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value  # SQLite answers text


def _aware(value) -> datetime.datetime:
    if isinstance(value, str):  # SQLite answers naive UTC text
        value = datetime.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)


def _explain(code: str, *, lieu: Lieu, today: datetime.date):
    """Why the conditional UPDATE matched nothing: `(resultat, French message, voucher id or None)`."""
    with connection.cursor() as cursor:
        cursor.execute(_EXPLAIN, {"code": code, "lieu": lieu.pk})
        return _explanation(cursor.fetchone(), today=today)


def _explanation(row, *, today: datetime.date):
    """`_explain` from the row `_EXPLAIN` reads (None when the place does not exist)."""
    qualification, pk, statut, redeemed_at, valable_du, valable_jusqu_au, in_zone = row or (None,) * 7
    if qualification != StatutQualification.QUALIFIEE:
        return (
            ResultatTentative.LIEU_NON_QUALIFIE,
            "Lieu non qualifié : ce lieu ne peut pas encaisser de pass numériques.",
            None,
        )
    if pk is None:
        return ResultatTentative.INCONNU, "Code invalide : aucun chèque ne porte ce code.", None
    if statut == StatutCheque.UTILISE:
        when = timezone.localtime(_aware(redeemed_at))
        return ResultatTentative.DEJA_UTILISE, f"Chèque déjà utilisé le {when:%d/%m/%Y} à {when:%H:%M}.", pk
    if statut == StatutCheque.ANNULE:
        return ResultatTentative.ANNULE, "Chèque annulé : il a été déclaré perdu ou volé par son commanditaire.", pk
    valable_du, valable_jusqu_au = _date(valable_du), _date(valable_jusqu_au)
    if statut == StatutCheque.EXPIRE or valable_jusqu_au < today:
        return (
            ResultatTentative.EXPIRE,
            f"Chèque expiré : il était encaissable jusqu’au {valable_jusqu_au:%d/%m/%Y}.",
            pk,
        )
    if valable_du > today:
        return (
            ResultatTentative.NON_VALABLE,
            f"Chèque pas encore valable : il le sera à partir du {valable_du:%d/%m/%Y}.",
            pk,
        )
    if not in_zone:
        return (
            ResultatTentative.HORS_TERRITOIRE,
            "Chèque hors territoire : il n’est valable que dans le territoire de son commanditaire.",
            pk,
        )
    # Everything matches now: the place's qualification or the voucher changed between the UPDATE and this read.
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
    if any_exceeded((user_limit(), str(user.pk)), (lieu_limit(), str(lieu.pk))):
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

    now = now or timezone.now()
    today = timezone.localdate(now)
    db = connections[DEFAULT_DB_ALIAS]
    spend = _spend_pg if db.vendor == "postgresql" else _spend
    spent = spend(normalized, typed=typed, lieu=lieu, user=user, now=now, today=today)
    if spent is None:
        resultat, message, cheque_id = _explain(normalized, lieu=lieu, today=today)
        _fail(typed=typed, lieu=lieu, user=user, resultat=resultat, message=message, cheque_id=cheque_id)
    pk, commande_id, valeur, place_id = spent
    cheque = Cheque.from_db(
        db.alias,
        ["id", "code", "commande_id", "valeur", "statut", "redeemed_at", "redeemed_by_place_id", "redeemed_month"],
        [pk, normalized, commande_id, valeur, StatutCheque.UTILISE, now, place_id, today.replace(day=1)],
    )
    return Encaissement(cheque=cheque, message=_accepted_message(normalized, valeur))
