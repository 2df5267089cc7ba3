"""Every write of permanences, ateliers, bookings and appointments: one transaction each, e-mails after commit.

One module per area; import from here (`from cnfs.activite.ateliers import services`).
"""

from cnfs.activite.ateliers.services._common import CRENEAU_DUREES, DEFAULT_PURGE_DAYS, purge_days
from cnfs.activite.ateliers.services.ateliers import (
    atelier_cancel,
    atelier_capacite_update,
    atelier_create,
    atelier_details_update,
    presences_record,
    reservation_cancel,
    reservation_create,
    reservation_from_token,
)
from cnfs.activite.ateliers.services.permanences import permanence_create, permanence_delete
from cnfs.activite.ateliers.services.rendezvous import (
    creneau_delete,
    creneaux_publish,
    rendezvous_book,
    rendezvous_cancel,
    rendezvous_compte_rendu,
    rendezvous_from_token,
)
from cnfs.activite.ateliers.services.taches import rappels_send, reservations_purge

__all__ = [
    "CRENEAU_DUREES",
    "DEFAULT_PURGE_DAYS",
    "atelier_cancel",
    "atelier_capacite_update",
    "atelier_create",
    "atelier_details_update",
    "creneau_delete",
    "creneaux_publish",
    "permanence_create",
    "permanence_delete",
    "presences_record",
    "purge_days",
    "rappels_send",
    "rendezvous_book",
    "rendezvous_cancel",
    "rendezvous_compte_rendu",
    "rendezvous_from_token",
    "reservation_cancel",
    "reservation_create",
    "reservation_from_token",
    "reservations_purge",
]
