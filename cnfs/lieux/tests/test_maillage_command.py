"""`cnfs maillage` on the command line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cnfs.lieux.maillage import selectors
from cnfs.lieux.tests.test_maillage_selectors import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_memo():
    selectors.clear_caches()
    yield
    selectors.clear_caches()


@pytest.fixture
def world():
    return build_world()


def run(*args) -> str:
    out = StringIO()
    call_command("maillage", *args, stdout=out)
    return out.getvalue()


def test_national_summary(world):
    output = run()
    assert "Maillage territorial — France entière" in output
    assert "en attendant un calculateur d’itinéraires" in output
    assert "Loire (42)" in output and "Rhône (69)" in output
    assert "Montbrison (42147)" in output


def test_departement_with_placement_and_csv(world, tmp_path):
    target = tmp_path / "communes.csv"
    output = run("--departement", "42", "--placer", "2", "--csv", str(target))
    assert "Sites proposés" in output and "Chalmazel-Jeansagnière (42044)" in output
    assert "+16\u202f477 habitants" in output
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Code INSEE;Commune;Code département;Population;")
    assert len(lines) == 5
    exact = run("--departement", "42", "--placer", "1", "--exact", "--label", "france_services", "--toutes-communes")
    assert "exact (PLNE)" in exact and "Roanne (42187)" in exact


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--departement", "99"], "Département inconnu : 99."),
        (["--label", "bibliotheque"], "Label inconnu"),
        (["--placer", "0"], "entre 1 et 1000"),
        (["--seuil", "0"], "entre 1 et 240"),
    ],
)
def test_bad_arguments(world, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_without_communes():
    with pytest.raises(CommandError, match="cnfs territoires load"):
        run()


def test_unwritable_csv(world, tmp_path):
    with pytest.raises(CommandError, match="Impossible d’écrire"):
        run("--csv", str(tmp_path / "absent" / "x.csv"))
