"""Retention of personal data: names of booklet holders and refused attempts go, the accounting evidence stays."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cnfs.activite.services import months_before
from cnfs.core.models import AuditEvent
from cnfs.passnum import services
from cnfs.passnum.enums import ResultatTentative
from cnfs.passnum.models import Carnet, TentativeEncaissement

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(world):
    """One booklet handed to a named person (with consent), one accepted and one refused attempt."""
    carnet = world["commande"].carnets.order_by("numero").first()
    services.carnets_distribuer(
        actor=world["users"]["distributeur"],
        carnet_ids=[carnet.pk],
        public="seniors",
        consentement=True,
        beneficiaire_nom="Léa M.",
    )
    services.cheque_encaisser(code=world["codes"][0], lieu=world["place"].lieu, user=world["users"]["lieu"])
    with pytest.raises(services.EncaissementRefuse):
        services.cheque_encaisser(code=world["codes"][0], lieu=world["place"].lieu, user=world["users"]["lieu"])
    world["carnet"] = carnet
    return world


def _names_due(world) -> datetime.date:
    """The first day on which the order's names are past retention."""
    return months_before(world["commande"].date_limite_encaissement, -12) + datetime.timedelta(days=1)


def _attempts_due() -> datetime.date:
    return months_before(timezone.localdate(), -12) + datetime.timedelta(days=1)


def test_nothing_is_erased_before_the_retention_periods_end(named):
    day = min(_names_due(named), _attempts_due()) - datetime.timedelta(days=1)
    done = services.donnees_retention(today=day)
    assert (done.noms_effaces, done.tentatives_supprimees) == (0, 0)
    named["carnet"].refresh_from_db()
    assert (named["carnet"].beneficiaire_nom, named["carnet"].consentement) == ("Léa M.", True)
    assert TentativeEncaissement.objects.count() == 2
    assert not AuditEvent.objects.filter(action="passnum.retention").exists()


def test_names_are_erased_12_months_after_the_orders_last_redemption_day(named):
    done = services.donnees_retention(today=_names_due(named))
    assert done.noms_effaces == 1
    carnet = Carnet.objects.get(pk=named["carnet"].pk)
    # The booklet stays, anonymous: its status and public still count in the statistics.
    assert (carnet.beneficiaire_nom, carnet.consentement, carnet.public) == ("", False, "seniors")
    entry = AuditEvent.objects.get(action="passnum.retention")
    assert entry.after["noms_effaces"] == 1 and "Léa" not in str(entry.after)
    assert services.donnees_retention(today=_names_due(named)).noms_effaces == 0


def test_refused_attempts_go_after_12_months_accepted_ones_stay(named):
    done = services.donnees_retention(today=_attempts_due())
    assert done.tentatives_supprimees == 1
    assert list(TentativeEncaissement.objects.values_list("resultat", flat=True)) == [ResultatTentative.ACCEPTE]


def test_dry_run_counts_and_writes_nothing(named):
    day = max(_names_due(named), _attempts_due())
    done = services.donnees_retention(today=day, dry_run=True)
    assert (done.noms_effaces, done.tentatives_supprimees) == (1, 1)
    assert Carnet.objects.filter(beneficiaire_nom="Léa M.").exists()
    assert TentativeEncaissement.objects.count() == 2
    assert not AuditEvent.objects.filter(action="passnum.retention").exists()


def test_command_reports_in_french_and_refuses_a_bad_date(named, capsys):
    day = max(_names_due(named), _attempts_due())
    call_command("passnum", "retention", "--date", day.isoformat(), "--dry-run")
    out = capsys.readouterr().out
    assert "1 nom(s) de bénéficiaire seraient effacés" in out
    assert "1 tentative(s) refusée(s) seraient supprimées" in out
    assert Carnet.objects.filter(beneficiaire_nom="Léa M.").exists()
    with pytest.raises(SystemExit):
        call_command("passnum", "retention", "--date", "31/12/2027")
    assert "Date invalide" in capsys.readouterr().err
    assert Carnet.objects.filter(beneficiaire_nom="Léa M.").exists()
    call_command("passnum", "retention", "--date", day.isoformat())
    assert "1 nom(s) de bénéficiaire effacés" in capsys.readouterr().out
    assert not Carnet.objects.filter(beneficiaire_nom="Léa M.").exists()
