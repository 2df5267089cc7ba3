"""Choices of the activity records (CRA), as the programme records them."""

from django.db import models


class TypeAccompagnement(models.TextChoices):
    INDIVIDUEL = "individuel", "Accompagnement individuel"
    COLLECTIF = "collectif", "Atelier collectif"
    PONCTUEL = "ponctuel", "Aide ponctuelle"


class Canal(models.TextChoices):
    LIEU_ACTIVITE = "lieu_activite", "Sur un lieu d’activité"
    AUTRE_LIEU = "autre_lieu", "Dans un autre lieu"
    DOMICILE = "domicile", "À domicile"
    DISTANCE = "distance", "À distance"


class Theme(models.TextChoices):
    EQUIPEMENT_INFORMATIQUE = "equipement_informatique", "Prendre en main un équipement informatique"
    VOCABULAIRE = "vocabulaire", "Vocabulaire du numérique"
    INTERNET = "internet", "Naviguer sur Internet"
    SECURITE = "securite", "Sécurité numérique"
    COURRIEL = "courriel", "Gérer ses courriels"
    ECHANGER = "echanger", "Échanger avec ses proches"
    TRAITEMENT_TEXTE = "traitement_texte", "Bases du traitement de texte"
    CONTENUS_NUMERIQUES = "contenus_numeriques", "Créer et gérer des contenus numériques"
    TROUVER_EMPLOI = "trouver_emploi", "Trouver un emploi ou une formation"
    TPE_PME = "tpe_pme", "Accompagner une TPE ou une PME"
    ACCOMPAGNER_ENFANT = "accompagner_enfant", "Accompagner son enfant"
    DEMARCHE_EN_LIGNE = "demarche_en_ligne", "Démarche administrative en ligne"
    FRAUDE_HARCELEMENT = "fraude_harcelement", "Fraude et harcèlement en ligne"
    SANTE = "sante", "Accéder aux soins (prise de rendez-vous, santé en ligne)"
    SMARTPHONE = "smartphone", "Installer et utiliser des applications sur son smartphone"
    BUDGET = "budget", "Gérer son budget"
    SCOLAIRE = "scolaire", "Espace numérique scolaire"
    ANNONCE = "annonce", "Publier une petite annonce"
    LOGEMENT = "logement", "Trouver un logement"
    DONNEES_PERSONNELLES = "donnees_personnelles", "Gérer et protéger ses données personnelles"
    DIAGNOSTIC = "diagnostic", "Diagnostic des compétences numériques"
    AUTRE = "autre", "Autre"


class DemarcheType(models.TextChoices):
    IDENTITE = "identite", "Carte d’identité, passeport"
    VEHICULE = "vehicule", "Certificat d’immatriculation (carte grise), permis"
    IMPOTS = "impots", "Déclaration de revenus, impôts"
    SOCIAL = "social", "Prestations sociales (CAF, MSA)"
    SANTE = "sante", "Assurance maladie"
    EMPLOI = "emploi", "Emploi (France Travail)"
    RETRAITE = "retraite", "Retraite"
    LOGEMENT = "logement", "Logement"
    JUSTICE = "justice", "Justice"
    ETRANGERS = "etrangers", "Titre de séjour, démarches des étrangers"
    AUTRE = "autre", "Autre démarche"


class Orientation(models.TextChoices):
    FRANCE_SERVICES = "france_services", "France Services"
    CAF = "caf", "CAF"
    CPAM = "cpam", "CPAM"
    MAIRIE = "mairie", "Mairie"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    IMPOTS = "impots", "Centre des finances publiques"
    CCAS = "ccas", "CCAS"
    AIDANTS_CONNECT = "aidants_connect", "Aidant Connect"
    AUTRE_MEDIATEUR = "autre_mediateur", "Autre lieu de médiation numérique"
    ASSOCIATION = "association", "Association"
    AUTRE = "autre", "Autre organisme"


class Materiel(models.TextChoices):
    ORDINATEUR = "ordinateur", "Ordinateur"
    SMARTPHONE = "smartphone", "Smartphone"
    TABLETTE = "tablette", "Tablette"
    AUTRE = "autre", "Autre matériel"
    AUCUN = "aucun", "Pas de matériel"


class Autonomie(models.TextChoices):
    AUTONOME = "autonome", "Autonome"
    PARTIELLEMENT = "partiellement", "Partiellement autonome"
    ACCOMPAGNE = "accompagne", "Entièrement accompagné·e"


DUREE_PRESETS = (15, 30, 45, 60, 90, 120)

# Age bands and situations: (field, label). Each group sums to the participants.
AGE_FIELDS = (
    ("age_moins_12", "Moins de 12 ans"),
    ("age_12_18", "12 à 18 ans"),
    ("age_18_35", "18 à 35 ans"),
    ("age_35_60", "35 à 60 ans"),
    ("age_plus_60", "Plus de 60 ans"),
)
STATUT_FIELDS = (
    ("statut_etudiant", "Scolarisé·e ou étudiant·e"),
    ("statut_sans_emploi", "Sans emploi"),
    ("statut_en_emploi", "En emploi"),
    ("statut_retraite", "Retraité·e"),
    ("statut_non_renseigne", "Non renseigné"),
)

PARTICIPANTS_MAX = 100
DUREE_MAX_MINUTES = 24 * 60
