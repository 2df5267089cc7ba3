"""Who may see or do what with pass numériques. Scope is read once per request (`Scope.for_user`).

- a buyer (`commanditaire` role, object_id: the `Commanditaire` id) manages its orders and their booklets;
- a distributor (`distributeur`, object_id: the `Distributeur` id) hands out the booklets it received;
- a place (`lieu_pass`, object_id: the `lieux.Lieu` id) applies for qualification and redeems vouchers;
- the national team reviews qualifications and sees everything; a buyer may also review the places of the
  territories its orders cover.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied

from cnfs.core.enums import Role
from cnfs.core.permissions import Scope, is_national
from cnfs.passnum.enums import StatutCommande


def _ids(user, role: str) -> set[int]:
    if not user.is_authenticated:
        return set()
    return {int(oid) for oid in Scope.for_user(user).object_ids(role) if oid.isdigit()}


def commanditaire_ids(user) -> set[int]:
    """Buyers the user acts for."""
    return _ids(user, Role.COMMANDITAIRE)


def distributeur_ids(user) -> set[int]:
    """Distributors the user works for."""
    return _ids(user, Role.DISTRIBUTEUR)


def lieu_ids(user) -> set[int]:
    """Places (`lieux.Lieu` ids) the user redeems vouchers for."""
    return _ids(user, Role.LIEU_PASS)


def can_manage_commanditaire(user, commanditaire_id: int) -> bool:
    """A buyer's orders are managed by its own staff and watched by the national team."""
    return is_national(user) or commanditaire_id in commanditaire_ids(user)


def can_view_commande(user, commande) -> bool:
    """The buyer of the order and the national team."""
    return can_manage_commanditaire(user, commande.commanditaire_id)


def can_distribute(user, carnet) -> bool:
    """Only the distributor that received the booklet hands it out."""
    return carnet.distributeur_id is not None and carnet.distributeur_id in distributeur_ids(user)


def can_act_for_lieu(user, lieu_id: int) -> bool:
    """A place's own staff (role `lieu_pass` on that place) applies and redeems; nobody else redeems for it."""
    return lieu_id in lieu_ids(user)


def territory_keys(lieu) -> list[str]:
    """The three territory keys of a place (its commune, département and région), as `ZoneCommande.cle`."""
    commune = lieu.commune
    return [f"C:{commune.code}", f"D:{commune.departement.code}", f"R:{commune.region.code}"]


def can_review_qualification(user, qualification) -> bool:
    """The national team; or a buyer with a live order valid where the place stands ("the buyer's territory")."""
    if is_national(user):
        return True
    buyers = commanditaire_ids(user)
    if not buyers:
        return False
    from cnfs.passnum.models import ZoneCommande

    return ZoneCommande.objects.filter(
        commande__commanditaire_id__in=buyers,
        commande__statut__in=[StatutCommande.ENGAGEE, StatutCommande.EMISE],
        cle__in=territory_keys(qualification.lieu),
    ).exists()


def can_review_any_qualification(user) -> bool:
    """Who sees the review queue at all: the national team and buyers (each sees the places of its territory)."""
    return is_national(user) or bool(commanditaire_ids(user))


def _required(predicate, message: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


commanditaire_required = _required(
    lambda user: bool(commanditaire_ids(user)) or is_national(user),
    "Cette page est réservée aux commanditaires de pass numériques.",
)
distributeur_required = _required(
    lambda user: bool(distributeur_ids(user)), "Cette page est réservée aux distributeurs de pass numériques."
)
lieu_required = _required(
    lambda user: bool(lieu_ids(user)), "Cette page est réservée aux lieux qui accueillent les pass numériques."
)
national_required = _required(is_national, "Cette page est réservée à l’équipe nationale.")
reviewer_required = _required(
    can_review_any_qualification, "Cette page est réservée à l’équipe nationale et aux commanditaires."
)
