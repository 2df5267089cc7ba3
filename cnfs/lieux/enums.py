"""Value lists of the national schema of places of digital mediation (schéma v1.0.1).

Each value is stored as a short slug; the label is the schema's exact wording, which is what exports write and what
imports read. `SCHEMA_LISTS` ties each multi-valued field of the model to its enumeration (None: free values).
"""

from django.db import models


class Service(models.TextChoices):
    AIDE_DEMARCHES = "aide-demarches-administratives", "Aide aux démarches administratives"
    MAITRISE_OUTILS = "maitrise-outils-numeriques", "Maîtrise des outils numériques du quotidien"
    INSERTION_PRO = "insertion-professionnelle", "Insertion professionnelle via le numérique"
    UTILISATION_SECURISEE = "utilisation-securisee", "Utilisation sécurisée du numérique"
    PARENTALITE = "parentalite-education", "Parentalité et éducation avec le numérique"
    LOISIRS_CREATIONS = "loisirs-creations", "Loisirs et créations numériques"
    COMPREHENSION_MONDE = "comprehension-monde-numerique", "Compréhension du monde numérique"
    ACCES_INTERNET_MATERIEL = "acces-internet-materiel", "Accès internet et matériel informatique"
    MATERIEL_PRIX_SOLIDAIRE = "materiel-prix-solidaire", "Acquisition de matériel informatique à prix solidaire"


class PublicAdresse(models.TextChoices):
    JEUNES = "jeunes", "Jeunes"
    ETUDIANTS = "etudiants", "Étudiants"
    FAMILLES_ENFANTS = "familles-enfants", "Familles et/ou enfants"
    SENIORS = "seniors", "Seniors"
    FEMMES = "femmes", "Femmes"


class PriseEnCharge(models.TextChoices):
    SURDITE = "surdite", "Surdité"
    HANDICAPS_MOTEURS = "handicaps-moteurs", "Handicaps moteurs"
    HANDICAPS_MENTAUX = "handicaps-mentaux", "Handicaps mentaux"
    ILLETTRISME = "illettrisme", "Illettrisme"
    LANGUES_ANGLAIS = "langues-anglais", "Langues étrangères (anglais)"
    LANGUES_AUTRES = "langues-autres", "Langues étrangères (autres)"
    DEFICIENCE_VISUELLE = "deficience-visuelle", "Déficience visuelle"


class Frais(models.TextChoices):
    GRATUIT = "gratuit", "Gratuit"
    GRATUIT_SOUS_CONDITION = "gratuit-sous-condition", "Gratuit sous condition"
    PAYANT = "payant", "Payant"


class Dispositif(models.TextChoices):
    AIDANTS_CONNECT = "aidants-connect", "Aidants Connect"
    BIBLIOTHEQUES_NUMERIQUE_REFERENCE = "bibliotheques-numerique-reference", "Bibliothèques numérique de référence"
    CERTIFICATION_PIX = "certification-pix", "Certification PIX"
    CONSEILLERS_NUMERIQUES = "conseillers-numeriques", "Conseillers numériques"
    EMMAUS_CONNECT = "emmaus-connect", "Emmaüs Connect"
    FRANCE_SERVICES = "france-services", "France Services"
    GRANDE_ECOLE_NUMERIQUE = "grande-ecole-numerique", "Grande école du numérique"
    CROIX_ROUGE = "croix-rouge", "La Croix Rouge"
    POINT_NUMERIQUE_CAF = "point-numerique-caf", "Point d'accès numérique CAF"
    PROMENEURS_DU_NET = "promeneurs-du-net", "Promeneurs du net"
    RELAIS_NUMERIQUE_EMMAUS = "relais-numerique-emmaus", "Relais numérique (Emmaüs Connect)"


class FormationLabel(models.TextChoices):
    MON_ESPACE_SANTE = "mon-espace-sante", "Formé à « Mon Espace Santé »"
    DUPLEX = "duplex", "Formé à « DUPLEX » (illettrisme)"
    ARNIA_MEDNUM_BFC = "arnia-mednum-bfc", "Arnia/MedNum BFC (Bourgogne-Franche-Comté)"
    REEMPLOI_NORMANDIE = "reemploi-normandie", "Collectif ressources et acteurs réemploi (Normandie)"
    FABRIQUES_DE_TERRITOIRE = "fabriques-de-territoire", "Fabriques de Territoire"
    ECLAIREURS_DROME = "eclaireurs-drome", "Les Éclaireurs du numérique (Drôme)"
    MES_PAPIERS_LYON = "mes-papiers-lyon", "Mes Papiers (Métropole de Lyon)"
    ORDI_3_0 = "ordi-3-0", "ORDI 3.0"
    SUD_LABS = "sud-labs", "SUD LABS (PACA)"


class ModaliteAcces(models.TextChoices):
    SE_PRESENTER = "se-presenter", "Se présenter"
    TELEPHONER = "telephoner", "Téléphoner"
    CONTACTER_PAR_MAIL = "contacter-par-mail", "Contacter par mail"
    RDV_EN_LIGNE = "rdv-en-ligne", "Prendre un RDV en ligne"
    PAS_DE_PUBLIC = "pas-de-public", "Ce lieu n'accueille pas de public"
    FICHE_PRESCRIPTION = "fiche-prescription", "Envoyer un mail avec une fiche de prescription"


class ModaliteAccompagnement(models.TextChoices):
    EN_AUTONOMIE = "en-autonomie", "En autonomie"
    INDIVIDUEL = "accompagnement-individuel", "Accompagnement individuel"
    ATELIER_COLLECTIF = "atelier-collectif", "Dans un atelier collectif"
    A_DISTANCE = "a-distance", "À distance"


class Itinerance(models.TextChoices):
    ITINERANT = "itinerant", "Itinérant"
    FIXE = "fixe", "Fixe"


class Label(models.TextChoices):
    """The labels the programme filters on everywhere (map, API, coverage). Each has a boolean column on `Lieu`."""

    FRANCE_SERVICES = "france-services", "France Services"
    CONSEILLERS_NUMERIQUES = "conseillers-numeriques", "Conseillers numériques"
    AIDANTS_CONNECT = "aidants-connect", "Aidants Connect"
    FABRIQUES_DE_TERRITOIRE = "fabriques-de-territoire", "Fabriques de Territoire"
    PASS_NUMERIQUE = "pass-numerique", "Pass numérique"


# Label → boolean column of `Lieu`.
LABEL_FLAGS: dict[str, str] = {
    Label.FRANCE_SERVICES: "label_france_services",
    Label.CONSEILLERS_NUMERIQUES: "label_conseillers_numeriques",
    Label.AIDANTS_CONNECT: "label_aidants_connect",
    Label.FABRIQUES_DE_TERRITOIRE: "label_fabriques_de_territoire",
    Label.PASS_NUMERIQUE: "label_pass_numerique",
}

# Multi-valued fields of `Lieu` (JSON lists) and the enumeration their items come from (None: free strings).
SCHEMA_LISTS: dict[str, type[models.TextChoices] | None] = {
    "typologie": None,
    "courriels": None,
    "site_web": None,
    "itinerance": Itinerance,
    "services": Service,
    "publics_specifiquement_adresses": PublicAdresse,
    "prise_en_charge_specifique": PriseEnCharge,
    "frais_a_charge": Frais,
    "dispositif_programmes_nationaux": Dispositif,
    "formations_labels": FormationLabel,
    "modalites_acces": ModaliteAcces,
    "modalites_accompagnement": ModaliteAccompagnement,
}

# Enumerated lists that the denormalised `search_tags` column indexes, with the short key used in the tag.
TAG_KEYS: dict[str, str] = {
    "services": "service",
    "publics_specifiquement_adresses": "public",
    "prise_en_charge_specifique": "prise_en_charge",
    "frais_a_charge": "frais",
    "dispositif_programmes_nationaux": "dispositif",
    "formations_labels": "formation_label",
    "modalites_acces": "modalite_acces",
    "modalites_accompagnement": "modalite_accompagnement",
    "itinerance": "itinerance",
}

# The schema's placeholder for a place whose SIRET/RNA is not known (used by the national cartography).
PIVOT_PLACEHOLDER = "00000000000000"

# An exported id shared by several sources is written `id@source` (see exports.py); the importer strips it.
ID_SOURCE_SEPARATOR = "@"
