"""`cnfs financement`: the invariant check (exit code 1 on a breach), reference data, SMIC table."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cnfs.financement import services
from cnfs.financement.models import Convention, Enveloppe, Smic, Versement
from cnfs.financement.tests.factories import START, BaremeFactory, EnveloppeFactory, structure_with_quota
from cnfs.recrutement.tests.factories import national_agent

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    import io

    out = io.StringIO()
    call_command("financement", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def signed():
    anct = national_agent()
    convention = services.convention_create(
        actor=anct,
        structure=structure_with_quota(2),
        bareme=BaremeFactory(),
        nombre_postes=2,
        date_debut=START,
        enveloppe=EnveloppeFactory(),
    )
    return services.convention_sign(actor=anct, convention=convention)


def test_verifier_passes_on_consistent_data(signed):
    out = _run("verifier")
    assert "Tous les invariants du budget sont respectés." in out
    assert "ÉCHEC" not in out


def test_verifier_reports_a_tampered_envelope_and_exits_1(signed):
    # Someone changed the committed total by hand (within the database's bounds).
    Enveloppe.objects.filter(pk=signed.enveloppe_id).update(engage=90_000_00)
    with pytest.raises(CommandError) as error:
        _run("verifier")
    assert error.value.returncode == 1


def test_verifier_reports_each_breach_in_french(signed, capsys):
    Versement.objects.filter(convention=signed, numero=2).update(montant=49_999_00)
    import io

    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("financement", "verifier", stdout=out)
    text = out.getvalue().replace("\u202f", " ").replace("\xa0", " ")
    assert f"Convention n° {signed.pk} : échéances 99 999,00 €, subvention nette 100 000,00 €." in text
    assert "[ÉCHEC] Échéancier de chaque convention signée" in text
    assert "1 anomalie(s) détectée(s)." in text


def test_verifier_catches_over_granted_posts(signed):
    Convention.objects.filter(pk=signed.pk).update(nombre_postes=3, montant_total=150_000_00)
    from cnfs.financement.verification import verify

    report = verify()
    labels = {check.label: check.breaches for check in report.checks}
    assert any("3 poste(s) sous convention pour 2 accordé(s)" in b for b in sum(labels.values(), []))


def test_init_never_overwrites_edited_reference_data():
    Enveloppe.objects.filter(destination="mobilier").update(montant=41_000_000_00)
    out = _run("init")
    assert "0 enveloppe(s), 0 valeur(s) du SMIC, 0 barème(s) créé(s)" in out
    assert Enveloppe.objects.get(destination="mobilier").montant == 41_000_000_00
    Enveloppe.objects.filter(destination="aidants_connect").delete()
    assert "1 enveloppe(s)" in _run("init")


def test_smic_revaluation_added_and_bad_input_refused():
    out = _run("smic", "2026-01-01", "1 823,03", "12,02", "--source", "Revalorisation annuelle")
    assert Smic.objects.get(date_effet=datetime.date(2026, 1, 1)).montant_mensuel_brut == 1_823_03
    assert "SMIC au 01/01/2026" in out
    with pytest.raises(CommandError, match="existe déjà"):
        _run("smic", "2026-01-01", "1 900,00", "12,50")
    with pytest.raises(CommandError, match="n’est pas un montant"):
        _run("smic", "2027-01-01", "beaucoup", "12,50")
    with pytest.raises(CommandError, match="Date invalide"):
        _run("smic", "01/01/2027", "1 900,00", "12,50")


def test_enveloppes_listing():
    out = _run("enveloppes").replace("\u202f", " ").replace("\xa0", " ")
    assert "200 000 000,00 €" in out and "Lieux et mobilier" in out
