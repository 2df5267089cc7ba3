"""The module catalogue the platform starts with: the initial pathway by Pix level, and continuing training.

Level 3 → SOCLE (70 h); level 2 → SOCLE + USAGES (210 h); level 1 or no positioning → all three (420 h): each
initial module is required up to its `palier_max`. The initial migration seeds these rows; the national team
edits them in the back-office afterwards. `ensure_catalogue` recreates missing rows (tests whose database was flushed).
"""

from __future__ import annotations

# code, libellé, nature, durée (h), palier_max, ordre
MODULES = [
    ("fi-socle", "Socle : posture de médiateur et accompagnement des publics", "initiale", 70, 3, 1),
    ("fi-usages", "Usages du quotidien et démarches en ligne", "initiale", 140, 2, 2),
    ("fi-fondamentaux", "Fondamentaux du numérique : matériel, Internet, sécurité", "initiale", 210, 1, 3),
    ("fc-cybersecurite", "Cybersécurité et protection des données personnelles", "continue", 14, None, 1),
    ("fc-handicap", "Accompagner les personnes en situation de handicap", "continue", 14, None, 2),
    ("fc-ateliers", "Concevoir et animer des ateliers collectifs", "continue", 21, None, 3),
]


def ensure_catalogue(model=None) -> int:
    """Create the catalogue's missing modules (never changes an existing one). Returns how many were created."""
    if model is None:
        from cnfs.formation.models import ModuleFormation as model
    created = 0
    for code, libelle, nature, duree, palier_max, ordre in MODULES:
        _, was_created = model.objects.get_or_create(
            code=code,
            defaults={
                "libelle": libelle,
                "nature": nature,
                "duree_heures": duree,
                "palier_max": palier_max,
                "ordre": ordre,
            },
        )
        created += was_created
    return created
