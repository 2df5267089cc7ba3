"""Models of Aidants Connect, one module per entity group.

- `organisation`: habilitated organisations, habilitation requests, aidants;
- `mandat`: usagers, mandates and their authorisations;
- `idp`: uses of a mandate by online services (cnfs as an OpenID Connect provider);
- `journal`: the append-only, hash-chained journal of every act.
"""

from cnfs.aidants.models.carte import CarteTOTP
from cnfs.aidants.models.idp import UtilisationMandat
from cnfs.aidants.models.journal import JournalEntry
from cnfs.aidants.models.mandat import Autorisation, Mandat, Usager
from cnfs.aidants.models.organisation import Aidant, DemandeHabilitation, Organisation

__all__ = [
    "Aidant",
    "Autorisation",
    "CarteTOTP",
    "DemandeHabilitation",
    "JournalEntry",
    "Mandat",
    "Organisation",
    "Usager",
    "UtilisationMandat",
]
