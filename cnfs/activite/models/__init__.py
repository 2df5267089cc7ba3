"""Models of field activity, one module per entity group.

- `lieu_activite`: the places where an advisor works (one principal);
- `beneficiaire`: people followed by name, only with their recorded consent;
- `accompagnement`: activity records (CRA) and their topics.
"""

from cnfs.activite.models.accompagnement import Accompagnement, AccompagnementQuerySet, AccompagnementTheme
from cnfs.activite.models.beneficiaire import Beneficiaire
from cnfs.activite.models.lieu_activite import LieuActivite

__all__ = [
    "Accompagnement",
    "AccompagnementQuerySet",
    "AccompagnementTheme",
    "Beneficiaire",
    "LieuActivite",
]
