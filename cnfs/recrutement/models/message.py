from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

MESSAGE_MAX = 2000


class Message(models.Model):
    """A message from a structure to a candidate it is in relation with (pre-selection, interview, recruitment).

    Notifications written by the platform itself (a pre-selection) are messages too, marked `automatique`.
    The candidate reads them in their space; `lu_le` records when they first saw each one.
    """

    mise_en_relation = models.ForeignKey(
        "recrutement.MiseEnRelation",
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name="mise en relation",
    )
    corps = models.TextField("message", max_length=MESSAGE_MAX)
    automatique = models.BooleanField("notification automatique", default=False)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="auteur",
    )
    envoye_le = models.DateTimeField("envoyé le", auto_now_add=True, db_index=True)
    lu_le = models.DateTimeField("lu le", null=True, blank=True)

    class Meta:
        verbose_name = "message d’une structure"
        verbose_name_plural = "messages des structures"
        ordering = ["-envoye_le", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("corps"), 1) & LessThanOrEqual(Length("corps"), MESSAGE_MAX),
                name="recrutement_message_longueur",
                violation_error_message=f"Le message compte entre 1 et {MESSAGE_MAX} caractères.",
            ),
        ]

    def __str__(self) -> str:
        return f"Message du {self.envoye_le:%d/%m/%Y} — {self.mise_en_relation}"

    @property
    def lu(self) -> bool:
        return self.lu_le is not None
