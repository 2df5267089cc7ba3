"""Models of the recruitment chain, one module per entity group.

- `structure`: host organisations and their quota counters;
- `demande`: requests for posts, amendments, prefecture opinions, committee sessions and decisions;
- `candidature`: applications (also the advisor's lifecycle);
- `mise_en_relation`: matches between candidates and structures, contracts and departures;
- `message`: messages from structures to the candidates they are in relation with.
"""

from cnfs.recrutement.models.candidature import Candidature
from cnfs.recrutement.models.demande import AvenantPostes, AvisPrefet, DecisionComite, DemandePostes, SessionComite
from cnfs.recrutement.models.message import Message
from cnfs.recrutement.models.mise_en_relation import Contrat, MiseEnRelation, Rupture
from cnfs.recrutement.models.structure import Structure

__all__ = [
    "AvenantPostes",
    "AvisPrefet",
    "Candidature",
    "Contrat",
    "DecisionComite",
    "DemandePostes",
    "Message",
    "MiseEnRelation",
    "Rupture",
    "SessionComite",
    "Structure",
]
