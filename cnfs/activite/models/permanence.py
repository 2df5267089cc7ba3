"""A conseiller's recurring hours at one of their places of activity."""

from django.conf import settings
from django.db import models

from cnfs.activite.ateliers.enums import TypeAcces
from cnfs.lieux import horaires


def validate_horaires(value: str) -> None:
    horaires.validate(value)


class Permanence(models.Model):
    """Recurring hours (OSM `opening_hours`) held by a conseiller at one of their `LieuActivite` places."""

    conseiller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="permanences", verbose_name="conseiller"
    )
    lieu = models.ForeignKey(
        "lieux.Lieu", on_delete=models.PROTECT, related_name="permanences", verbose_name="lieu d’activité"
    )
    horaires = models.CharField(
        "horaires",
        max_length=horaires.MAX_LENGTH,
        validators=[validate_horaires],
        help_text=f"Syntaxe OpenStreetMap opening_hours, ex. « {horaires.EXAMPLE} ».",
    )
    acces = models.CharField("type d’accès", max_length=20, choices=TypeAcces.choices, default=TypeAcces.LIBRE)
    itinerante = models.BooleanField(
        "permanence itinérante", default=False, help_text="Le conseiller se déplace (bus numérique, tournée)."
    )
    description = models.CharField("précisions", max_length=280, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "permanence"
        verbose_name_plural = "permanences"
        ordering = ["conseiller_id", "lieu_id", "pk"]

    def __str__(self) -> str:
        return f"Permanence de {self.conseiller} — {self.lieu.nom}"

    @property
    def horaires_fr(self) -> list[str]:
        try:
            return horaires.render_fr(self.horaires)
        except horaires.HorairesInvalides:
            return [self.horaires]
