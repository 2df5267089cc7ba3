"""Choices of the training app: module kinds, results, certification blocks, VAE."""

from django.db import models


class NatureModule(models.TextChoices):
    INITIALE = "initiale", "Formation initiale"
    CONTINUE = "continue", "Formation continue"


class ResultatFormation(models.TextChoices):
    INSCRIT = "inscrit", "Inscrit·e"
    EN_COURS = "en_cours", "En cours"
    VALIDE = "valide", "Validé"
    NON_VALIDE = "non_valide", "Non validé"
    ABANDON = "abandon", "Abandon"


# Results that close a record: its end date is then required.
RESULTATS_TERMINES = (ResultatFormation.VALIDE, ResultatFormation.NON_VALIDE, ResultatFormation.ABANDON)


class BlocCertification(models.TextChoices):
    """The three blocks (certificats de compétences professionnelles) of the programme's professional title."""

    CCP1 = (
        "CCP1",
        (
            "CCP1 — Accompagner différents publics vers l’autonomie dans les usages des technologies, services et "
            "médias numériques"
        ),
    )
    CCP2 = "CCP2", "CCP2 — Contribuer au développement d’un espace de médiation numérique et de ses projets"
    CCP3 = "CCP3", "CCP3 — Contribuer à la gestion d’un espace de médiation numérique et animer ses projets"


TITRE_PROFESSIONNEL = "Conseiller médiateur numérique"


class ResultatBloc(models.TextChoices):
    ADMIS = "admis", "Admis·e"
    AJOURNE = "ajourne", "Ajourné·e"
    ABSENT = "absent", "Absent·e"


class VoieCertification(models.TextChoices):
    FORMATION = "formation", "Examen après formation"
    VAE = "vae", "Validation des acquis de l’expérience (VAE)"


class StatutVAE(models.TextChoices):
    DEPOSEE = "deposee", "Déposée"
    RECEVABLE = "recevable", "Recevable"
    NON_RECEVABLE = "non_recevable", "Non recevable"
    VALIDATION_TOTALE = "validation_totale", "Validation totale"
    VALIDATION_PARTIELLE = "validation_partielle", "Validation partielle"
    REFUSEE = "refusee", "Refusée par le jury"


# VAE statuses that close the request (a jury or the admissibility decided).
STATUTS_VAE_CLOS = (
    StatutVAE.NON_RECEVABLE,
    StatutVAE.VALIDATION_TOTALE,
    StatutVAE.VALIDATION_PARTIELLE,
    StatutVAE.REFUSEE,
)

TRANSITIONS_VAE: dict[str, frozenset[str]] = {
    StatutVAE.DEPOSEE: frozenset({StatutVAE.RECEVABLE, StatutVAE.NON_RECEVABLE}),
    StatutVAE.RECEVABLE: frozenset({StatutVAE.VALIDATION_TOTALE, StatutVAE.VALIDATION_PARTIELLE, StatutVAE.REFUSEE}),
    StatutVAE.NON_RECEVABLE: frozenset(),
    StatutVAE.VALIDATION_TOTALE: frozenset(),
    StatutVAE.VALIDATION_PARTIELLE: frozenset(),
    StatutVAE.REFUSEE: frozenset(),
}


class StatutPresence(models.TextChoices):
    PRESENT = "present", "Présent·e"
    ABSENT = "absent", "Absent·e"
    EXCUSE = "excuse", "Absence excusée"
