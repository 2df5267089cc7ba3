"""Training of the advisors: training organisations, modules, sessions, enrolments (the training record),
attendance, certification blocks and VAE requests.

The initial pathway is data: each initial `ModuleFormation` carries `palier_max`, the highest Pix level that still
needs it. A candidate at level 3 follows the modules with `palier_max >= 3` (70 h), level 2 those with
`palier_max >= 2` (210 h), level 1 all of them (420 h). The catalogue (`catalogue.py`) is seeded by the initial
migration and edited by the national team in the back-office.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from cnfs.formation.enums import (
    RESULTATS_TERMINES,
    BlocCertification,
    NatureModule,
    ResultatBloc,
    ResultatFormation,
    StatutPresence,
    StatutVAE,
    VoieCertification,
)
from cnfs.recrutement.validators import validate_siret

HEURES_MAX = 420


class OrganismeFormation(models.Model):
    """A training organisation. Its accounts hold the role `formation` with `RoleAssignment.scope_type =
    "organisation"` and `object_id = str(organisme.pk)`."""

    nom = models.CharField("raison sociale", max_length=255)
    siret = models.CharField("numéro SIRET", max_length=14, validators=[validate_siret], blank=True)
    email = models.EmailField("adresse électronique de contact", blank=True)
    commune = models.ForeignKey(
        "territoires.Commune",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organismes_formation",
        verbose_name="commune",
    )
    actif = models.BooleanField("habilité pour le programme", default=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "organisme de formation"
        verbose_name_plural = "organismes de formation"
        ordering = ["nom", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="formation_organisme_siret_unique",
                violation_error_message="Un organisme de formation avec ce numéro SIRET existe déjà.",
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    def get_absolute_url(self) -> str:
        return reverse("formation:organisme_detail", args=[self.pk])


class ModuleFormation(models.Model):
    """A module of the catalogue: initial pathway (chosen from the Pix level) or continuing training."""

    code = models.SlugField("code", max_length=30, unique=True)
    libelle = models.CharField("intitulé", max_length=255)
    nature = models.CharField("nature", max_length=10, choices=NatureModule.choices)
    duree_heures = models.PositiveIntegerField("durée (heures)")
    palier_max = models.PositiveSmallIntegerField(
        "niveau Pix jusqu’auquel le module est requis",
        null=True,
        blank=True,
        help_text="Formation initiale : requis pour les niveaux Pix inférieurs ou égaux (1 à 3). Vide en continue.",
    )
    ordre = models.PositiveSmallIntegerField("ordre dans le parcours", default=0)
    actif = models.BooleanField("proposé", default=True)

    class Meta:
        verbose_name = "module de formation"
        verbose_name_plural = "modules de formation"
        ordering = ["nature", "ordre", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duree_heures__gte=1, duree_heures__lte=HEURES_MAX),
                name="formation_module_duree_bornee",
                violation_error_message=f"La durée d’un module est comprise entre 1 et {HEURES_MAX} heures.",
            ),
            models.CheckConstraint(
                condition=(Q(nature=NatureModule.INITIALE) & Q(palier_max__gte=1, palier_max__lte=3))
                | (Q(nature=NatureModule.CONTINUE) & Q(palier_max__isnull=True)),
                name="formation_module_palier_selon_nature",
                violation_error_message=(
                    "Un module de formation initiale indique un niveau Pix (1 à 3) ; un module de formation "
                    "continue n’en a pas."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.libelle} ({self.duree_heures} h)"


class SessionFormation(models.Model):
    """A scheduled run of a module by an organisation, with its dates and number of seats."""

    organisme = models.ForeignKey(
        OrganismeFormation, on_delete=models.PROTECT, related_name="sessions", verbose_name="organisme"
    )
    module = models.ForeignKey(
        ModuleFormation, on_delete=models.PROTECT, related_name="sessions", verbose_name="module"
    )
    date_debut = models.DateField("date de début")
    date_fin = models.DateField("date de fin")
    lieu = models.CharField("lieu", max_length=255, blank=True)
    places = models.PositiveIntegerField("nombre de places", default=20)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "session de formation"
        verbose_name_plural = "sessions de formation"
        ordering = ["-date_debut", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__gte=F("date_debut")),
                name="formation_session_fin_apres_debut",
                violation_error_message="La fin de la session ne peut pas précéder son début.",
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1),
                name="formation_session_au_moins_une_place",
                violation_error_message="Une session compte au moins une place.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module.libelle} — du {self.date_debut:%d/%m/%Y} au {self.date_fin:%d/%m/%Y}"


class Inscription(models.Model):
    """An advisor's enrolment in one module at one organisation: the training record (hours, dates, result)."""

    candidature = models.ForeignKey(
        "recrutement.Candidature", on_delete=models.PROTECT, related_name="inscriptions", verbose_name="conseiller"
    )
    module = models.ForeignKey(
        ModuleFormation, on_delete=models.PROTECT, related_name="inscriptions", verbose_name="module"
    )
    organisme = models.ForeignKey(
        OrganismeFormation, on_delete=models.PROTECT, related_name="inscriptions", verbose_name="organisme"
    )
    session = models.ForeignKey(
        SessionFormation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inscriptions",
        verbose_name="session",
    )
    heures_prevues = models.DecimalField("heures prévues", max_digits=5, decimal_places=1)
    heures_realisees = models.DecimalField("heures réalisées", max_digits=5, decimal_places=1, default=0)
    date_debut = models.DateField("date de début")
    date_fin = models.DateField("date de fin", null=True, blank=True)
    resultat = models.CharField(
        "résultat", max_length=12, choices=ResultatFormation.choices, default=ResultatFormation.INSCRIT
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "inscription en formation"
        verbose_name_plural = "inscriptions en formation"
        ordering = ["date_debut", "module__ordre", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidature", "module"],
                name="formation_inscription_unique",
                violation_error_message="Ce conseiller est déjà inscrit à ce module.",
            ),
            models.CheckConstraint(
                condition=Q(heures_prevues__gt=0, heures_prevues__lte=HEURES_MAX),
                name="formation_inscription_heures_prevues_bornees",
                violation_error_message=f"Les heures prévues sont comprises entre 0 et {HEURES_MAX}.",
            ),
            models.CheckConstraint(
                condition=Q(heures_realisees__gte=0) & Q(heures_realisees__lte=F("heures_prevues")),
                name="formation_inscription_realisees_au_plus_prevues",
                violation_error_message="Les heures réalisées ne peuvent pas dépasser les heures prévues.",
            ),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date_debut")),
                name="formation_inscription_fin_apres_debut",
                violation_error_message="La date de fin ne peut pas précéder la date de début.",
            ),
            models.CheckConstraint(
                condition=~Q(resultat__in=[r.value for r in RESULTATS_TERMINES]) | Q(date_fin__isnull=False),
                name="formation_inscription_terminee_datee",
                violation_error_message="Une formation terminée porte sa date de fin.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidature} — {self.module.libelle}"

    @property
    def progression(self) -> int:
        """Completed share of the planned hours, in percent."""
        if not self.heures_prevues:
            return 0
        return int(self.heures_realisees * 100 / self.heures_prevues)


class Presence(models.Model):
    """Attendance of a trainee on one day of training."""

    inscription = models.ForeignKey(
        Inscription, on_delete=models.CASCADE, related_name="presences", verbose_name="inscription"
    )
    date = models.DateField("date")
    heures = models.DecimalField("heures suivies", max_digits=4, decimal_places=1, default=0)
    statut = models.CharField("présence", max_length=10, choices=StatutPresence.choices)
    created_at = models.DateTimeField("saisie le", auto_now_add=True)

    class Meta:
        verbose_name = "présence"
        verbose_name_plural = "présences"
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inscription", "date"],
                name="formation_presence_unique_par_jour",
                violation_error_message="La présence de ce jour est déjà saisie.",
            ),
            models.CheckConstraint(
                condition=Q(heures__gte=0, heures__lte=12),
                name="formation_presence_heures_bornees",
                violation_error_message="Une journée de formation compte entre 0 et 12 heures.",
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutPresence.PRESENT) | Q(heures=0),
                name="formation_presence_absent_sans_heures",
                violation_error_message="Une absence ne compte aucune heure.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inscription} — {self.date:%d/%m/%Y} ({self.get_statut_display().lower()})"


class DemandeVAE(models.Model):
    """A request to obtain the professional title, or some of its blocks, by validation of experience."""

    candidature = models.ForeignKey(
        "recrutement.Candidature", on_delete=models.PROTECT, related_name="demandes_vae", verbose_name="conseiller"
    )
    date_depot = models.DateField("déposée le")
    statut = models.CharField("statut", max_length=25, choices=StatutVAE.choices, default=StatutVAE.DEPOSEE)
    date_decision = models.DateField("date de la dernière décision", null=True, blank=True)
    observations = models.TextField("observations", max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="saisie par",
    )
    created_at = models.DateTimeField("saisie le", auto_now_add=True)

    class Meta:
        verbose_name = "demande de VAE"
        verbose_name_plural = "demandes de VAE"
        ordering = ["-date_depot", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidature"],
                condition=Q(statut__in=[StatutVAE.DEPOSEE, StatutVAE.RECEVABLE]),
                name="formation_vae_une_en_cours",
                violation_error_message="Une demande de VAE est déjà en cours pour ce conseiller.",
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutVAE.DEPOSEE) | Q(date_decision__isnull=False),
                name="formation_vae_decision_datee",
                violation_error_message="Une décision sur une VAE porte sa date.",
            ),
            models.CheckConstraint(
                condition=Q(date_decision__isnull=True) | Q(date_decision__gte=F("date_depot")),
                name="formation_vae_decision_apres_depot",
                violation_error_message="La décision ne peut pas précéder le dépôt de la demande.",
            ),
        ]

    def __str__(self) -> str:
        return f"VAE de {self.candidature} du {self.date_depot:%d/%m/%Y} ({self.get_statut_display().lower()})"


class PassageBloc(models.Model):
    """One attempt at one block of the title (after training, or decided by a VAE jury), with its result."""

    candidature = models.ForeignKey(
        "recrutement.Candidature", on_delete=models.PROTECT, related_name="passages_blocs", verbose_name="conseiller"
    )
    bloc = models.CharField("bloc de compétences", max_length=4, choices=BlocCertification.choices)
    voie = models.CharField(
        "voie", max_length=10, choices=VoieCertification.choices, default=VoieCertification.FORMATION
    )
    date_passage = models.DateField("date de l’épreuve ou du jury")
    resultat = models.CharField("résultat", max_length=10, choices=ResultatBloc.choices)
    organisme = models.ForeignKey(
        OrganismeFormation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="passages_blocs",
        verbose_name="organisme présentant",
    )
    demande_vae = models.ForeignKey(
        DemandeVAE,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="passages_blocs",
        verbose_name="demande de VAE",
    )
    created_at = models.DateTimeField("saisi le", auto_now_add=True)

    class Meta:
        verbose_name = "passage d’un bloc de certification"
        verbose_name_plural = "passages des blocs de certification"
        ordering = ["bloc", "date_passage", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidature", "bloc", "date_passage"],
                name="formation_passage_unique",
                violation_error_message="Ce bloc a déjà un résultat à cette date pour ce conseiller.",
            ),
            models.CheckConstraint(
                condition=Q(bloc__in=BlocCertification.values),
                name="formation_passage_bloc_connu",
                violation_error_message="Ce bloc ne fait pas partie du titre professionnel.",
            ),
            models.CheckConstraint(
                condition=(Q(voie=VoieCertification.VAE) & Q(demande_vae__isnull=False))
                | (Q(voie=VoieCertification.FORMATION) & Q(demande_vae__isnull=True)),
                name="formation_passage_vae_liee",
                violation_error_message="Un bloc obtenu par VAE est rattaché à sa demande de VAE.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bloc} — {self.candidature} ({self.get_resultat_display().lower()})"
