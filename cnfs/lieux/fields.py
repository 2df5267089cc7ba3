"""The columns of the national schema v1.0.1 and the `Lieu` fields behind them: one list for import, form and export.

Schema order is the order of the published CSV. Three columns have no field of their own: `id` (the producer's
local id, made unique across sources by the export), `commune` (the name of the linked commune) and `source`
(which, with `id`, is the identity of a place rather than data an import or an edit may rewrite).
"""

from __future__ import annotations

# Schema column → `Lieu` attribute (None: computed by the export, see above), in schema order.
SCHEMA_FIELDS: tuple[tuple[str, str | None], ...] = (
    ("id", None),
    ("pivot", "pivot"),
    ("nom", "nom"),
    ("commune", None),
    ("code_postal", "code_postal"),
    ("code_insee", "commune_id"),
    ("adresse", "adresse"),
    ("complement_adresse", "complement_adresse"),
    ("latitude", "latitude"),
    ("longitude", "longitude"),
    ("typologie", "typologie"),
    ("telephone", "telephone"),
    ("courriels", "courriels"),
    ("site_web", "site_web"),
    ("horaires", "horaires"),
    ("presentation_resume", "presentation_resume"),
    ("presentation_detail", "presentation_detail"),
    ("source", None),
    ("itinerance", "itinerance"),
    ("structure_parente", "structure_parente"),
    ("date_maj", "date_maj"),
    ("services", "services"),
    ("publics_specifiquement_adresses", "publics_specifiquement_adresses"),
    ("prise_en_charge_specifique", "prise_en_charge_specifique"),
    ("frais_a_charge", "frais_a_charge"),
    ("dispositif_programmes_nationaux", "dispositif_programmes_nationaux"),
    ("formations_labels", "formations_labels"),
    ("autres_formations_labels", "autres_formations_labels"),
    ("modalites_acces", "modalites_acces"),
    ("modalites_accompagnement", "modalites_accompagnement"),
    ("fiche_acces_libre", "fiche_acces_libre"),
    ("prise_rdv", "prise_rdv"),
)
SCHEMA_COLUMNS: tuple[str, ...] = tuple(column for column, _ in SCHEMA_FIELDS)

# Not in schema v1.0.1 (v0.1.1 had it): kept on the model, exported within `autres_formations_labels`.
PASS_NUMERIQUE_FIELD = "accepte_pass_numerique"

# What an import writes: every field of the schema, and the pass numérique flag (never `structure_id`, which
# belongs to the platform).
IMPORTED_FIELDS: tuple[str, ...] = (*(field for _, field in SCHEMA_FIELDS if field), PASS_NUMERIQUE_FIELD)

# What a manager edits through the form: the same but the update date, which the platform sets on each save.
EDITABLE_FIELDS: tuple[str, ...] = tuple(field for field in IMPORTED_FIELDS if field != "date_maj")
