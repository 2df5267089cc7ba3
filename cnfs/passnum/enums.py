from django.db import models


class StatutQualification(models.TextChoices):
    DEMANDEE = "demandee", "Demandée"
    QUALIFIEE = "qualifiee", "Qualifiée"
    REFUSEE = "refusee", "Refusée"
    SUSPENDUE = "suspendue", "Suspendue"


class ServicePass(models.TextChoices):
    """What a qualified place offers in exchange for one voucher (one session)."""

    PREMIERS_PAS = "premiers_pas", "Premiers pas avec un ordinateur, une tablette ou un smartphone"
    DEMARCHES = "demarches", "Réaliser ses démarches administratives en ligne"
    COURRIELS = "courriels", "Utiliser une messagerie électronique"
    EMPLOI = "emploi", "Chercher un emploi en ligne"
    SECURITE = "securite", "Se protéger en ligne (mots de passe, arnaques)"
    BUREAUTIQUE = "bureautique", "Traitement de texte et tableur"
    PARENTALITE = "parentalite", "Accompagner ses enfants dans leurs usages numériques"


class TypeCommanditaire(models.TextChoices):
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    COMMUNE = "commune", "Commune ou intercommunalité"
    CAF = "caf", "Caisse d’allocations familiales"
    FONDATION = "fondation", "Fondation"
    ENTREPRISE = "entreprise", "Entreprise"
    AUTRE = "autre", "Autre"


class TypeDistributeur(models.TextChoices):
    CAF = "caf", "Caisse d’allocations familiales"
    MAIRIE = "mairie", "Mairie ou CCAS"
    TRAVAILLEUR_SOCIAL = "travailleur_social", "Service social"
    FRANCE_SERVICES = "france_services", "France Services"
    ASSOCIATION = "association", "Association"
    AUTRE = "autre", "Autre"


class PublicCible(models.TextChoices):
    SENIORS = "seniors", "Personnes âgées"
    DEMANDEURS_EMPLOI = "demandeurs_emploi", "Demandeurs d’emploi"
    JEUNES = "jeunes", "Jeunes de 16 à 25 ans"
    MINIMA_SOCIAUX = "minima_sociaux", "Allocataires de minima sociaux"
    HANDICAP = "handicap", "Personnes en situation de handicap"
    FAMILLES = "familles", "Familles"
    TOUS = "tous", "Tous publics"


class TypeTerritoire(models.TextChoices):
    REGION = "region", "Région"
    DEPARTEMENTS = "departements", "Départements"
    COMMUNES = "communes", "Communes"


class StatutCommande(models.TextChoices):
    ENGAGEE = "engagee", "Engagée (carnets à émettre)"
    EMISE = "emise", "Émise"
    CLOTUREE = "cloturee", "Clôturée"
    ANNULEE = "annulee", "Annulée"


class StatutCarnet(models.TextChoices):
    EMIS = "emis", "Émis"
    ATTRIBUE = "attribue", "Remis au distributeur"
    DISTRIBUE = "distribue", "Distribué"
    EXPIRE = "expire", "Expiré"
    ANNULE = "annule", "Annulé"


class StatutCheque(models.TextChoices):
    EMIS = "emis", "Émis"
    DISTRIBUE = "distribue", "Distribué"
    UTILISE = "utilise", "Utilisé"
    EXPIRE = "expire", "Expiré"
    ANNULE = "annule", "Annulé"


# A voucher can be redeemed in these statuses only.
STATUTS_ENCAISSABLES = (StatutCheque.EMIS, StatutCheque.DISTRIBUE)


class ResultatTentative(models.TextChoices):
    ACCEPTE = "accepte", "Accepté"
    CODE_INVALIDE = "code_invalide", "Code invalide"
    INCONNU = "inconnu", "Code inconnu"
    DEJA_UTILISE = "deja_utilise", "Déjà utilisé"
    EXPIRE = "expire", "Expiré"
    HORS_TERRITOIRE = "hors_territoire", "Hors territoire"
    LIEU_NON_QUALIFIE = "lieu_non_qualifie", "Lieu non qualifié"
    ANNULE = "annule", "Chèque annulé"
    NON_VALABLE = "non_valable", "Pas encore valable"
    LIMITE = "limite", "Trop de tentatives"


# Money side (monthly statements, payment batches).
class StatutReleve(models.TextChoices):
    A_PAYER = "a_payer", "À payer"
    EN_LOT = "en_lot", "Dans un lot de paiement"
    PAYE = "paye", "Payé"


class StatutLot(models.TextChoices):
    PREPARE = "prepare", "Préparé"
    TRANSMIS = "transmis", "Transmis à la banque"
    PAYE = "paye", "Payé"
