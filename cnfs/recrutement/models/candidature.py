import secrets
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from cnfs.recrutement.enums import DistanceMax, EtapeConseiller
from cnfs.recrutement.storage import private_storage

MOTIVATION_MAX = 2500


def identity_key(*, nom: str, prenom: str, date_naissance, code_postal: str) -> str:
    """Same person, whatever the accents, case or spacing: the duplicate key of a candidature."""

    def fold(text: str) -> str:
        text = unicodedata.normalize("NFKD", text or "")
        text = "".join(c for c in text if not unicodedata.combining(c)).lower()
        return " ".join(text.replace("-", " ").replace("'", " ").replace("’", " ").split())

    birth = date_naissance.isoformat() if date_naissance else ""
    return f"{fold(nom)}|{fold(prenom)}|{birth}|{(code_postal or '').strip()}"


def cv_upload_to(instance, filename: str) -> str:
    # The person's file name is never reused on disk (it may hold anything); the stored name is random.
    return f"cv/{secrets.token_hex(16)}.pdf"


class Candidature(models.Model):
    """A person's application to become an advisor, with their situation, availability and travel radius.

    Also carries the advisor's lifecycle (`etape`): candidat → recruté → en formation → en poste → parti.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidature",
        verbose_name="compte",
    )
    prenom = models.CharField("prénom", max_length=150)
    nom = models.CharField("nom", max_length=150)
    email = models.EmailField("adresse électronique")
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    date_naissance = models.DateField("date de naissance")
    code_postal = models.CharField("code postal", max_length=5)
    commune = models.ForeignKey(
        "territoires.Commune", on_delete=models.PROTECT, related_name="candidatures", verbose_name="commune"
    )
    demandeur_emploi = models.BooleanField("demandeur·se d’emploi", default=False)
    en_emploi = models.BooleanField("en emploi", default=False)
    en_formation = models.BooleanField("en formation", default=False)
    diplome = models.BooleanField("diplômé·e en médiation numérique", default=False)
    diplome_libelle = models.CharField("intitulé du diplôme", max_length=255, blank=True)
    experience = models.BooleanField("expérience en médiation numérique", default=False)
    date_disponibilite = models.DateField("disponible à partir du")
    distance_max = models.PositiveIntegerField(
        "distance maximale de déplacement", choices=DistanceMax.choices, default=DistanceMax.KM_20
    )
    motivation = models.TextField("motivation", max_length=MOTIVATION_MAX, blank=True)
    cv = models.FileField("CV (PDF)", storage=private_storage, upload_to=cv_upload_to, blank=True, max_length=255)
    cv_nom = models.CharField("nom du fichier CV", max_length=255, blank=True)
    cv_depose_le = models.DateTimeField("CV déposé le", null=True, blank=True)
    pix_palier = models.PositiveSmallIntegerField("niveau Pix", null=True, blank=True)
    pix_competence_1 = models.BooleanField("Pix 1.1 — Mener une recherche et une veille d’information", default=False)
    pix_competence_2 = models.BooleanField("Pix 2.1 — Interagir", default=False)
    pix_competence_3 = models.BooleanField("Pix 3.1 — Développer des documents textuels", default=False)
    # Imported from the Pix campaign export: "% de maîtrise des acquis" of each competence (0–100).
    pix_score_1 = models.PositiveSmallIntegerField("Pix 1.1 — maîtrise (%)", null=True, blank=True)
    pix_score_2 = models.PositiveSmallIntegerField("Pix 2.1 — maîtrise (%)", null=True, blank=True)
    pix_score_3 = models.PositiveSmallIntegerField("Pix 3.1 — maîtrise (%)", null=True, blank=True)
    pix_partage_le = models.DateField("résultats Pix partagés le", null=True, blank=True)
    etape = models.CharField(
        "étape", max_length=20, choices=EtapeConseiller.choices, default=EtapeConseiller.CANDIDAT, db_index=True
    )
    cle_identite = models.CharField("clé d’identité", max_length=400, editable=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "candidature"
        verbose_name_plural = "candidatures"
        ordering = ["nom", "prenom", "id"]
        indexes = [models.Index(fields=["etape", "date_disponibilite"])]
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                name="recrutement_candidature_email_unique",
                violation_error_message="Une candidature existe déjà avec cette adresse électronique.",
            ),
            models.UniqueConstraint(
                fields=["cle_identite"],
                name="recrutement_candidature_identite_unique",
                violation_error_message="Une candidature existe déjà pour cette personne.",
            ),
            models.CheckConstraint(
                condition=Q(demandeur_emploi=True)
                | Q(en_emploi=True)
                | Q(en_formation=True)
                | Q(diplome=True)
                | Q(experience=True),
                name="recrutement_candidature_une_situation",
                violation_error_message="Indiquez au moins une situation.",
            ),
            models.CheckConstraint(
                condition=Q(diplome=False) | ~Q(diplome_libelle=""),
                name="recrutement_candidature_diplome_nomme",
                violation_error_message="Précisez l’intitulé de votre diplôme.",
            ),
            models.CheckConstraint(
                condition=Q(distance_max__in=DistanceMax.values),
                name="recrutement_candidature_distance_autorisee",
                violation_error_message="Choisissez une distance parmi celles proposées.",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("motivation"), MOTIVATION_MAX),
                name="recrutement_candidature_motivation_longueur",
                violation_error_message=f"La motivation ne doit pas dépasser {MOTIVATION_MAX} caractères.",
            ),
            models.CheckConstraint(
                condition=Q(pix_palier__isnull=True) | Q(pix_palier__gte=1, pix_palier__lte=3),
                name="recrutement_candidature_pix_palier",
                violation_error_message="Le niveau Pix est compris entre 1 et 3.",
            ),
            models.CheckConstraint(
                condition=(Q(pix_score_1__isnull=True) | Q(pix_score_1__lte=100))
                & (Q(pix_score_2__isnull=True) | Q(pix_score_2__lte=100))
                & (Q(pix_score_3__isnull=True) | Q(pix_score_3__lte=100)),
                name="recrutement_candidature_pix_scores",
                violation_error_message="Un score Pix est un pourcentage compris entre 0 et 100.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom}"

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        self.cle_identite = identity_key(
            nom=self.nom, prenom=self.prenom, date_naissance=self.date_naissance, code_postal=self.code_postal
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "email", "cle_identite"}
        super().save(*args, **kwargs)

    @property
    def situations(self) -> list[str]:
        fields = ("demandeur_emploi", "en_emploi", "en_formation", "diplome", "experience")
        return [str(self._meta.get_field(name).verbose_name) for name in fields if getattr(self, name)]
