from django.conf import settings
from django.db import models
from django.db.models import Q


class Beneficiaire(models.Model):
    """A person an advisor follows over several sessions.

    Activity is anonymous by default (records carry counts only, no `Beneficiaire`). A named follow-up exists only
    with the person's consent, recorded with its date and the version of the text they accepted; the database
    refuses a name or contact without it. After 24 months without activity `cnfs activite retention` clears the
    identity (`anonymise_le`) and keeps the row so that past records stay linked to one anonymous person.
    """

    conseiller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="beneficiaires", verbose_name="conseiller"
    )
    prenom = models.CharField("prénom", max_length=150, blank=True)
    nom = models.CharField("nom", max_length=150, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    commune = models.ForeignKey(
        "territoires.Commune",
        to_field="code",
        db_column="commune_code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="commune de résidence",
    )
    consentement_le = models.DateTimeField("consentement recueilli le", null=True, blank=True)
    consentement_version = models.CharField("version du texte de consentement", max_length=20, blank=True)
    derniere_activite = models.DateField("dernière activité", null=True, blank=True, db_index=True)
    anonymise_le = models.DateTimeField("anonymisé le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "bénéficiaire"
        verbose_name_plural = "bénéficiaires"
        ordering = ["nom", "prenom", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(prenom="", nom="", email="", telephone="")
                | (Q(consentement_le__isnull=False) & ~Q(consentement_version="")),
                name="activite_beneficiaire_nominatif_avec_consentement",
                violation_error_message="Un suivi nominatif exige le consentement recueilli (date et version).",
            ),
        ]

    def __str__(self) -> str:
        if self.anonymise_le:
            return f"Bénéficiaire anonymisé nº {self.pk}"
        return f"{self.prenom} {self.nom}".strip() or f"Bénéficiaire nº {self.pk}"

    @property
    def est_nominatif(self) -> bool:
        return bool(self.prenom or self.nom or self.email or self.telephone)
