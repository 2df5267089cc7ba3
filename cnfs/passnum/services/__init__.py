"""Services of the pass numérique: every write that carries a rule, one transaction each."""

from cnfs.passnum.services.commandes import (
    carnet_annuler,
    carnets_attribuer,
    commande_annuler,
    commande_create,
    commande_emettre,
    commandes_expirer,
)
from cnfs.passnum.services.distribution import carnets_distribuer
from cnfs.passnum.services.encaissement import Encaissement, EncaissementRefuse, cheque_encaisser, code_check
from cnfs.passnum.services.paiements import (
    avoirs_generer,
    expirer,
    lot_marquer_paye,
    lot_preparer,
    lot_transmettre,
    mois_parse,
    releves_generer,
)
from cnfs.passnum.services.qualification import qualification_decider, qualification_demander
from cnfs.passnum.services.retention import Retention, donnees_retention

__all__ = [
    "Encaissement",
    "EncaissementRefuse",
    "Retention",
    "carnet_annuler",
    "carnets_attribuer",
    "carnets_distribuer",
    "cheque_encaisser",
    "code_check",
    "commande_annuler",
    "commande_create",
    "commande_emettre",
    "commandes_expirer",
    "donnees_retention",
    "qualification_decider",
    "qualification_demander",
    # money side
    "avoirs_generer",
    "expirer",
    "lot_marquer_paye",
    "lot_preparer",
    "lot_transmettre",
    "mois_parse",
    "releves_generer",
]
