from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from cnfs.recrutement.enums import TypeStructure
from cnfs.recrutement.validators import validate_siret


class Structure(models.Model):
    """A host organisation (town hall, EPCI, association…) that asks for advisor posts and recruits them.

    Accounts of its managers hold the role `structure` with `RoleAssignment.scope_type = "structure"` and
    `RoleAssignment.object_id = str(structure.pk)`; `cnfs.recrutement.permissions` reads them through
    `Scope.object_ids(Role.STRUCTURE)`.

    `postes_accordes` is the quota granted by the selection committee (plus amendments) and `postes_occupes` the
    posts held by a recruitment right now. Services change both under a row lock on this structure
    (`select_for_update`), and the database refuses `postes_occupes > postes_accordes` as a last guard.
    """

    siret = models.CharField("numéro SIRET", max_length=14, validators=[validate_siret])
    type = models.CharField("type de structure", max_length=20, choices=TypeStructure.choices)
    nom = models.CharField("raison sociale", max_length=255)
    adresse = models.CharField("adresse", max_length=255)
    commune = models.ForeignKey(
        "territoires.Commune", on_delete=models.PROTECT, related_name="structures", verbose_name="commune"
    )
    # Located at the commune's point until geocoded.
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    contact_prenom = models.CharField("prénom du contact", max_length=150)
    contact_nom = models.CharField("nom du contact", max_length=150)
    contact_fonction = models.CharField("fonction du contact", max_length=150, blank=True)
    contact_email = models.EmailField("adresse électronique du contact")
    contact_telephone = models.CharField("téléphone du contact", max_length=20, blank=True)
    qpv = models.BooleanField("en quartier prioritaire de la politique de la ville (QPV)", default=False)
    zrr = models.BooleanField("en zone France Ruralités Revitalisation (ex-ZRR)", default=False)
    france_services = models.BooleanField("labellisée France Services", default=False)
    postes_accordes = models.PositiveIntegerField("postes accordés", default=0)
    postes_occupes = models.PositiveIntegerField("postes occupés", default=0)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "structure d’accueil"
        verbose_name_plural = "structures d’accueil"
        ordering = ["nom", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                name="recrutement_structure_siret_unique",
                violation_error_message="Une structure avec ce numéro SIRET existe déjà.",
            ),
            models.CheckConstraint(
                condition=Q(postes_accordes__gte=0) & Q(postes_occupes__gte=0),
                name="recrutement_structure_postes_positifs",
                violation_error_message="Le nombre de postes ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                condition=Q(postes_occupes__lte=F("postes_accordes")),
                name="recrutement_structure_quota_respecte",
                violation_error_message="La structure ne peut pas recruter au-delà des postes accordés.",
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=-90, latitude__lte=90) & Q(longitude__gte=-180, longitude__lte=180)),
                name="recrutement_structure_coordonnees_valides",
                violation_error_message="Les coordonnées de la structure ne sont pas valides.",
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    def get_absolute_url(self) -> str:
        return reverse("recrutement:structure_detail", args=[self.pk])

    @property
    def point(self) -> tuple[float, float] | None:
        """(latitude, longitude): the geocoded address, else the commune's point."""
        if self.latitude is not None and self.longitude is not None:
            return (self.latitude, self.longitude)
        if self.commune.latitude is not None and self.commune.longitude is not None:
            return (self.commune.latitude, self.commune.longitude)
        return None

    @property
    def postes_disponibles(self) -> int:
        return max(self.postes_accordes - self.postes_occupes, 0)
