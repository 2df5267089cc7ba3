from django.conf import settings
from django.db import models
from django.db.models import Q


class LieuActivite(models.Model):
    """A place where an advisor holds activity. At most one is their principal place."""

    conseiller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lieux_activite", verbose_name="conseiller"
    )
    lieu = models.ForeignKey(
        "lieux.Lieu", on_delete=models.PROTECT, related_name="conseillers_actifs", verbose_name="lieu"
    )
    principal = models.BooleanField("lieu principal", default=False)
    created_at = models.DateTimeField("ajouté le", auto_now_add=True)

    class Meta:
        verbose_name = "lieu d’activité"
        verbose_name_plural = "lieux d’activité"
        ordering = ["-principal", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conseiller", "lieu"],
                name="activite_lieu_activite_unique",
                violation_error_message="Ce lieu est déjà un lieu d’activité de ce conseiller.",
            ),
            models.UniqueConstraint(
                fields=["conseiller"],
                condition=Q(principal=True),
                name="activite_lieu_activite_un_principal",
                violation_error_message="Un conseiller n’a qu’un lieu d’activité principal.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conseiller} — {self.lieu_id}{' (principal)' if self.principal else ''}"
