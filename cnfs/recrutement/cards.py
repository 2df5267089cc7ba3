""" "Mon espace" cards of the recruitment's file pages and global suggestion (registered by `apps.py`)."""

from cnfs.core.enums import Role
from cnfs.core.spaces import SpaceCard

EXPORTS = SpaceCard(
    "Exports du recrutement",
    "Candidatures, recrutements, structures et ruptures de votre périmètre, en CSV ou XLSX.",
    "recrutement:export_index",
)
SUGGESTION = SpaceCard(
    "Suggestion globale de recrutement",
    "L’affectation qui pourvoit le plus de postes ouverts avec les candidats disponibles, à vol d’oiseau.",
    "recrutement:suggestion",
)

FILE_CARDS: dict[str, list[SpaceCard]] = {
    Role.ANCT: [
        SUGGESTION,
        EXPORTS,
        SpaceCard(
            "Importer des résultats Pix",
            "L’export CSV d’une campagne Pix Orga : niveau et compétences des candidats.",
            "recrutement:import_pix",
        ),
        SpaceCard(
            "Importer les zones prioritaires",
            "Les drapeaux QPV et ZRR / FRR des structures, par SIRET ou par commune.",
            "recrutement:import_zones",
        ),
    ],
    Role.HUB: [SUGGESTION, EXPORTS],
    Role.PREFECTURE: [SUGGESTION, EXPORTS],
    Role.STRUCTURE: [EXPORTS],
}
