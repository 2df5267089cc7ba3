"""PostgreSQL's redemption statement (`services.encaissement._SPEND_AND_LOG`, run prepared), called directly: every
rule of the redemption is in its one UPDATE (a refused statement writes nothing), an accepted one spends and logs;
migration 0005 drops the PL/pgSQL function of 0003 and going back recreates it; the code is indexed once."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cnfs.lieux.models import Lieu
from cnfs.passnum.enums import ResultatTentative, StatutCheque, StatutQualification
from cnfs.passnum.models import Cheque, TentativeEncaissement
from cnfs.passnum.services.encaissement import _SPEND_AND_LOG, _execute_prepared, _territory_params
from cnfs.passnum.tests.factories import TODAY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

NOW = timezone.make_aware(datetime.datetime(2026, 6, 15, 10, 30))


def call(code, lieu_id, user_id=None, *, today=TODAY, now=NOW, keys_of=None):
    """`(id, commande_id, valeur, redeemed_by_place_id)` of the voucher spent, or None; the territory keys are the
    place's (or `keys_of`'s, for a place that does not exist)."""
    params = {
        "code": code,
        "lieu": lieu_id,
        **_territory_params(Lieu.objects.filter(pk=lieu_id).first() or keys_of),
        "now": now,
        "today": today,
        "month": today.replace(day=1),
        "typed": code.lower(),
        "user": user_id,
        "before": "avant ",
        "after": " après",
        "logged_at": now,
    }
    return _execute_prepared(_SPEND_AND_LOG, params).fetchone()


def _vouchers():
    return list(Cheque.objects.order_by("pk").values_list("statut", "redeemed_at", "redeemed_by_place_id"))


def test_an_accepted_statement_spends_the_voucher_and_logs_it(world):
    place = world["place"]
    cheque = Cheque.objects.get(code=world["codes"][0])
    row = call(cheque.code, place.lieu_id, world["users"]["lieu"].pk)
    assert row == (cheque.pk, cheque.commande_id, cheque.valeur, place.pk)
    cheque.refresh_from_db()
    assert (cheque.statut, cheque.redeemed_at, cheque.redeemed_by_place_id, cheque.redeemed_month) == (
        StatutCheque.UTILISE,
        NOW,
        place.pk,
        datetime.date(2026, 6, 1),
    )
    log = TentativeEncaissement.objects.get()
    assert (log.code_saisi, log.cheque_id, log.lieu_id, log.user_id, log.resultat, log.motif, log.created_at) == (
        cheque.code.lower(),
        cheque.pk,
        place.lieu_id,
        world["users"]["lieu"].pk,
        ResultatTentative.ACCEPTE,
        "avant 10,00\u00a0€ après",
        NOW,
    )


def test_the_first_and_last_valid_days_are_accepted(world):
    first, last = world["codes"][:2]
    Cheque.objects.filter(code=first).update(valable_du=TODAY)
    Cheque.objects.filter(code=last).update(valable_jusqu_au=TODAY)
    assert call(first, world["place"].lieu_id) is not None
    assert call(last, world["place"].lieu_id) is not None


def _suspend(world):
    world["place"].statut = StatutQualification.SUSPENDUE
    world["place"].save()


@pytest.mark.parametrize(
    "case",
    [
        "used",
        "cancelled",
        "expired status",
        "past its last day",
        "before its first day",
        "out of territory",
        "place not qualified",
        "qualification suspended",
        "unknown code",
        "place that does not exist",
    ],
)
def test_a_refused_statement_writes_nothing(world, case):
    code, lieu_id = world["codes"][0], world["place"].lieu_id
    vouchers = Cheque.objects.filter(code=code)
    if case == "used":
        assert call(code, lieu_id) is not None
    elif case == "cancelled":
        vouchers.update(statut=StatutCheque.ANNULE)
    elif case == "expired status":
        vouchers.update(statut=StatutCheque.EXPIRE)
    elif case == "past its last day":
        vouchers.update(valable_jusqu_au=TODAY - datetime.timedelta(days=1))
    elif case == "before its first day":
        vouchers.update(valable_du=TODAY + datetime.timedelta(days=1))
    elif case == "out of territory":
        lieu_id = world["place_lyon"].lieu_id
    elif case == "place not qualified":
        lieu_id = world["unqualified"].pk
    elif case == "qualification suspended":
        _suspend(world)
    elif case == "unknown code":
        code = "0" * 16
    elif case == "place that does not exist":
        lieu_id = 10**9
    before, logs = _vouchers(), TentativeEncaissement.objects.count()

    assert call(code, lieu_id, keys_of=world["place"].lieu) is None

    assert _vouchers() == before and TentativeEncaissement.objects.count() == logs


def _function_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = 'passnum_cheque_encaisser'")
        return cursor.fetchone()[0] == 1


def _reloptions():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'passnum_cheque'")
        return cursor.fetchone()[0]


def test_migration_0005_drops_the_function_and_going_back_recreates_it():
    # Inside the test's transaction: PostgreSQL's DDL is transactional, whatever happens the schema comes back.
    assert not _function_exists() and _reloptions() == ["fillfactor=85"]
    executor = MigrationExecutor(connection)
    executor.migrate([("passnum", "0004_cheque_code_unique_constraint")])
    assert _function_exists() and _reloptions() is None
    executor = MigrationExecutor(connection)
    executor.migrate([("passnum", "0005_redemption_hot_update")])
    assert not _function_exists() and _reloptions() == ["fillfactor=85"]


def test_a_voucher_code_is_indexed_once_and_stays_unique(world):
    """Migration 0004: one unique index on the code (no unused `varchar_pattern_ops` twin written by every
    issue), and a second voucher with the same code is still refused by the database."""
    from django.db import IntegrityError, transaction

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'passnum_cheque' AND indexdef LIKE %s",
            ["%(code%"],
        )
        indexes = cursor.fetchall()
    assert [name for name, _ in indexes] == ["passnum_cheque_code_unique"]
    assert "UNIQUE" in indexes[0][1]
    twin = Cheque.objects.get(code=world["codes"][0])
    twin.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save(force_insert=True)
    assert Cheque.objects.filter(code=world["codes"][0]).count() == 1
