"""Choices of the funding app: envelopes, barèmes, conventions, payments and equipment grants."""

from django.db import models


class Destination(models.TextChoices):
    """What an envelope pays for: conventions draw on `conseillers`, equipment grants on `mobilier`."""

    CONSEILLERS = "conseillers", "Formation et activité des conseillers numériques"
    MOBILIER = "mobilier", "Lieux et mobilier"
    AIDANTS_CONNECT = "aidants_connect", "Généralisation d’Aidants Connect"


class Modalite(models.TextChoices):
    SMIC = "smic", "Part du SMIC sur une durée"
    FORFAIT = "forfait", "Montant forfaitaire par poste"


class Phase(models.TextChoices):
    CONVENTIONNEMENT = "conventionnement", "Conventionnement"
    RECONVENTIONNEMENT = "reconventionnement", "Reconventionnement"


class StatutConvention(models.TextChoices):
    EN_COURS = "en_cours", "En cours"
    VALIDEE = "validee", "Validée"
    RECONVENTIONNEMENT_INITIE = "reconventionnement_initie", "Reconventionnement initié"
    RECONVENTIONNEMENT_VALIDE = "reconventionnement_valide", "Reconventionnement validé"
    NON_INTERESSE = "non_interesse", "Non intéressé"


# A convention in one of these statuses is signed: its subsidy (minus what departures freed) is committed.
STATUTS_SIGNES = (
    StatutConvention.VALIDEE,
    StatutConvention.RECONVENTIONNEMENT_INITIE,
    StatutConvention.RECONVENTIONNEMENT_VALIDE,
)
# Conventions that hold posts of the structure's quota (a renewed one hands its posts over to its successor).
STATUTS_OCCUPANT_QUOTA = (
    StatutConvention.EN_COURS,
    StatutConvention.VALIDEE,
    StatutConvention.RECONVENTIONNEMENT_INITIE,
)


class StatutVersement(models.TextChoices):
    PREVU = "prevu", "Prévu"
    MANDATE = "mandate", "Mandaté"
    PAYE = "paye", "Payé"


TRANSITIONS_VERSEMENT: dict[str, str] = {
    StatutVersement.PREVU: StatutVersement.MANDATE,
    StatutVersement.MANDATE: StatutVersement.PAYE,
}


class TypeFabricant(models.TextChoices):
    FABLAB = "fablab", "Fablab"
    ARTISAN = "artisan", "Artisan"


class StatutDemandeMobilier(models.TextChoices):
    DEPOSEE = "deposee", "Déposée"
    ACCORDEE = "accordee", "Accordée"
    REFUSEE = "refusee", "Refusée"
    VERSEE = "versee", "Versée"


# A grant in one of these statuses commits its amount against the equipment envelope.
STATUTS_MOBILIER_ENGAGES = (StatutDemandeMobilier.ACCORDEE, StatutDemandeMobilier.VERSEE)
