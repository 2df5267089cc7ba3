"""Demo Aidants Connect: the demo organisation `demo-aidants-42-1` becomes a real Organisation (the demo `aidant`
and `responsable` accounts are re-pointed to it), the aidant is habilitated, a few usagers have mandates (through
the mandate service, so that the journal records them), and one habilitation request awaits the national team.

Idempotent: the organisation and the request are keyed by SIRET, usagers by their (demo) FranceConnect `sub`; an
usager who already has a mandate of the organisation gets no new one. Mandates start when they are first loaded.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from cnfs.aidants.enums import Demarche, DureeMandat, StatutAidant, TypeOrganisation
from cnfs.aidants.models import Aidant, DemandeHabilitation, Mandat, Organisation
from cnfs.demo import DemoContext, accounts
from cnfs.recrutement.validators import luhn_valid

USAGERS = 6
VALIDATED_AT = datetime.datetime(2026, 1, 12, 9, tzinfo=datetime.UTC)
DEMARCHES = [d for d in Demarche.values if d not in (Demarche.JUSTICE, Demarche.ETRANGER)]


def _siret(n: int) -> str:
    def keyed(prefix: str) -> str:
        return next(prefix + d for d in "0123456789" if luhn_valid(prefix + d))

    return keyed(keyed(f"{83000000 + n:08d}") + f"{n:04d}")


def demo_organisation_id() -> str | None:
    """The object_id of the demo aidant and responsable scopes: the demo organisation, once it exists."""
    pk = Organisation.objects.filter(siret=_siret(1)).values_list("pk", flat=True).first()
    return str(pk) if pk else None


accounts.ORGANISATION_LOOKUPS["aidants"] = demo_organisation_id


def _organisation() -> Organisation:
    organisation, _ = Organisation.objects.update_or_create(
        siret=_siret(1),
        defaults={
            "nom": "France Services de Saint-Étienne Centre",
            "type": TypeOrganisation.FRANCE_SERVICES,
            "departement": "42",
            "adresse": "2 place de l’Hôtel de Ville, 42000 Saint-Étienne",
            "demarches_autorisees": DEMARCHES,
            "active": True,
        },
    )
    return organisation


def _repoint_accounts(ctx: DemoContext, organisation: Organisation) -> None:
    object_id = str(organisation.pk)
    ctx.organisations["aidants"] = object_id
    label = f"Organisation : {organisation.nom} (n° {organisation.pk})"
    rows = ctx.shared.get("account_rows", [])
    for spec in accounts.ACCOUNTS:
        if spec.organisation != "aidants" or spec.key not in ctx.accounts:
            continue
        accounts._sync_roles(ctx.accounts[spec.key], spec, {"object_id": object_id})
        for i, row in enumerate(rows):
            if row[1] == spec.email:
                rows[i] = (row[0], row[1], label)


def _aidant(ctx: DemoContext, organisation: Organisation) -> Aidant | None:
    user = ctx.accounts.get("aidant")
    if user is None:
        return None
    aidant, _ = Aidant.objects.update_or_create(
        user=user,
        defaults={
            "organisation": organisation,
            "statut": StatutAidant.HABILITE,
            "formation_date": VALIDATED_AT.date() - datetime.timedelta(days=7),
            "test_reussi": True,
            "validated_at": VALIDATED_AT,
            "validated_by": ctx.accounts.get("anct"),
        },
    )
    return aidant


def _mandats(ctx: DemoContext, aidant: Aidant) -> int:
    from cnfs.aidants.services.mandats import _mandat_write, usager_from_identity

    created = 0
    count = ctx.scale.count(USAGERS)
    durees = list(DureeMandat.values)
    for n in range(count):
        born = datetime.date(1935, 1, 1) + datetime.timedelta(days=ctx.rng.randrange(0, 60 * 365))
        usager = usager_from_identity(
            {
                "sub": f"demo-usager-{n}",
                "given_name": ctx.faker.first_name(),
                "family_name": ctx.faker.last_name(),
                "birthdate": born.isoformat(),
            }
        )
        demarches = sorted(ctx.rng.sample(DEMARCHES, ctx.rng.randint(1, 3)), key=Demarche.values.index)
        duree = durees[n % len(durees)]
        if Mandat.objects.filter(organisation=aidant.organisation, usager=usager).exists():
            continue
        _mandat_write(actor=aidant.user, aidant=aidant, usager=usager, demarches=demarches, duree=duree)
        created += 1
    return created


def _demande(ctx: DemoContext) -> None:
    DemandeHabilitation.objects.update_or_create(
        siret=_siret(2),
        defaults={
            "nom": "CCAS de Firminy",
            "type": TypeOrganisation.CCAS,
            "departement": "42",
            "adresse": "Place du Breuil, 42700 Firminy",
            "demarches": [Demarche.SOCIAL, Demarche.LOGEMENT, Demarche.ARGENT],
            "demandeur_prenom": "Inès",
            "demandeur_nom": "Durand",
            "demandeur_email": f"ccas.firminy@{accounts.EMAIL_DOMAIN}",
            "demandeur_fonction": "Directrice du CCAS",
            "responsable_prenom": "Marc",
            "responsable_nom": "Petit",
            "responsable_email": f"responsable.firminy@{accounts.EMAIL_DOMAIN}",
            "responsable_telephone": "04 77 00 00 00",
            "aidants_prevus": [{"prenom": "Léa", "nom": "Martin", "email": f"lea.martin@{accounts.EMAIL_DOMAIN}"}],
            "cgu_acceptees": True,
            "protection_donnees": True,
        },
    )


def seed(ctx: DemoContext) -> None:
    organisation = _organisation()
    _repoint_accounts(ctx, organisation)
    aidant = _aidant(ctx, organisation)
    created = _mandats(ctx, aidant) if aidant is not None else 0
    _demande(ctx)
    ctx.report("organisations Aidants Connect", 1)
    ctx.report("mandats créés", created)
    ctx.report("mandats actifs", Mandat.objects.active(timezone.now()).filter(organisation=organisation).count())
