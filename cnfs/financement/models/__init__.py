"""Models of the funding app, one module per entity group.

- `enveloppe`: budget envelopes and their committed and paid totals;
- `bareme`: the SMIC table and the subsidy rules;
- `convention`: conventions State ↔ structure, their payment schedules and the money departures free;
- `mobilier`: the furniture catalogue and equipment grant requests by places.
"""

from cnfs.financement.models.bareme import SUBVENTION_MAX, SUBVENTION_MIN, Bareme, Smic
from cnfs.financement.models.convention import Convention, Liberation, Versement
from cnfs.financement.models.enveloppe import Enveloppe
from cnfs.financement.models.mobilier import DemandeMobilier, ModeleMobilier

__all__ = [
    "SUBVENTION_MAX",
    "SUBVENTION_MIN",
    "Bareme",
    "Convention",
    "DemandeMobilier",
    "Enveloppe",
    "Liberation",
    "ModeleMobilier",
    "Smic",
    "Versement",
]
