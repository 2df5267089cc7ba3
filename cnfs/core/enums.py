from django.db import models


class Role(models.TextChoices):
    ANCT = "anct", "Équipe nationale (ANCT)"
    PREFECTURE = "prefecture", "Préfecture"
    HUB = "hub", "Hub territorial"
    STRUCTURE = "structure", "Structure d'accueil"
    CANDIDAT = "candidat", "Candidat·e"
    CONSEILLER = "conseiller", "Conseiller numérique"
    COORDINATEUR = "coordinateur", "Coordinateur·rice"
    FORMATION = "formation", "Organisme de formation"
    AIDANT = "aidant", "Aidant Connect"
    RESPONSABLE = "responsable", "Responsable Aidants Connect"
    # Pass numérique (object_id: Commanditaire, Distributeur, lieux.Lieu).
    COMMANDITAIRE = "commanditaire", "Commanditaire pass numérique"
    DISTRIBUTEUR = "distributeur", "Distributeur pass numérique"
    LIEU_PASS = "lieu_pass", "Lieu pass numérique"


class ScopeType(models.TextChoices):
    NATIONAL = "national", "National"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    HUB = "hub", "Hub"
    STRUCTURE = "structure", "Structure"
    ORGANISATION = "organisation", "Organisation"
    PERSONNEL = "personnel", "Personnel"


# Roles whose holders must confirm a second factor (TOTP) before acting.
ROLES_REQUIRING_2FA = frozenset({Role.ANCT, Role.PREFECTURE, Role.HUB, Role.AIDANT, Role.RESPONSABLE})

# The scope each role is normally granted on.
DEFAULT_SCOPE_FOR_ROLE = {
    Role.ANCT: ScopeType.NATIONAL,
    Role.PREFECTURE: ScopeType.DEPARTEMENT,
    Role.HUB: ScopeType.HUB,
    Role.STRUCTURE: ScopeType.STRUCTURE,
    Role.CANDIDAT: ScopeType.PERSONNEL,
    Role.CONSEILLER: ScopeType.PERSONNEL,
    Role.COORDINATEUR: ScopeType.STRUCTURE,
    Role.FORMATION: ScopeType.ORGANISATION,
    Role.AIDANT: ScopeType.ORGANISATION,
    Role.RESPONSABLE: ScopeType.ORGANISATION,
    Role.COMMANDITAIRE: ScopeType.ORGANISATION,
    Role.DISTRIBUTEUR: ScopeType.ORGANISATION,
    Role.LIEU_PASS: ScopeType.ORGANISATION,
}
