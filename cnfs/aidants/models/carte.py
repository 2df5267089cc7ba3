"""Hardware TOTP cards: imported by the national team (serial and seed), then linked by a responsable to one of
their aidants. Linking creates a django-otp `TOTPDevice` holding the card's key; the card remembers it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.aidants.models.organisation import Aidant


class CarteTOTP(models.Model):
    """One physical card. `key` is the seed as hex (django-otp's format), never shown again after import."""

    serial = models.CharField("numéro de série", max_length=64, unique=True)
    key = models.CharField("clé secrète (hexadécimal)", max_length=80)
    digits = models.PositiveSmallIntegerField("nombre de chiffres", default=6)
    step = models.PositiveSmallIntegerField("période (secondes)", default=30)
    importee_le = models.DateTimeField("importée le", auto_now_add=True)
    importee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    aidant = models.ForeignKey(
        Aidant, null=True, blank=True, on_delete=models.SET_NULL, related_name="cartes", verbose_name="aidant"
    )
    device = models.OneToOneField(
        TOTPDevice, null=True, blank=True, on_delete=models.SET_NULL, related_name="carte_aidants", editable=False
    )
    liee_le = models.DateTimeField("liée le", null=True, blank=True)

    class Meta:
        verbose_name = "carte d’authentification"
        verbose_name_plural = "cartes d’authentification"
        ordering = ["serial"]

    def __str__(self) -> str:
        return f"Carte {self.serial}"
