"""Models of the pass numérique, one module per entity group.

- `acteurs`: qualified places, buyers (commanditaires) and distributors (prescripteurs);
- `commande`: the State co-funding envelopes, orders and the territory where their vouchers are valid;
- `cheque`: booklets, vouchers and the log of every redemption attempt.

Membership goes through `core.RoleAssignment` on the organisation scope: role `commanditaire` with `object_id` the
`Commanditaire` id, `distributeur` with the `Distributeur` id, `lieu_pass` with the `lieux.Lieu` id (a place may
apply before it has a `LieuQualifie` row).
"""

from cnfs.passnum.models.acteurs import Commanditaire, Distributeur, LieuQualifie
from cnfs.passnum.models.cheque import Carnet, Cheque, TentativeEncaissement
from cnfs.passnum.models.commande import Commande, EnveloppeEtat, ZoneCommande
from cnfs.passnum.models.paiement import Avoir, LotPaiement, ReleveMensuel

__all__ = [
    "Avoir",
    "LotPaiement",
    "ReleveMensuel",
    "Carnet",
    "Cheque",
    "Commande",
    "Commanditaire",
    "Distributeur",
    "EnveloppeEtat",
    "LieuQualifie",
    "TentativeEncaissement",
    "ZoneCommande",
]
