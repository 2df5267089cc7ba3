"""Uses of a mandate by an online service: cnfs as an OpenID Connect provider (see `cnfs.aidants.idp`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cnfs.aidants.models.mandat import Autorisation


class UtilisationMandat(models.Model):
    """One authorisation code issued to an online service for the usager an aidant chose.

    Only the SHA-256 of the code is kept. `echange_le` is set once, atomically, when the service exchanges the code:
    a second exchange finds it set and is refused (and the tokens of the first are revoked).
    """

    application = models.ForeignKey(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="+", verbose_name="service en ligne"
    )
    aidant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="aidant"
    )
    autorisation = models.ForeignKey(
        Autorisation, on_delete=models.PROTECT, related_name="utilisations", verbose_name="autorisation"
    )
    code_hash = models.CharField("empreinte du code", max_length=64, unique=True)
    access_token = models.OneToOneField(
        "oauth2_provider.AccessToken",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="utilisation_mandat",
        verbose_name="jeton d’accès",
    )
    created_at = models.DateTimeField("code émis le", auto_now_add=True)
    echange_le = models.DateTimeField("code échangé le", null=True, blank=True)

    class Meta:
        verbose_name = "utilisation d’un mandat"
        verbose_name_plural = "utilisations de mandats"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Utilisation n° {self.pk}"
