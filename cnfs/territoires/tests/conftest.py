import csv
import gzip
import io

import pytest
from django.core.management import call_command

from cnfs.territoires.models import Commune, CommuneSearchKey, Departement, Epci, Hub, Region
from cnfs.territoires.sources import COMMUNES_FILE, DATA_DIR

# A small but varied subset: Loire (Saint-Étienne), Rhône (Lyon and its postcodes, a commune whose boundary is
# rebuilt from its delegated communes), Corse-du-Sud (code with a letter), Guadeloupe (overseas).
SUBSET = ["2A", "42", "69", "971"]


def committed_communes(departements=None) -> list[dict]:
    """Rows of the committed communes file, read independently of the code under test."""
    with gzip.open(DATA_DIR / COMMUNES_FILE, "rt", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return [row for row in rows if departements is None or row["departement"] in departements]


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("territoires", "load", *args, stdout=out)
    return out.getvalue()


def wipe_territoires() -> None:
    CommuneSearchKey.objects.all().delete()
    Commune.objects.all().delete()
    Hub.objects.all().delete()
    Epci.objects.all().delete()
    Departement.objects.all().delete()
    Region.objects.all().delete()


@pytest.fixture(scope="module")
def loaded_subset(django_db_setup, django_db_blocker):
    """The subset loaded once for a module of read-only tests, and removed afterwards."""
    with django_db_blocker.unblock():
        load("--departements", ",".join(SUBSET))
        yield
        wipe_territoires()
