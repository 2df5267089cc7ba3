"""Usagers, the mandates they give to an organisation, and one authorisation per démarche."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cnfs.aidants.enums import Demarche, DureeMandat
from cnfs.aidants.models.organisation import Organisation


class Usager(models.Model):
    """A person who gives mandates. Identity kept minimal: the FranceConnect `sub` only as a keyed hash.

    `uuid` is the pseudonymous identifier the journal uses: no name is ever copied there.
    """

    uuid = models.UUIDField("identifiant pseudonyme", default=uuid.uuid4, unique=True, editable=False)
    sub_hash = models.CharField("empreinte de l’identifiant FranceConnect", max_length=64, unique=True)
    given_names = models.CharField("prénoms", max_length=255)
    family_name = models.CharField("nom de naissance", max_length=255)
    birthdate = models.DateField("date de naissance (affichage seulement)")
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    # ac-life: set by `cnfs aidants anonymiser` (names and birth date replaced, FranceConnect hash made random).
    anonymise_le = models.DateTimeField("anonymisé le", null=True, blank=True)

    class Meta:
        verbose_name = "usager"
        verbose_name_plural = "usagers"
        ordering = ["family_name", "given_names"]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}"


class MandatQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, debut__lte=at, fin__gt=at)


class Mandat(models.Model):
    """A mandate an usager gives to an organisation (not to one aidant) for a duration."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="mandats", verbose_name="organisation"
    )
    usager = models.ForeignKey(Usager, on_delete=models.PROTECT, related_name="mandats", verbose_name="usager")
    # The usager's names copied here, only to sort the aidant's usager list from one index (issue 7): kept equal to
    # the usager's by save() on creation and by `services.mandats.usager_names_sync` when the names change.
    usager_nom = models.CharField("nom de l’usager (tri)", max_length=255, blank=True, default="", editable=False)
    usager_prenoms = models.CharField(
        "prénoms de l’usager (tri)", max_length=255, blank=True, default="", editable=False
    )
    duree = models.CharField("durée", max_length=20, choices=DureeMandat.choices)
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")
    consentement_version = models.CharField("version du texte de consentement", max_length=20)
    # Accounts may be deleted; the journal keeps who acted (by account id) for good.
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="créé par"
    )
    remplace = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="renouvelle"
    )
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    # ac-life: `cnfs aidants echeances` announces the end of long mandates once, and journals their expiry once.
    expiration_annoncee_le = models.DateTimeField("fin prochaine annoncée le", null=True, blank=True)
    expiration_journalisee_le = models.DateTimeField("échéance journalisée le", null=True, blank=True)

    objects = MandatQuerySet.as_manager()

    class Meta:
        verbose_name = "mandat"
        verbose_name_plural = "mandats"
        ordering = ["-debut", "-id"]
        constraints = [
            models.CheckConstraint(
                name="aidants_mandat_fin_apres_debut",
                condition=Q(fin__gt=models.F("debut")),
                violation_error_message="La fin du mandat doit suivre son début.",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "usager", "fin"]),
            # The aidant's usager list and its count: the not revoked mandates of an organisation still running,
            # read from the index alone (issue 7, bench/bench_aidants.py).
            models.Index(
                fields=["organisation", "fin"],
                include=["debut", "usager", "id"],
                condition=Q(revoked_at__isnull=True),
                name="aidants_mandat_en_cours",
            ),
            # The aidant's usager list, in its order: a range scan of the organisation's not revoked mandates that
            # stops after the page (the expired ones are skipped in the index, whose columns answer the filter).
            models.Index(
                fields=["organisation", "usager_nom", "usager_prenoms", "fin", "id"],
                include=["debut", "usager"],
                condition=Q(revoked_at__isnull=True),
                name="aidants_mandat_liste_usagers",
            ),
        ]

    def __str__(self) -> str:
        return f"Mandat n° {self.pk} — {self.organisation}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.usager_id is not None:
            self.usager_nom, self.usager_prenoms = self.usager.family_name, self.usager.given_names
        super().save(*args, **kwargs)

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.debut <= at < self.fin

    @property
    def statut_label(self) -> str:
        if self.revoked_at is not None:
            return "Révoqué"
        return "Actif" if self.is_active() else ("Expiré" if self.fin <= timezone.now() else "À venir")


class AutorisationQuerySet(models.QuerySet):
    def active(self, at=None):
        """Not revoked, in a mandate that is neither revoked nor expired."""
        at = at or timezone.now()
        return self.filter(
            revoked_at__isnull=True, mandat__revoked_at__isnull=True, mandat__debut__lte=at, mandat__fin__gt=at
        )


class Autorisation(models.Model):
    """One démarche authorised by a mandate; revocable on its own."""

    mandat = models.ForeignKey(Mandat, on_delete=models.PROTECT, related_name="autorisations", verbose_name="mandat")
    demarche = models.CharField("démarche", max_length=20, choices=Demarche.choices)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    remplacee_par = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="remplacée par"
    )

    objects = AutorisationQuerySet.as_manager()

    class Meta:
        verbose_name = "autorisation"
        verbose_name_plural = "autorisations"
        ordering = ["mandat", "demarche"]
        constraints = [
            models.UniqueConstraint(fields=["mandat", "demarche"], name="aidants_une_autorisation_par_demarche"),
        ]

    def __str__(self) -> str:
        return self.get_demarche_display()

    def is_active(self, at=None) -> bool:
        return self.revoked_at is None and self.mandat.is_active(at)
