"""Appointment slots published inside a permanence, and the appointment a person books on one."""

from datetime import timedelta

from django.db import models
from django.db.models import Q

from cnfs.activite.ateliers.enums import StatutRendezVous
from cnfs.activite.models.atelier import ContactPublic


class Creneau(models.Model):
    """A bookable slot of a permanence held on an appointment basis."""

    permanence = models.ForeignKey(
        "activite.Permanence", on_delete=models.CASCADE, related_name="creneaux", verbose_name="permanence"
    )
    debut = models.DateTimeField("début", db_index=True)
    duree_minutes = models.PositiveIntegerField("durée (minutes)")
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "créneau de rendez-vous"
        verbose_name_plural = "créneaux de rendez-vous"
        ordering = ["debut", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["permanence", "debut"], name="creneau_unique_par_permanence"),
            models.CheckConstraint(condition=Q(duree_minutes__gte=5), name="creneau_duree_min_5"),
        ]

    def __str__(self) -> str:
        return f"Créneau du {self.debut:%d/%m/%Y %H:%M}"

    @property
    def fin(self):
        return self.debut + timedelta(minutes=self.duree_minutes)


class RendezVous(ContactPublic):
    """One person's appointment on a slot. At most one confirmed appointment per slot (database constraint)."""

    creneau = models.ForeignKey(Creneau, on_delete=models.CASCADE, related_name="rendezvous", verbose_name="créneau")
    statut = models.CharField(
        "statut", max_length=20, choices=StatutRendezVous.choices, default=StatutRendezVous.CONFIRME
    )
    motif = models.CharField("motif (facultatif)", max_length=280, blank=True)
    annule_le = models.DateTimeField("annulé le", null=True, blank=True)
    accompagnement = models.ForeignKey(
        "activite.Accompagnement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="compte rendu d’activité",
    )

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["creneau__debut", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["creneau"], condition=Q(statut=StatutRendezVous.CONFIRME), name="rendezvous_un_par_creneau"
            ),
            models.CheckConstraint(
                condition=Q(purgee_le__isnull=False) | ~Q(email="") | ~Q(telephone=""),
                name="rendezvous_email_ou_telephone",
            ),
        ]

    def __str__(self) -> str:
        return f"Rendez-vous n° {self.pk}"
