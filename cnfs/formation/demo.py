"""Demo training data: two training organisations (the demo `formation` account is re-pointed to the first one),
sessions, and a cohort of recruited advisors in the Loire at every stage of the readiness gate.

Idempotent: organisations are keyed by SIRET, advisors by e-mail, records by (advisor, module); dates are relative
to today so that the gate puts the cohort at recruited / in training / in the field. The recruitment demo, when it
exists, gives the demo `conseiller` account its recruitment; that advisor is enrolled too.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from cnfs.core.enums import Role
from cnfs.core.models import RoleAssignment
from cnfs.core.services import role_assignment_save
from cnfs.demo import DemoContext, accounts
from cnfs.demo.accounts import EMAIL_DOMAIN
from cnfs.formation.catalogue import ensure_catalogue
from cnfs.formation.enums import ResultatFormation
from cnfs.formation.models import Inscription, ModuleFormation, OrganismeFormation, SessionFormation
from cnfs.formation.services import conseillers_update_readiness, modules_parcours_initial
from cnfs.recrutement.enums import EtapeConseiller, StatutMiseEnRelation
from cnfs.recrutement.models import Candidature, Contrat, MiseEnRelation, Structure
from cnfs.recrutement.validators import luhn_valid
from cnfs.territoires.models import Commune

ORGANISMES = [
    ("Campus de la médiation numérique — Loire", "33000000"),
    ("Institut numérique du Rhône", "33000001"),
]
BASE_COHORT = 12
# (contract starts in N days, training starts in N days or None): the gate decides the stage from these.
PROFILES = [(-60, -45), (-30, -20), (-10, -5), (20, -3), (30, -1), (-15, None), (10, None), (-5, 12)]


def _luhn(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn_valid(prefix + d))


def _siret(prefix: str) -> str:
    """A valid SIRET from 8 digits: SIREN key, establishment 0001, SIRET key."""
    return _luhn(_luhn(prefix) + "0001")


def demo_organisme_id() -> str | None:
    """The object_id of the demo `formation` account's scope: the first demo organisation, once it exists."""
    pk = OrganismeFormation.objects.filter(siret=_siret(ORGANISMES[0][1])).values_list("pk", flat=True).first()
    return str(pk) if pk else None


# The accounts step then gives the demo `formation` account this organisation directly on a rerun.
accounts.ORGANISATION_LOOKUPS["formation"] = demo_organisme_id


def _organismes(ctx: DemoContext) -> list[OrganismeFormation]:
    result = []
    for nom, prefix in ORGANISMES:
        organisme, _ = OrganismeFormation.objects.update_or_create(
            siret=_siret(prefix), defaults={"nom": nom, "email": f"contact@{prefix}.{EMAIL_DOMAIN}"}
        )
        result.append(organisme)
    account = ctx.accounts.get("formation")
    if account is not None:
        for assignment in RoleAssignment.objects.filter(user=account, role=Role.FORMATION):
            if assignment.object_id != str(result[0].pk):
                assignment.object_id = str(result[0].pk)
                role_assignment_save(actor=None, assignment=assignment)
        ctx.organisations["formation"] = str(result[0].pk)
    return result


def _structure(commune: Commune) -> Structure:
    structure, _ = Structure.objects.update_or_create(
        siret=_siret("33000009"),
        defaults={
            "type": "commune",
            "nom": f"Mairie de {commune.nom} (démo formation)",
            "adresse": "1 place de l’Hôtel de Ville",
            "commune": commune,
            "contact_prenom": "Camille",
            "contact_nom": "Martin",
            "contact_email": f"mairie@{EMAIL_DOMAIN}",
        },
    )
    return structure


def _advisor(ctx, n: int, commune: Commune, structure: Structure, contract_in: int, today) -> Candidature:
    email = f"stagiaire.{n}@{EMAIL_DOMAIN}"
    candidature = Candidature.objects.filter(email=email).first()
    if candidature is None:
        candidature = Candidature(
            email=email,
            prenom=ctx.faker.first_name(),
            nom=ctx.faker.last_name(),
            date_naissance=datetime.date(1985 + n % 15, 1 + n % 12, 1 + n % 28),
            code_postal=(commune.codes_postaux or ["42000"])[0],
            commune=commune,
            demandeur_emploi=True,
            date_disponibilite=today,
            pix_palier=1 + n % 3,
            etape=EtapeConseiller.RECRUTE,
        )
        candidature.save()
    start = today + datetime.timedelta(days=contract_in)
    mer, _ = MiseEnRelation.objects.get_or_create(
        structure=structure,
        candidature=candidature,
        defaults={"statut": StatutMiseEnRelation.FINALISEE, "date_recrutement": start},
    )
    if not mer.contrats.exists():
        Contrat.objects.create(mise_en_relation=mer, type="cdi", date_debut=start, heures_hebdomadaires=35)
    return candidature


def _enrol(candidature: Candidature, organisme, modules: list[ModuleFormation], start, today) -> int:
    created = 0
    for offset, module in enumerate(modules):
        debut = start + datetime.timedelta(days=30 * offset)
        elapsed = max((today - debut).days, 0)
        heures = min(Decimal(module.duree_heures), Decimal(elapsed * 5)) if debut <= today else Decimal(0)
        done = heures == module.duree_heures and debut + datetime.timedelta(days=elapsed) <= today
        values = {
            "organisme": organisme,
            "heures_prevues": module.duree_heures,
            "heures_realisees": heures,
            "date_debut": debut,
            "date_fin": today if done else None,
            "resultat": ResultatFormation.VALIDE
            if done
            else (ResultatFormation.EN_COURS if heures else ResultatFormation.INSCRIT),
        }
        _, was_created = Inscription.objects.update_or_create(candidature=candidature, module=module, defaults=values)
        created += was_created
    return created


def seed(ctx: DemoContext) -> None:
    today = timezone.localdate()
    ensure_catalogue()
    organismes = _organismes(ctx)
    socle = ModuleFormation.objects.get(code="fi-socle")
    for organisme in organismes:
        SessionFormation.objects.get_or_create(
            organisme=organisme,
            module=socle,
            date_debut=today.replace(day=1),
            defaults={"date_fin": today.replace(day=1) + datetime.timedelta(days=27), "lieu": "Saint-Étienne"},
        )
    ctx.report("organismes de formation", len(organismes))
    commune = Commune.objects.filter(departement__code="42").order_by("-population", "code").first()
    if commune is None:
        ctx.warn(
            "Aucune commune de la Loire n’est chargée : la cohorte de stagiaires de démonstration n’est pas créée."
        )
        return
    structure = _structure(commune)
    size = ctx.scale.count(BASE_COHORT)
    # The quota covers the cohort before its recruitments are recorded (the database checks occupied <= granted).
    structure.postes_accordes = max(structure.postes_accordes, size)
    structure.save(update_fields=["postes_accordes", "updated_at"])
    cohort = []
    for n in ctx.progress(range(size), "Stagiaires de démonstration", size):
        contract_in, training_in = PROFILES[n % len(PROFILES)]
        candidature = _advisor(ctx, n, commune, structure, contract_in, today)
        if training_in is not None:
            start = today + datetime.timedelta(days=training_in)
            _enrol(
                candidature,
                organismes[1 if n % 4 == 3 else 0],
                modules_parcours_initial(candidature.pix_palier),
                start,
                today,
            )
        cohort.append(candidature.pk)
    structure.postes_occupes = MiseEnRelation.objects.filter(structure=structure).count()
    structure.save(update_fields=["postes_occupes", "updated_at"])
    account = ctx.accounts.get("conseiller")
    own = Candidature.objects.filter(user=account).first() if account is not None else None
    if own is not None and own.etape in (
        EtapeConseiller.RECRUTE,
        EtapeConseiller.EN_FORMATION,
        EtapeConseiller.EN_POSTE,
    ):
        _enrol(own, organismes[0], [socle], today - datetime.timedelta(days=10), today)
        cohort.append(own.pk)
    conseillers_update_readiness(today=today, candidature_ids=cohort)
    ctx.report("stagiaires", len(cohort))
