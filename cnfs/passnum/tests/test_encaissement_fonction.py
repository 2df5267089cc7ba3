"""The PL/pgSQL function `passnum_cheque_encaisser` (migration 0003), called directly: every rule of the redemption
is in its one UPDATE (a refused call writes nothing and explains itself), an accepted call spends and logs, and the
migration installs and removes it. PostgreSQL only: SQLite keeps the redemption in Python."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cnfs.passnum.enums import ResultatTentative, StatutCheque, StatutQualification
from cnfs.passnum.models import Cheque, TentativeEncaissement
from cnfs.passnum.tests.factories import TODAY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

NOW = timezone.make_aware(datetime.datetime(2026, 6, 15, 10, 30))
COLUMNS = [
    "accepte",
    "cheque_id",
    "commande_id",
    "valeur",
    "place_id",
    "qualification",
    "statut",
    "redeemed_at",
    "valable_du",
    "valable_jusqu_au",
    "in_zone",
]


def call(code, lieu_id, user_id=None, *, today=TODAY, now=NOW) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM passnum_cheque_encaisser(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [code, lieu_id, user_id, code.lower(), now, today, now, "avant ", " après"],
        )
        assert [column.name for column in cursor.description] == COLUMNS
        return dict(zip(COLUMNS, cursor.fetchone(), strict=True))


def _vouchers():
    return list(Cheque.objects.order_by("pk").values_list("statut", "redeemed_at", "redeemed_by_place_id"))


def test_an_accepted_call_spends_the_voucher_and_logs_it(world):
    place = world["place"]
    cheque = Cheque.objects.get(code=world["codes"][0])
    row = call(cheque.code, place.lieu_id, world["users"]["lieu"].pk)
    assert (row["accepte"], row["cheque_id"], row["commande_id"], row["valeur"], row["place_id"]) == (
        True,
        cheque.pk,
        cheque.commande_id,
        cheque.valeur,
        place.pk,
    )
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
    assert call(first, world["place"].lieu_id)["accepte"] is True
    assert call(last, world["place"].lieu_id)["accepte"] is True


def _cancel(code):
    Cheque.objects.filter(code=code).update(statut=StatutCheque.ANNULE)


def _expire(code):
    Cheque.objects.filter(code=code).update(statut=StatutCheque.EXPIRE)


def _past(code):
    Cheque.objects.filter(code=code).update(valable_jusqu_au=TODAY - datetime.timedelta(days=1))


def _future(code):
    Cheque.objects.filter(code=code).update(valable_du=TODAY + datetime.timedelta(days=1))


def _suspend(world):
    world["place"].statut = StatutQualification.SUSPENDUE
    world["place"].save()


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("used", {"statut": StatutCheque.UTILISE, "in_zone": True}),
        ("cancelled", {"statut": StatutCheque.ANNULE}),
        ("expired status", {"statut": StatutCheque.EXPIRE}),
        ("past its last day", {"valable_jusqu_au": TODAY - datetime.timedelta(days=1)}),
        ("before its first day", {"valable_du": TODAY + datetime.timedelta(days=1)}),
        ("out of territory", {"in_zone": False, "qualification": StatutQualification.QUALIFIEE}),
        ("place not qualified", {"qualification": None}),
        ("qualification suspended", {"qualification": StatutQualification.SUSPENDUE, "in_zone": True}),
        ("unknown code", {"cheque_id": None, "qualification": StatutQualification.QUALIFIEE}),
    ],
)
def test_a_refused_call_writes_nothing_and_returns_what_explains_it(world, case, expected):
    code, lieu_id = world["codes"][0], world["place"].lieu_id
    if case == "used":
        assert call(code, lieu_id)["accepte"] is True
    elif case == "cancelled":
        _cancel(code)
    elif case == "expired status":
        _expire(code)
    elif case == "past its last day":
        _past(code)
    elif case == "before its first day":
        _future(code)
    elif case == "out of territory":
        lieu_id = world["place_lyon"].lieu_id
    elif case == "place not qualified":
        lieu_id = world["unqualified"].pk
    elif case == "qualification suspended":
        _suspend(world)
    elif case == "unknown code":
        code = "0" * 16
    vouchers, logs = _vouchers(), TentativeEncaissement.objects.count()

    row = call(code, lieu_id)

    assert row["accepte"] is False
    assert (row["commande_id"], row["valeur"], row["place_id"]) == (None, None, None)
    assert _vouchers() == vouchers and TentativeEncaissement.objects.count() == logs
    if code in world["codes"]:
        cheque = Cheque.objects.get(code=code)
        assert (row["cheque_id"], row["statut"], row["redeemed_at"]) == (cheque.pk, cheque.statut, cheque.redeemed_at)
        assert (row["valable_du"], row["valable_jusqu_au"]) == (cheque.valable_du, cheque.valable_jusqu_au)
    assert {key: row[key] for key in expected} == expected


def test_a_place_that_does_not_exist_is_refused_with_an_empty_explanation(world):
    row = call(world["codes"][0], 10**9)
    assert row["accepte"] is False and all(value is None for key, value in row.items() if key != "accepte")
    assert Cheque.objects.get(code=world["codes"][0]).statut != StatutCheque.UTILISE


def _function_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = 'passnum_cheque_encaisser'")
        return cursor.fetchone()[0] == 1


def test_the_migration_installs_and_removes_the_function():
    # Inside the test's transaction: PostgreSQL's DDL is transactional, whatever happens the function comes back.
    assert _function_exists()
    executor = MigrationExecutor(connection)
    executor.migrate([("passnum", "0002_releves_lots_avoirs")])
    assert not _function_exists()
    executor = MigrationExecutor(connection)
    executor.migrate([("passnum", "0003_encaissement_fonction")])
    assert _function_exists()


def test_a_voucher_code_is_indexed_once_and_stays_unique(world):
    """Migration 0004: one unique index on the code (no unused `varchar_pattern_ops` twin written by every
    redemption), and a second voucher with the same code is still refused by the database."""
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
