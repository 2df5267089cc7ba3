from django.db import models


class TypeAcces(models.TextChoices):
    LIBRE = "libre", "Accès libre"
    RENDEZ_VOUS = "rendez_vous", "Sur rendez-vous"
    RESERVE = "reserve", "Réservé (public orienté par un partenaire)"


class Niveau(models.TextChoices):
    DEBUTANT = "debutant", "Débutant"
    INTERMEDIAIRE = "intermediaire", "Intermédiaire"
    AVANCE = "avance", "Avancé"


class StatutReservation(models.TextChoices):
    CONFIRMEE = "confirmee", "Confirmée"
    ATTENTE = "attente", "Liste d’attente"
    ANNULEE = "annulee", "Annulée"


class StatutRendezVous(models.TextChoices):
    CONFIRME = "confirme", "Confirmé"
    ANNULE = "annule", "Annulé"
