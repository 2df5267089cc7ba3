"""The raw-SQL redemption path: what the one conditional UPDATE checks, how many statements each outcome costs, the
acceptance message that PostgreSQL spells in SQL, that logs are committed, and a place's history read through its
log. Runs on SQLite and PostgreSQL; the statement counts, the prepared statement and the commit checks are
PostgreSQL's (its one-statement path)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cnfs.core.tests.auth import login
from cnfs.lieux.models import Lieu
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.passnum import codes, selectors, services
from cnfs.passnum.enums import ResultatTentative, StatutCheque
from cnfs.passnum.models import Cheque, TentativeEncaissement
from cnfs.passnum.permissions import territory_keys
from cnfs.passnum.services.encaissement import _explain, _territory_params
from cnfs.passnum.tests import factories as f
from cnfs.territoires.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 6, 15, 10, 30))


def redeem(world, code, who="lieu", lieu=None):
    return services.cheque_encaisser(code=code, lieu=lieu or world["place"].lieu, user=world["users"][who], now=NOW)


def _statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]


@pytest.mark.parametrize(
    ("valeur", "spelled"),
    [
        (1000, "10,00\u00a0€"),
        (5, "0,05\u00a0€"),
        (123456, "1\u202f234,56\u00a0€"),
        (100_000_000, "1\u202f000\u202f000,00\u00a0€"),
    ],
)
def test_the_logged_acceptance_is_the_message_shown(world, valeur, spelled):
    code = world["codes"][0]
    Cheque.objects.filter(code=code).update(valeur=valeur)
    result = redeem(world, code)
    assert result.message == f"Chèque {codes.format_code(code)} accepté : {spelled} pour une séance."
    log = TentativeEncaissement.objects.get()
    assert (log.resultat, log.motif, log.cheque_id) == (ResultatTentative.ACCEPTE, result.message, result.cheque.pk)
    assert (log.code_saisi, log.lieu_id, log.user_id) == (code, world["place"].lieu_id, world["users"]["lieu"].pk)
    assert result.cheque.valeur == valeur and result.cheque.redeemed_by_place_id == world["place"].pk
    cheque = Cheque.objects.get(code=code)
    assert (cheque.statut, cheque.redeemed_at, cheque.redeemed_month) == (
        StatutCheque.UTILISE,
        NOW,
        datetime.date(2026, 6, 1),
    )


def test_the_redemption_writes_before_it_reads(world):
    with CaptureQueriesContext(connection) as queries:
        redeem(world, world["codes"][0])
    first = _statements(queries)[0].lstrip()
    # No read of the place or the voucher before the UPDATE (on PostgreSQL, the UPDATE is the CTE's first part).
    if connection.vendor == "postgresql":
        assert first.startswith("WITH spent AS (\n    UPDATE passnum_cheque"), first
    else:
        assert first.upper().startswith("UPDATE"), first


def test_a_voucher_not_yet_valid_is_refused_with_its_first_day(world):
    code = world["codes"][0]
    Cheque.objects.filter(code=code).update(valable_du=datetime.date(2026, 7, 1))
    statut = Cheque.objects.get(code=code).statut
    with pytest.raises(services.EncaissementRefuse) as refused:
        redeem(world, code)
    assert refused.value.resultat == ResultatTentative.NON_VALABLE
    assert refused.value.message == "Chèque pas encore valable : il le sera à partir du 01/07/2026."
    assert Cheque.objects.get(code=code).statut == statut != StatutCheque.UTILISE
    log = TentativeEncaissement.objects.get()
    assert (log.resultat, log.cheque_id) == (ResultatTentative.NON_VALABLE, Cheque.objects.get(code=code).pk)


def test_a_commune_order_is_valid_in_its_commune_only(world):
    commune_order = f.commande(world["users"]["commanditaire"], world["buyer"], kind="communes", codes=("42218",))
    first, second = commune_order.cheques.order_by("id").values_list("code", flat=True)[:2]
    other_commune = LieuFactory(commune=CommuneFactory(code="42095", nom="Firminy", search_name="firminy"))
    elsewhere = f.LieuQualifieFactory(lieu=other_commune)
    world["users"]["lieu_firminy"] = f.member("lieu_pass", elsewhere.lieu_id)
    with pytest.raises(services.EncaissementRefuse) as refused:
        redeem(world, first, who="lieu_firminy", lieu=elsewhere.lieu)
    assert refused.value.resultat == ResultatTentative.HORS_TERRITOIRE
    assert redeem(world, second).cheque.code == second  # Saint-Étienne, 42218


def test_an_unqualified_place_is_told_so_even_for_an_unknown_code(world):
    with pytest.raises(services.EncaissementRefuse) as refused:
        redeem(world, codes.new_code(), who="lieu_non_qualifie", lieu=world["unqualified"])
    assert refused.value.resultat == ResultatTentative.LIEU_NON_QUALIFIE
    assert "pass numériques" in refused.value.message
    assert TentativeEncaissement.objects.get().cheque_id is None


def test_a_refusal_that_matches_every_rule_on_rereading_blames_the_qualification(world):
    # The UPDATE matched nothing, yet the read after it finds the voucher redeemable at this qualified place: the
    # qualification or the voucher changed between the two statements.
    cheque = Cheque.objects.get(code=world["codes"][0])
    resultat, message, cheque_id = _explain(cheque.code, lieu=world["place"].lieu, today=NOW.date())
    assert (resultat, cheque_id) == (ResultatTentative.LIEU_NON_QUALIFIE, cheque.pk)
    assert message == "Lieu non qualifié : ce lieu ne peut pas encaisser de chèques."


@pytest.mark.postgres
def test_on_postgresql_an_acceptance_is_one_prepared_statement_and_a_refusal_three(world):
    code = world["codes"][0]
    with CaptureQueriesContext(connection) as accepted:
        redeem(world, code)
    statements = _statements(accepted)
    assert len(statements) == 1, statements
    assert "UPDATE passnum_cheque" in statements[0] and "INSERT INTO passnum_tentativeencaissement" in statements[0]
    prepared = connection.connection._prepared._names  # psycopg's statements prepared on this connection
    assert [query for query, _types in prepared if b"UPDATE passnum_cheque" in query], list(prepared)
    with CaptureQueriesContext(connection) as refused, pytest.raises(services.EncaissementRefuse):
        redeem(world, code)
    statements = _statements(refused)
    assert [s.split()[0] for s in statements] == ["WITH", "SELECT", "INSERT"], statements
    assert "passnum_tentativeencaissement" in statements[2]
    assert TentativeEncaissement.objects.filter(resultat=ResultatTentative.DEJA_UTILISE).count() == 1


@pytest.mark.postgres
def test_on_postgresql_the_prepared_statement_is_reused_and_stays_correct(world):
    # From the sixth call PostgreSQL may run a generic plan: every later call must still apply every rule.
    spent = [redeem(world, code).cheque.pk for code in world["codes"][:8]]
    assert Cheque.objects.filter(pk__in=spent, statut=StatutCheque.UTILISE).count() == 8
    with pytest.raises(services.EncaissementRefuse) as refused:
        redeem(world, world["codes"][0])
    assert refused.value.resultat == ResultatTentative.DEJA_UTILISE
    with pytest.raises(services.EncaissementRefuse) as refused:
        redeem(world, world["codes"][8], who="lieu_lyon", lieu=world["place_lyon"].lieu)
    assert refused.value.resultat == ResultatTentative.HORS_TERRITOIRE
    assert Cheque.objects.get(code=world["codes"][8]).statut != StatutCheque.UTILISE


@pytest.mark.postgres
def test_on_postgresql_a_redemption_rewrites_no_index_of_the_voucher_table(world):
    """Migration 0005: nothing a redemption writes is indexed and pages keep room, so the update is HOT."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'passnum_cheque'")
        assert cursor.fetchone()[0] == ["fillfactor=85"]
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'passnum_cheque'")
        indexes = [row[0] for row in cursor.fetchall()]
    written = ("statut", "redeemed_at", "redeemed_by_place_id", "redeemed_month")
    assert not [index for index in indexes if any(column in index for column in written)], indexes
    # The world's vouchers were issued by this test's transaction, on pages written with the fill factor.
    for code in world["codes"][:6]:
        redeem(world, code)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_updated(oid), pg_stat_get_xact_tuples_hot_updated(oid) "
            "FROM pg_class WHERE relname = 'passnum_cheque'"
        )
        updated, hot = cursor.fetchone()
    assert updated >= 6 and hot == updated, (updated, hot)


def test_a_place_history_lists_its_own_redemptions_only(world, client):
    """The place space reads a place's vouchers through its accepted log lines (no index on the redeeming place)."""
    neighbour = f.LieuQualifieFactory(lieu=LieuFactory(commune=world["place"].lieu.commune))
    world["users"]["voisin"] = f.member("lieu_pass", neighbour.lieu_id)
    mine = [redeem(world, code).cheque.pk for code in world["codes"][:3]]
    redeem(world, world["codes"][3], who="voisin", lieu=neighbour.lieu)
    with pytest.raises(services.EncaissementRefuse):
        redeem(world, world["codes"][0])  # a refusal at this place adds no voucher to its history
    recents = selectors.encaissements_recents(world["place"])
    assert sorted(c.pk for c in recents) == sorted(mine)
    assert selectors.encaissements_par_mois(world["place"]) == [
        {"redeemed_month": datetime.date(2026, 6, 1), "n": 3, "montant": 3 * recents[0].valeur}
    ]
    assert [c.code for c in selectors.encaissements_recents(neighbour)] == [world["codes"][3]]
    login(client, world["users"]["lieu"])
    page = client.get(reverse("passnum:lieu"), {"lieu": world["place"].lieu_id}).content.decode()
    assert "juin 2026" in page
    assert codes.format_code(world["codes"][0]) in page and codes.format_code(world["codes"][3]) not in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_each_attempt_is_committed_by_itself():
    world = f.build_world()
    code = world["codes"][0]
    redeem(world, code)
    with pytest.raises(services.EncaissementRefuse):
        redeem(world, code)
    connection.close()  # a new session sees only what was committed
    assert Cheque.objects.get(code=code).statut == StatutCheque.UTILISE
    assert list(TentativeEncaissement.objects.order_by("id").values_list("resultat", flat=True)) == [
        ResultatTentative.ACCEPTE,
        ResultatTentative.DEJA_UTILISE,
    ]


def test_territory_keys_come_from_the_loaded_place_or_one_query(world, django_assert_num_queries):
    place = world["place"].lieu
    expected = dict(zip(("commune", "departement", "region"), territory_keys(place), strict=True))
    (loaded,) = [lieu for lieu in selectors.lieux_of(world["users"]["lieu"]) if lieu.pk == place.pk]
    with django_assert_num_queries(0):  # the redeem page's place comes with its commune, département and région
        assert _territory_params(loaded) == expected
    bare = Lieu.objects.get(pk=place.pk)
    with django_assert_num_queries(1):
        assert _territory_params(bare) == expected
    lyon = world["place_lyon"].lieu
    assert _territory_params(Lieu.objects.get(pk=lyon.pk))["departement"] == "D:69" != expected["departement"]
