""" "Mon espace" cards and navigation of ateliers, permanences and appointments (called from the AppConfig)."""

from cnfs.core.enums import Role
from cnfs.core.navigation import PUBLIC_ITEMS, NavItem
from cnfs.core.spaces import SECTIONS, SpaceCard

CARDS = [
    SpaceCard(
        "Mes ateliers",
        "Programmer des ateliers ouverts à l’inscription du public, suivre les inscrits, saisir les présences.",
        "activite:mes_ateliers",
    ),
    SpaceCard(
        "Mes permanences et rendez-vous",
        "Vos horaires dans vos lieux d’activité, les créneaux de rendez-vous et les rendez-vous pris.",
        "activite:mes_permanences",
    ),
]


def register() -> None:
    for role in (Role.CONSEILLER, Role.COORDINATEUR):
        existing = {card.url_name for card in SECTIONS[role]}
        SECTIONS[role].extend(card for card in CARDS if card.url_name not in existing)
    if not any(item.url_name == "activite:ateliers_publics" for item in PUBLIC_ITEMS):
        PUBLIC_ITEMS.append(NavItem("Ateliers", "activite:ateliers_publics"))
