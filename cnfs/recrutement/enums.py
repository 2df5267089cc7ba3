"""Choices of the recruitment chain: host requests, committee, candidates, matching, contracts, departures."""

from django.db import models


class TypeStructure(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    AUTRE_COLLECTIVITE = "autre_collectivite", "Autre collectivité"
    GIP = "gip", "Groupement d’intérêt public (GIP)"
    ASSOCIATION = "association", "Association"
    ENTREPRISE_ESS = "entreprise_ess", "Entreprise de l’économie sociale et solidaire"
    ENTREPRISE_PRIVEE = "entreprise_privee", "Entreprise privée"


class StatutDemande(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    DEPOSEE = "deposee", "Déposée"
    EXAMEN_COMPLEMENTAIRE = "examen_complementaire", "Examen complémentaire"
    VALIDEE = "validee", "Validée"
    REFUSEE = "refusee", "Refusée"
    ABANDONNEE = "abandonnee", "Abandonnée"
    ANNULEE = "annulee", "Annulée"
    DOUBLON = "doublon", "Doublon"


# Requests the prefecture and the committee still have to look at.
DEMANDE_EN_COURS = (StatutDemande.DEPOSEE, StatutDemande.EXAMEN_COMPLEMENTAIRE)
# Requests a structure may still withdraw itself.
DEMANDE_RETIRABLE = (StatutDemande.BROUILLON, StatutDemande.DEPOSEE, StatutDemande.EXAMEN_COMPLEMENTAIRE)


class TypeAvenant(models.TextChoices):
    AJOUT = "ajout", "Ajout de postes"
    RENDU = "rendu", "Rendu de postes"


class MotifAvenant(models.TextChoices):
    """The fixed reasons of the programme for asking more posts or giving some back."""

    BESOIN_SUPPLEMENTAIRE = "besoin_supplementaire", "Besoin supplémentaire sur le territoire"
    EXTENSION_TERRITOIRE = "extension_territoire", "Extension du territoire couvert"
    DIFFICULTES_RECRUTEMENT = "difficultes_recrutement", "Difficultés de recrutement"
    FIN_SUBVENTIONNEMENT = "fin_subventionnement", "Fin de subventionnement"
    CONTRAINTES_BUDGETAIRES = "contraintes_budgetaires", "Contraintes budgétaires"
    CHANGEMENT_PROJET = "changement_projet", "Changement de projet de la structure"


MOTIFS_AJOUT = (MotifAvenant.BESOIN_SUPPLEMENTAIRE, MotifAvenant.EXTENSION_TERRITOIRE)
MOTIFS_RENDU = (
    MotifAvenant.DIFFICULTES_RECRUTEMENT,
    MotifAvenant.FIN_SUBVENTIONNEMENT,
    MotifAvenant.CONTRAINTES_BUDGETAIRES,
    MotifAvenant.CHANGEMENT_PROJET,
)


class StatutAvenant(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    VALIDE = "valide", "Validé"
    REFUSE = "refuse", "Refusé"


class Avis(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    DEFAVORABLE = "defavorable", "Défavorable"


class Decision(models.TextChoices):
    VALIDEE = "validee", "Validée"
    REFUSEE = "refusee", "Refusée"
    EXAMEN_COMPLEMENTAIRE = "examen_complementaire", "Examen complémentaire"


class DistanceMax(models.IntegerChoices):
    KM_5 = 5, "5 km"
    KM_10 = 10, "10 km"
    KM_15 = 15, "15 km"
    KM_20 = 20, "20 km"
    KM_40 = 40, "40 km"
    KM_100 = 100, "100 km"
    KM_2000 = 2000, "France entière (2 000 km)"


class EtapeConseiller(models.TextChoices):
    """The advisor's lifecycle, shown on every page that names a person of the programme."""

    CANDIDAT = "candidat", "Candidat·e"
    RECRUTE = "recrute", "Recruté·e"
    EN_FORMATION = "en_formation", "En formation"
    EN_POSTE = "en_poste", "En poste"
    PARTI = "parti", "Parti·e"


# Who may be proposed to a host: not currently placed anywhere.
ETAPES_DISPONIBLES = (EtapeConseiller.CANDIDAT, EtapeConseiller.PARTI)


class StatutMiseEnRelation(models.TextChoices):
    NOUVELLE = "nouvelle", "Nouvelle"
    PRESELECTIONNEE = "preselectionnee", "Pré-sélectionnée"
    NON_RETENUE = "non_retenue", "Non retenue"
    RECRUTEE = "recrutee", "Recrutée"
    FINALISEE = "finalisee", "Finalisée"
    RUPTURE_SIGNALEE = "rupture_signalee", "Rupture signalée"
    RUPTURE_VALIDEE = "rupture_validee", "Rupture validée"


# A mise en relation in one of these statuses occupies one of the structure's granted posts.
STATUTS_POSTE_OCCUPE = (
    StatutMiseEnRelation.RECRUTEE,
    StatutMiseEnRelation.FINALISEE,
    StatutMiseEnRelation.RUPTURE_SIGNALEE,
)

# Allowed transitions of a mise en relation (the status machine of the issue).
TRANSITIONS_MISE_EN_RELATION: dict[str, frozenset[str]] = {
    StatutMiseEnRelation.NOUVELLE: frozenset({StatutMiseEnRelation.PRESELECTIONNEE, StatutMiseEnRelation.NON_RETENUE}),
    StatutMiseEnRelation.PRESELECTIONNEE: frozenset({StatutMiseEnRelation.RECRUTEE, StatutMiseEnRelation.NON_RETENUE}),
    StatutMiseEnRelation.NON_RETENUE: frozenset({StatutMiseEnRelation.PRESELECTIONNEE}),
    StatutMiseEnRelation.RECRUTEE: frozenset({StatutMiseEnRelation.FINALISEE, StatutMiseEnRelation.PRESELECTIONNEE}),
    StatutMiseEnRelation.FINALISEE: frozenset({StatutMiseEnRelation.RUPTURE_SIGNALEE}),
    StatutMiseEnRelation.RUPTURE_SIGNALEE: frozenset(
        {StatutMiseEnRelation.RUPTURE_VALIDEE, StatutMiseEnRelation.FINALISEE}
    ),
    StatutMiseEnRelation.RUPTURE_VALIDEE: frozenset(),
}


class TypeContrat(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    PEC = "pec", "Parcours emploi compétences (PEC)"
    CONTRAT_PROJET = "contrat_projet", "Contrat de projet public"


class StatutContrat(models.TextChoices):
    INITIE = "initie", "Renouvellement initié"
    VALIDE = "valide", "Validé"


class MotifRupture(models.TextChoices):
    LICENCIEMENT = "licenciement", "Licenciement"
    NON_RECONDUCTION_CDD = "non_reconduction_cdd", "Non-reconduction du CDD"
    DEMISSION = "demission", "Démission"
    CDISATION = "cdisation", "CDIsation"
    FIN_SUBVENTIONNEMENT = "fin_subventionnement", "Fin de subventionnement"


class StatutJustificatif(models.TextChoices):
    MANQUANT = "manquant", "Pièce justificative manquante"
    RECU = "recu", "Pièce justificative reçue"
    VERIFIE = "verifie", "Pièce justificative vérifiée"


class StatutRupture(models.TextChoices):
    SIGNALEE = "signalee", "Signalée"
    VALIDEE = "validee", "Validée"
