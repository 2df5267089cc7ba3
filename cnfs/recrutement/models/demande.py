from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

from cnfs.recrutement.enums import (
    MOTIFS_AJOUT,
    MOTIFS_RENDU,
    Avis,
    Decision,
    MotifAvenant,
    StatutAvenant,
    StatutDemande,
    TypeAvenant,
)

MOTIVATION_MAX = 2500
AVIS_COMMENTAIRE_MIN = 10
AVIS_COMMENTAIRE_MAX = 1000


class DemandePostes(models.Model):
    """A structure's request for advisor posts, examined by the prefecture then the selection committee."""

    structure = models.ForeignKey(
        "recrutement.Structure", on_delete=models.PROTECT, related_name="demandes", verbose_name="structure"
    )
    nombre_postes = models.PositiveIntegerField("nombre de conseillers souhaités")
    coordinateur = models.BooleanField("souhaite un poste de coordinateur·rice", default=False)
    date_debut_souhaitee = models.DateField("date de démarrage souhaitée")
    motivation = models.TextField("motivation", max_length=MOTIVATION_MAX)
    engagement = models.BooleanField("engagement de la structure", default=False)
    statut = models.CharField(
        "statut", max_length=30, choices=StatutDemande.choices, default=StatutDemande.BROUILLON, db_index=True
    )
    deposee_le = models.DateTimeField("déposée le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "demande de postes"
        verbose_name_plural = "demandes de postes"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nombre_postes__gte=1),
                name="recrutement_demande_au_moins_un_poste",
                violation_error_message="Demandez au moins un poste.",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("motivation"), MOTIVATION_MAX),
                name="recrutement_demande_motivation_longueur",
                violation_error_message=f"La motivation ne doit pas dépasser {MOTIVATION_MAX} caractères.",
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutDemande.BROUILLON) | (Q(engagement=True) & Q(deposee_le__isnull=False)),
                name="recrutement_demande_deposee_engagee",
                violation_error_message="Une demande déposée doit porter l’engagement de la structure.",
            ),
        ]

    def __str__(self) -> str:
        return f"Demande de {self.nombre_postes} poste(s) — {self.structure}"


class AvenantPostes(models.Model):
    """A later change to a structure's quota: ask for more posts or give some back, for a fixed reason."""

    structure = models.ForeignKey(
        "recrutement.Structure", on_delete=models.PROTECT, related_name="avenants", verbose_name="structure"
    )
    type = models.CharField("type d’avenant", max_length=10, choices=TypeAvenant.choices)
    nombre_postes = models.PositiveIntegerField("nombre de postes")
    motif = models.CharField("motif", max_length=40, choices=MotifAvenant.choices)
    commentaire = models.TextField("commentaire", max_length=1000, blank=True)
    statut = models.CharField(
        "statut", max_length=20, choices=StatutAvenant.choices, default=StatutAvenant.EN_ATTENTE, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="demandé par",
    )
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="décidé par",
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)

    class Meta:
        verbose_name = "avenant de postes"
        verbose_name_plural = "avenants de postes"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nombre_postes__gte=1),
                name="recrutement_avenant_au_moins_un_poste",
                violation_error_message="Un avenant porte sur au moins un poste.",
            ),
            models.CheckConstraint(
                condition=(Q(type=TypeAvenant.AJOUT) & Q(motif__in=[m.value for m in MOTIFS_AJOUT]))
                | (Q(type=TypeAvenant.RENDU) & Q(motif__in=[m.value for m in MOTIFS_RENDU])),
                name="recrutement_avenant_motif_coherent",
                violation_error_message="Ce motif ne correspond pas au type d’avenant.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.nombre_postes}) — {self.structure}"


class AvisPrefet(models.Model):
    """A prefecture's opinion on a request. Never edited: a new opinion is a new row, the latest one counts."""

    demande = models.ForeignKey(
        DemandePostes, on_delete=models.CASCADE, related_name="avis_prefet", verbose_name="demande"
    )
    avis = models.CharField("avis", max_length=20, choices=Avis.choices)
    commentaire = models.TextField("commentaire", max_length=AVIS_COMMENTAIRE_MAX)
    prioritaire = models.BooleanField("demande prioritaire pour le territoire", default=False)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="auteur"
    )
    created_at = models.DateTimeField("donné le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "avis de la préfecture"
        verbose_name_plural = "avis de la préfecture"
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("commentaire"), AVIS_COMMENTAIRE_MIN)
                & LessThanOrEqual(Length("commentaire"), AVIS_COMMENTAIRE_MAX),
                name="recrutement_avis_commentaire_longueur",
                violation_error_message=(
                    f"Le commentaire doit compter entre {AVIS_COMMENTAIRE_MIN} et {AVIS_COMMENTAIRE_MAX} caractères."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Avis {self.get_avis_display().lower()} — {self.demande}"


class SessionComite(models.Model):
    """A numbered session of the national selection committee (COSELEC)."""

    numero = models.PositiveIntegerField("numéro", unique=True)
    date = models.DateField("date de la session")
    cloturee = models.BooleanField("clôturée", default=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "session du comité de sélection"
        verbose_name_plural = "sessions du comité de sélection"
        ordering = ["-numero"]
        constraints = [
            models.CheckConstraint(
                condition=Q(numero__gte=1),
                name="recrutement_session_numero_positif",
                violation_error_message="Le numéro de session commence à 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"Comité de sélection n° {self.numero} du {self.date:%d/%m/%Y}"


class DecisionComite(models.Model):
    """The committee's decision on one request in one session: the quota granted, between 0 and the request."""

    session = models.ForeignKey(
        SessionComite, on_delete=models.PROTECT, related_name="decisions", verbose_name="session"
    )
    demande = models.ForeignKey(
        DemandePostes, on_delete=models.PROTECT, related_name="decisions", verbose_name="demande"
    )
    decision = models.CharField("décision", max_length=30, choices=Decision.choices)
    postes_demandes = models.PositiveIntegerField("postes demandés")
    postes_accordes = models.PositiveIntegerField("postes accordés")
    observations = models.TextField("observations", max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="saisie par"
    )
    created_at = models.DateTimeField("saisie le", auto_now_add=True)

    class Meta:
        verbose_name = "décision du comité"
        verbose_name_plural = "décisions du comité"
        ordering = ["-session__numero", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "demande"],
                name="recrutement_decision_unique_par_session",
                violation_error_message="Cette demande a déjà une décision dans cette session.",
            ),
            models.CheckConstraint(
                condition=Q(postes_accordes__gte=0) & Q(postes_accordes__lte=F("postes_demandes")),
                name="recrutement_decision_quota_borne",
                violation_error_message="Le nombre de postes accordés doit être compris entre 0 et la demande.",
            ),
            models.CheckConstraint(
                condition=(Q(decision=Decision.VALIDEE) & Q(postes_accordes__gte=1))
                | (~Q(decision=Decision.VALIDEE) & Q(postes_accordes=0)),
                name="recrutement_decision_quota_coherent",
                violation_error_message=(
                    "Une décision favorable accorde au moins un poste ; les autres décisions n’en accordent aucun."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.postes_accordes}/{self.postes_demandes}) — {self.demande}"
