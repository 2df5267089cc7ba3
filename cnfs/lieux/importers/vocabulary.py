"""The two vocabularies of the schema (v1.0.1 and the older v0.1.1) and how v0.1.1 values map onto v1.0.1.

Pure data and pure functions: parsing a cell of an enumerated list into slugs, or a French reason why not.
"""

from __future__ import annotations

import re
import unicodedata

from cnfs.lieux.enums import (
    Dispositif,
    FormationLabel,
    Frais,
    ModaliteAccompagnement,
    PriseEnCharge,
    PublicAdresse,
    Service,
)

V1 = "v1.0.1"
V0 = "v0.1.1"

# Columns only the old vocabulary has: any of them in a header means v0.1.1.
V0_ONLY_COLUMNS = frozenset(
    {
        "publics_accueillis",
        "conditions_acces",
        "labels_nationaux",
        "labels_autres",
        "courriel",
        "accessibilite",
        "cle_ban",
    }
)
V1_ONLY_COLUMNS = frozenset(
    {
        "publics_specifiquement_adresses",
        "prise_en_charge_specifique",
        "frais_a_charge",
        "dispositif_programmes_nationaux",
        "formations_labels",
        "autres_formations_labels",
        "modalites_acces",
        "courriels",
        "itinerance",
        "fiche_acces_libre",
    }
)
REQUIRED_COLUMNS = ("id", "nom", "commune", "code_postal", "adresse")

# Old services (15) → current services (9).
V0_SERVICES: dict[str, str] = {
    "Devenir autonome dans les démarches administratives": Service.AIDE_DEMARCHES,
    "Réaliser des démarches administratives avec un accompagnement": Service.AIDE_DEMARCHES,
    "Accompagner les démarches de santé": Service.AIDE_DEMARCHES,
    "Prendre en main un smartphone ou une tablette": Service.MAITRISE_OUTILS,
    "Prendre en main un ordinateur": Service.MAITRISE_OUTILS,
    "Utiliser le numérique au quotidien": Service.MAITRISE_OUTILS,
    "Approfondir ma culture numérique": Service.COMPREHENSION_MONDE,
    "Promouvoir la citoyenneté numérique": Service.COMPREHENSION_MONDE,
    "Favoriser mon insertion professionnelle": Service.INSERTION_PRO,
    "Créer et développer mon entreprise": Service.INSERTION_PRO,
    "Accéder à une connexion internet": Service.ACCES_INTERNET_MATERIEL,
    "Accéder à du matériel": Service.ACCES_INTERNET_MATERIEL,
    "S'équiper en matériel informatique": Service.MATERIEL_PRIX_SOLIDAIRE,
    "Créer avec le numérique": Service.LOISIRS_CREATIONS,
    "Soutenir la parentalité et l'éducation avec le numérique": Service.PARENTALITE,
}

# Old `publics_accueillis` → (field of v1, slug). "Adultes" means everyone: no specific public.
V0_PUBLICS: dict[str, tuple[str, str] | None] = {
    "Seniors (+ 65 ans)": ("publics_specifiquement_adresses", PublicAdresse.SENIORS),
    "Familles/enfants": ("publics_specifiquement_adresses", PublicAdresse.FAMILLES_ENFANTS),
    "Adultes": None,
    "Jeunes (16-26 ans)": ("publics_specifiquement_adresses", PublicAdresse.JEUNES),
    "Uniquement femmes": ("publics_specifiquement_adresses", PublicAdresse.FEMMES),
    "Public langues étrangères": ("prise_en_charge_specifique", PriseEnCharge.LANGUES_AUTRES),
    "Déficience visuelle": ("prise_en_charge_specifique", PriseEnCharge.DEFICIENCE_VISUELLE),
    "Surdité": ("prise_en_charge_specifique", PriseEnCharge.SURDITE),
    "Handicaps psychiques : troubles psychiatriques donnant lieu à des atteintes comportementales": (
        "prise_en_charge_specifique",
        PriseEnCharge.HANDICAPS_MENTAUX,
    ),
    "Handicaps mentaux : déficiences limitant les activités d'une personne": (
        "prise_en_charge_specifique",
        PriseEnCharge.HANDICAPS_MENTAUX,
    ),
    "Personnes en situation d'illettrisme": ("prise_en_charge_specifique", PriseEnCharge.ILLETTRISME),
}

PASS_NUMERIQUE = "pass_numerique"

# Old `conditions_acces` → `frais_a_charge` slug, or the pass numérique flag. Matched on the part before " : ".
V0_CONDITIONS: dict[str, str] = {
    "Gratuit": Frais.GRATUIT,
    "Gratuit sous condition": Frais.GRATUIT_SOUS_CONDITION,
    "Payant": Frais.PAYANT,
    "Adhésion": Frais.PAYANT,  # membership is a fee in the v1 vocabulary
    "Accepte le Pass numérique": PASS_NUMERIQUE,
}

# Old `labels_nationaux` → (field of v1, slug); None: kept as free text in `autres_formations_labels`.
V0_LABELS: dict[str, tuple[str, str] | None] = {
    "France Services": ("dispositif_programmes_nationaux", Dispositif.FRANCE_SERVICES),
    "CNFS": ("dispositif_programmes_nationaux", Dispositif.CONSEILLERS_NUMERIQUES),
    "Aidants Connect": ("dispositif_programmes_nationaux", Dispositif.AIDANTS_CONNECT),
    "Grandes écoles du numérique": ("dispositif_programmes_nationaux", Dispositif.GRANDE_ECOLE_NUMERIQUE),
    "Point relais CAF": ("dispositif_programmes_nationaux", Dispositif.POINT_NUMERIQUE_CAF),
    "Point numérique CAF": ("dispositif_programmes_nationaux", Dispositif.POINT_NUMERIQUE_CAF),
    "Fabriques de Territoire": ("formations_labels", FormationLabel.FABRIQUES_DE_TERRITOIRE),
    "APTIC": ("accepte_pass_numerique", PASS_NUMERIQUE),  # APTIC is the pass numérique network
    "Relais pôle emploi": None,
    "French Tech": None,
    "Campus connecté": None,
}

# Old `modalites_accompagnement` → current slug. Matched on the part before " : ".
V0_MODALITES: dict[str, str] = {
    "Seul": ModaliteAccompagnement.EN_AUTONOMIE,
    "Avec de l'aide": ModaliteAccompagnement.INDIVIDUEL,
    "Dans un atelier": ModaliteAccompagnement.ATELIER_COLLECTIF,
    "A ma place": ModaliteAccompagnement.INDIVIDUEL,
}


def fold(text: str) -> str:
    """Lower-case, unaccented, typographic quotes and spaces unified: how values are compared."""
    text = text.replace("’", "'").replace("\u00a0", " ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"\s+", " ", text).strip()


def split_list(cell: str, separators: str = "|") -> list[str]:
    """Items of a list cell, trimmed, empty ones dropped, order and first occurrence kept."""
    if not cell:
        return []
    parts = re.split("[" + re.escape(separators) + "]", cell)
    seen: list[str] = []
    for part in parts:
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


def lookup_table(enum) -> dict[str, str]:
    """Folded label and slug → slug, for an enumeration of v1.0.1."""
    table = {}
    for value, label in enum.choices:
        table[fold(label)] = value
        table[fold(value)] = value
    return table


def v0_key(value: str) -> str:
    """v0.1.1 values are "Short name : explanation"; compare on the short name."""
    return fold(value.split(" : ", 1)[0])


def folded_table(table: dict) -> dict:
    return {v0_key(key): target for key, target in table.items()}


V0_SERVICES_F = folded_table(V0_SERVICES)
V0_PUBLICS_F = folded_table(V0_PUBLICS)
V0_CONDITIONS_F = folded_table(V0_CONDITIONS)
V0_LABELS_F = folded_table(V0_LABELS)
V0_MODALITES_F = folded_table(V0_MODALITES)
