"""`accompagnements_changed`: sent by every write of `cnfs.activite.services`, inside its transaction.

Receivers (the pilotage rollups) get `before` and `after`, two lists of plain dicts with the keys of
`ROLLUP_FIELDS` plus `themes` (a sorted list of topic codes). `before` is empty on a creation, `after` empty on
a deletion (archive); an update sends the old and the new state. A bulk import sends one signal once all its rows
are written, with `inserted`, the ids of the new records of `after` (a lazy sequence: receivers that can read the
rows back from the database, as the PostgreSQL rollups do, need not iterate it). Other writes send `inserted=()`
or nothing.
"""

from django.dispatch import Signal

accompagnements_changed = Signal()

ROLLUP_FIELDS = (
    "conseiller_id",
    "structure_id",
    "lieu_id",
    "commune_id",
    "departement_code",
    "date",
    "type",
    "canal",
    "duree_minutes",
    "participants",
    "participants_recurrents",
    "age_moins_12",
    "age_12_18",
    "age_18_35",
    "age_35_60",
    "age_plus_60",
    "statut_etudiant",
    "statut_sans_emploi",
    "statut_en_emploi",
    "statut_retraite",
    "statut_non_renseigne",
    "orientation",
)


def rollup_dict(accompagnement, themes) -> dict:
    """The rollup view of one record: its `ROLLUP_FIELDS` and its sorted topic codes."""
    row = {name: getattr(accompagnement, name) for name in ROLLUP_FIELDS}
    row["themes"] = sorted(themes)
    return row
