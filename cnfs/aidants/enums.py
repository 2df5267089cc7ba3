"""Choices of Aidants Connect: démarches, mandate durations, statuses and journal actions."""

import calendar
import datetime

from django.db import models


class Demarche(models.TextChoices):
    """The ten categories of démarches an usager may authorise (DESIGN.md, section 6)."""

    PAPIERS = "papiers", "Papiers — Citoyenneté"
    FAMILLE = "famille", "Famille — Scolarité"
    SOCIAL = "social", "Social — Santé"
    TRAVAIL = "travail", "Travail — Formation"
    LOGEMENT = "logement", "Logement"
    TRANSPORTS = "transports", "Transports"
    ARGENT = "argent", "Argent — Impôts — Consommation"
    JUSTICE = "justice", "Justice"
    ETRANGER = "etranger", "Étranger"
    LOISIRS = "loisirs", "Loisirs — Sports — Culture"


class DureeMandat(models.TextChoices):
    JOUR = "jour", "1 jour"
    MOIS = "mois", "1 mois"
    SIX_MOIS = "six_mois", "6 mois"
    DOUZE_MOIS = "douze_mois", "12 mois"


DUREE_MONTHS = {DureeMandat.MOIS: 1, DureeMandat.SIX_MOIS: 6, DureeMandat.DOUZE_MOIS: 12}


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """Calendar months: 31 January + 1 month is the last day of February."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def mandat_end(start: datetime.datetime, duree: str) -> datetime.datetime:
    """End of a mandate of `duree` starting at `start`."""
    duree = DureeMandat(duree)
    if duree == DureeMandat.JOUR:
        return start + datetime.timedelta(days=1)
    return add_months(start, DUREE_MONTHS[duree])


class StatutDemandeHabilitation(models.TextChoices):
    SOUMISE = "soumise", "Soumise, en attente d’instruction"
    MODIFICATIONS_DEMANDEES = "modifications", "Modifications demandées"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"
    REMPLACEE = "remplacee", "Remplacée par une demande corrigée"


STATUTS_DEMANDE_A_INSTRUIRE = (StatutDemandeHabilitation.SOUMISE, StatutDemandeHabilitation.MODIFICATIONS_DEMANDEES)


class StatutAidant(models.TextChoices):
    EN_FORMATION = "formation", "En formation"
    TEST_REUSSI = "test_reussi", "Formé·e, test réussi"
    HABILITE = "habilite", "Habilité·e"
    DESACTIVE = "desactive", "Désactivé·e"


class TypeOrganisation(models.TextChoices):
    COLLECTIVITE = "collectivite", "Collectivité territoriale"
    FRANCE_SERVICES = "france_services", "Espace France Services"
    CCAS = "ccas", "CCAS ou CIAS"
    ASSOCIATION = "association", "Association"
    SERVICE_PUBLIC = "service_public", "Service public de l’État"
    AUTRE = "autre", "Autre"


class ActionJournal(models.TextChoices):
    DEMANDE_SOUMISE = "demande_soumise", "Demande d’habilitation soumise"
    DEMANDE_ACCEPTEE = "demande_acceptee", "Demande d’habilitation acceptée"
    DEMANDE_REFUSEE = "demande_refusee", "Demande d’habilitation refusée"
    DEMANDE_MODIFICATIONS = "demande_modifications", "Modifications demandées"
    AIDANT_AJOUTE = "aidant_ajoute", "Aidant ajouté"
    AIDANT_FORMATION = "aidant_formation", "Résultat de formation enregistré"
    AIDANT_VALIDE = "aidant_valide", "Aidant habilité"
    AIDANT_DESACTIVE = "aidant_desactive", "Aidant désactivé"
    IDENTITE_USAGER = "identite_usager", "Identité de l’usager reçue"
    MANDAT_CREE = "mandat_cree", "Mandat créé"
    MANDAT_RENOUVELE = "mandat_renouvele", "Mandat renouvelé"
    MANDAT_REVOQUE = "mandat_revoque", "Mandat révoqué"
    AUTORISATION_CREEE = "autorisation_creee", "Autorisation créée"
    AUTORISATION_REMPLACEE = "autorisation_remplacee", "Autorisation remplacée"
    AUTORISATION_REVOQUEE = "autorisation_revoquee", "Autorisation révoquée"
    AUTORISATION_VERIFIEE = "autorisation_verifiee", "Autorisation vérifiée"
    TENTATIVE_REFUSEE = "tentative_refusee", "Tentative refusée"
    ATTESTATION_CONSULTEE = "attestation_consultee", "Attestation consultée"
    CONNEXION = "connexion", "Connexion de l’aidant"
    TOTP_REVERIFIE = "totp_reverifie", "Code d’authentification vérifié à nouveau"
    CHANGEMENT_ORGANISATION = "changement_organisation", "Changement d’organisation"
    CARTE_TOTP_IMPORTEE = "carte_totp_importee", "Carte d’authentification importée"
    CARTE_TOTP_LIEE = "carte_totp_liee", "Dispositif d’authentification lié"
    CARTE_TOTP_RETIREE = "carte_totp_retiree", "Dispositif d’authentification retiré"
    AIDANT_AVERTI_INACTIVITE = "aidant_averti_inactivite", "Aidant averti de son inactivité"
    MANDAT_EXPIRATION_ANNONCEE = "mandat_expiration_annoncee", "Fin prochaine du mandat annoncée"
    MANDAT_EXPIRE = "mandat_expire", "Mandat arrivé à échéance"
    USAGER_ANONYMISE = "usager_anonymise", "Usager anonymisé"
    DEMANDE_EMAIL_CONFIRME = "demande_email_confirme", "Adresse du demandeur confirmée"
    FRANCECONNECT_REFUSE = "franceconnect_refuse", "Identification FranceConnect refusée"
    MANDAT_UTILISE = "mandat_utilise", "Mandat utilisé auprès d’un service en ligne"
    REVOCATION_CONSULTEE = "revocation_consultee", "Attestation de révocation consultée"
