"""Parallel writers never fork the journal's chain, and parallel mandates never leave two active authorisations
for the same démarche. PostgreSQL only (real parallel connections, advisory and row locks)."""

import threading

import pytest
from django.db import connection

from cnfs.aidants import services
from cnfs.aidants.enums import ActionJournal, Demarche
from cnfs.aidants.models import Autorisation, JournalEntry
from cnfs.aidants.models.journal import GENESIS_HASH

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("purge_journal_after"),
]

THREADS = 8
PER_THREAD = 25


def _run_in_threads(target, count):
    barrier = threading.Barrier(count)
    errors: list[str] = []

    def run(index):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            target(index)
        except Exception as error:  # noqa: BLE001 — reported below, the test fails on it
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_parallel_appends_make_one_linear_chain():
    def write(index):
        for n in range(PER_THREAD):
            services.journal_append(action=ActionJournal.AUTORISATION_VERIFIEE, organisation=index, payload={"n": n})

    errors = _run_in_threads(write, THREADS)
    assert errors == []
    rows = list(JournalEntry.objects.order_by("seq").values_list("seq", "previous_hash", "entry_hash"))
    assert [seq for seq, _, _ in rows] == list(range(1, THREADS * PER_THREAD + 1))
    previous = GENESIS_HASH
    for _, prev, digest in rows:
        assert prev == previous
        previous = digest
    assert len({prev for _, prev, _ in rows}) == len(rows)  # no two entries share a parent: no fork
    report = services.journal_verify()
    assert report.ok and report.checked == THREADS * PER_THREAD


def test_parallel_mandates_for_one_usager_keep_one_active_authorisation():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cnfs.aidants.tests.factories import OrganisationFactory, aidant_user
    from cnfs.core.services.otp import totp_device_create_confirmed
    from cnfs.core.tests.auth import totp_code

    org = OrganisationFactory()
    aidants = [aidant_user(org) for _ in range(4)]
    for user in aidants:
        totp_device_create_confirmed(user=user)
    claims = {"sub": "fc-concurrent", "given_name": "Lou", "family_name": "Durand", "birthdate": "1960-01-01"}
    services.usager_from_identity(claims)  # the usager exists; each thread adds a mandate for them

    def give(index):
        user = aidants[index]
        code = totp_code(TOTPDevice.objects.get(user=user))
        services.mandat_create(
            aidant_user=user, claims=claims, demarches=[Demarche.SOCIAL], duree="mois", totp_code=code
        )

    errors = _run_in_threads(give, len(aidants))
    assert errors == []
    assert Autorisation.objects.active().filter(demarche=Demarche.SOCIAL).count() == 1
    assert Autorisation.objects.filter(demarche=Demarche.SOCIAL).count() == 4
    assert services.journal_verify().ok
