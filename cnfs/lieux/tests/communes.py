"""Real communes for import tests, through the territories loader (`cnfs territoires load --departements …`)."""

from __future__ import annotations

import io

from django.core.management import call_command

AURA = ("01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74")


def load_communes(departements=AURA) -> None:
    """Load the communes (with départements, régions, EPCI) of `departements` from the committed reference file."""
    call_command("territoires", "load", "--departements", ",".join(departements), stdout=io.StringIO())
