"""One-call registration of the coverage pages in "Mon espace" (called from `LieuxConfig.ready()`)."""

from cnfs.core.enums import Role
from cnfs.core.spaces import SECTIONS, SpaceCard

CARD = SpaceCard(
    title="Maillage territorial",
    description="Temps d’accès estimés aux lieux de médiation numérique, communes les moins bien desservies "
    "et propositions d’implantation de nouveaux sites.",
    url_name="lieux:maillage",
)


def register() -> None:
    """Add the "Maillage territorial" card for the national team, prefectures and hubs (idempotent)."""
    for role in (Role.ANCT, Role.PREFECTURE, Role.HUB):
        cards = SECTIONS[role.value]
        if CARD not in cards:
            cards.append(CARD)
