"""Reference data seeded by migration 0002 and by `cnfs financement init`: amounts are data, not code.

The national team edits envelopes and barèmes in its pages or in the back-office; the SMIC table gets a new row
at each revaluation (back-office, or `cnfs financement smic AAAA-MM-JJ MONTANT`).
"""

PROGRAMME = "France Relance — inclusion numérique"

# (destination, label, amount in cents, period start, period end)
ENVELOPPES = [
    ("conseillers", "Formation et activité des conseillers numériques", 200_000_000_00, "2020-12-01", "2026-12-31"),
    ("mobilier", "Lieux et mobilier conçu pour eux", 40_000_000_00, "2020-12-01", "2026-12-31"),
    ("aidants_connect", "Généralisation d’Aidants Connect", 10_000_000_00, "2020-12-01", "2026-12-31"),
]

# Revaluations of the SMIC (metropolitan France, 35 h a week = 151,67 h a month): effective date, monthly gross and
# hourly gross in cents, and the kind of revaluation. Later revaluations are added as data.
SMIC = [
    ("2020-01-01", 1_539_42, 10_15, "Revalorisation annuelle"),
    ("2021-01-01", 1_554_58, 10_25, "Revalorisation annuelle"),
    ("2021-10-01", 1_589_47, 10_48, "Revalorisation automatique (inflation supérieure à 2 %)"),
    ("2022-01-01", 1_603_12, 10_57, "Revalorisation annuelle"),
    ("2022-05-01", 1_645_58, 10_85, "Revalorisation automatique (inflation supérieure à 2 %)"),
    ("2022-08-01", 1_678_95, 11_07, "Revalorisation automatique (inflation supérieure à 2 %)"),
    ("2023-01-01", 1_709_28, 11_27, "Revalorisation annuelle"),
    ("2023-05-01", 1_747_20, 11_52, "Revalorisation automatique (inflation supérieure à 2 %)"),
    ("2024-01-01", 1_766_92, 11_65, "Revalorisation annuelle"),
    ("2024-11-01", 1_801_80, 11_88, "Revalorisation anticipée"),
]

_PUBLICS = ["commune", "epci", "departement", "region", "autre_collectivite", "gip"]
_PRIVES = ["association", "entreprise_ess", "entreprise_privee"]

# (label, structure types (empty: all), modality, % of SMIC, months, fixed amount per post in cents)
BAREMES = [
    ("Collectivités et GIP — forfait de 50 000 € sur 24 mois", _PUBLICS, "forfait", None, 24, 50_000_00),
    ("Structures privées — forfait de 40 000 € sur 24 mois", _PRIVES, "forfait", None, 24, 40_000_00),
    ("100 % du SMIC sur 24 mois", [], "smic", 100, 24, None),
    ("70 % du SMIC sur 36 mois", [], "smic", 70, 36, None),
]


def seed(enveloppe_model, smic_model, bareme_model) -> dict[str, int]:
    """Create the missing reference rows; never overwrite one (the national team may have edited it).

    Takes the model classes so that the data migration can pass its historical models.
    """
    import datetime

    created = {"enveloppes": 0, "smic": 0, "baremes": 0}
    for destination, libelle, montant, debut, fin in ENVELOPPES:
        _, new = enveloppe_model.objects.get_or_create(
            programme=PROGRAMME,
            libelle=libelle,
            defaults={
                "destination": destination,
                "montant": montant,
                "date_debut": datetime.date.fromisoformat(debut),
                "date_fin": datetime.date.fromisoformat(fin),
            },
        )
        created["enveloppes"] += new
    for date_effet, mensuel, horaire, source in SMIC:
        _, new = smic_model.objects.get_or_create(
            date_effet=datetime.date.fromisoformat(date_effet),
            defaults={"montant_mensuel_brut": mensuel, "horaire_brut": horaire, "source": source},
        )
        created["smic"] += new
    for libelle, types, modalite, taux, duree, forfait in BAREMES:
        _, new = bareme_model.objects.get_or_create(
            libelle=libelle,
            defaults={
                "types_structure": types,
                "modalite": modalite,
                "taux_smic": taux,
                "duree_mois": duree,
                "montant_forfait": forfait,
            },
        )
        created["baremes"] += new
    return created
