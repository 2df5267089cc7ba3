"""Models of field activity, one module per entity group.

- `lieu_activite`: the places where an advisor works (one principal);
- `beneficiaire`: people followed by name, only with their recorded consent;
- `accompagnement`: activity records (CRA) and their topics;
- `permanence`, `atelier`, `rendezvous`: recurring hours, workshops with public booking, appointment slots.
"""

from cnfs.activite.models.accompagnement import Accompagnement, AccompagnementQuerySet, AccompagnementTheme
from cnfs.activite.models.atelier import Atelier, Reservation
from cnfs.activite.models.beneficiaire import Beneficiaire
from cnfs.activite.models.lieu_activite import LieuActivite
from cnfs.activite.models.permanence import Permanence
from cnfs.activite.models.rendezvous import Creneau, RendezVous

__all__ = [
    "Accompagnement",
    "AccompagnementQuerySet",
    "AccompagnementTheme",
    "Beneficiaire",
    "LieuActivite",
    "Permanence",
    "Atelier",
    "Reservation",
    "Creneau",
    "RendezVous",
]
