"""Demo recruitment: host structures around the Loire (42) and elsewhere, requests in every status, prefecture
opinions, a closed committee session with its decisions, candidates with Pix results, matches in every status,
recruitments with contracts, and departures (one declared, one validated).

The demo `structure` and `coordinateur` accounts manage the first structure (Saint-Étienne); the demo `candidat`
account has a candidature pre-selected there; the demo `conseiller` account is a validated recruitment of it.

Deterministic (the step's own seeded rng and Faker) and idempotent: structures are keyed by SIRET, candidatures by
e-mail, matches by (structure, candidature), requests by structure, decisions by (session, request); a rerun
creates nothing twice and leaves unchanged rows untouched.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from cnfs.core.enums import Role
from cnfs.demo import DemoContext, accounts
from cnfs.recrutement.enums import (
    STATUTS_POSTE_OCCUPE,
    Avis,
    Decision,
    EtapeConseiller,
    MotifRupture,
    StatutDemande,
    StatutJustificatif,
    StatutMiseEnRelation,
    StatutRupture,
    TypeContrat,
    TypeStructure,
)
from cnfs.recrutement.models import (
    AvisPrefet,
    Candidature,
    Contrat,
    DecisionComite,
    DemandePostes,
    MiseEnRelation,
    Rupture,
    SessionComite,
    Structure,
)
from cnfs.recrutement.models.candidature import identity_key
from cnfs.recrutement.validators import luhn_valid
from cnfs.territoires.models import Commune

# Fixed dates: the demo is the same whatever the day it is loaded.
ANCHOR = datetime.date(2026, 1, 5)
SESSION_DATE = datetime.date(2025, 11, 18)
LOCAL_STRUCTURES = 10  # in the demo département, at the small scale
OTHER_STRUCTURES = 6
CANDIDATES = 80
LOCAL_SHARE = 0.6
S = StatutMiseEnRelation
# The first structures' requests go through every status; the demo structure's (first) is granted 3 posts.
DEMANDE_STATUTS = [
    StatutDemande.VALIDEE,
    StatutDemande.VALIDEE,
    StatutDemande.DEPOSEE,
    StatutDemande.EXAMEN_COMPLEMENTAIRE,
    StatutDemande.REFUSEE,
    StatutDemande.BROUILLON,
    StatutDemande.ABANDONNEE,
    StatutDemande.ANNULEE,
    StatutDemande.DOUBLON,
    StatutDemande.DEPOSEE,
]
KINDS = [
    (TypeStructure.COMMUNE, "Mairie de {}"),
    (TypeStructure.EPCI, "Communauté de communes de {}"),
    (TypeStructure.ASSOCIATION, "Association Numérique pour tous — {}"),
    (TypeStructure.DEPARTEMENT, "Conseil départemental — antenne de {}"),
    (TypeStructure.ENTREPRISE_ESS, "Coopérative Lien numérique — {}"),
    (TypeStructure.GIP, "GIP Maison France Services de {}"),
]
DISTANCES = [5, 10, 15, 20, 20, 40, 40, 100]
DIPLOME = "Titre professionnel Responsable d’espace de médiation numérique"


def _siret(n: int) -> str:
    def keyed(prefix: str) -> str:
        return next(prefix + d for d in "0123456789" if luhn_valid(prefix + d))

    return keyed(keyed(f"{91000000 + n:08d}") + f"{n:04d}")


def demo_structure_id() -> str | None:
    """The object_id of the demo `structure` account's scope: the first demo structure, once it exists."""
    pk = Structure.objects.filter(siret=_siret(0)).values_list("pk", flat=True).first()
    return str(pk) if pk else None


accounts.ORGANISATION_LOOKUPS["structure"] = demo_structure_id


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def _sync(model, key: str, wanted: dict[str, dict]) -> dict[str, object]:
    """Create the missing rows of `wanted` (natural key → field values) and update those that differ."""
    existing = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": list(wanted)})}
    to_create, to_update, fields = [], [], set()
    for natural, values in wanted.items():
        obj = existing.get(natural)
        if obj is None:
            to_create.append(model(**{key: natural}, **values))
            continue
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            fields.update(changed)
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields), batch_size=500)
    found = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": list(wanted)})}
    return {natural: found[natural] for natural in wanted}


def _communes(ctx: DemoContext):
    rows = list(
        Commune.objects.filter(latitude__isnull=False)
        .exclude(codes_postaux=[])
        .order_by("code")
        .values_list("pk", "code", "nom", "population", "departement__code", "codes_postaux")
    )
    departement = ctx.shared.get("departement")
    code = departement.code if departement is not None else "42"
    local = [r for r in rows if r[4] == code]
    return local, rows


def _structures(ctx: DemoContext, local, everywhere) -> list[Structure]:
    rng = ctx.rng
    biggest = max(local, key=lambda r: (r[3] or 0, r[1]))
    picks = [biggest] + rng.choices(local, weights=[r[3] or 1 for r in local], k=ctx.scale.count(LOCAL_STRUCTURES) - 1)
    others = [r for r in everywhere if r[4] != biggest[4]]
    if others:  # a database holding one département's communes only has no "elsewhere"
        picks += rng.choices(others, weights=[r[3] or 1 for r in others], k=ctx.scale.count(OTHER_STRUCTURES))
    wanted = {}
    for n, (pk, _, nom, _, _, _) in enumerate(picks):
        kind, pattern = KINDS[0] if n == 0 else KINDS[n % len(KINDS)]
        wanted[_siret(n)] = {
            "type": kind,
            "nom": pattern.format(nom)[:255] if n else f"Mairie de {nom}",
            "adresse": ctx.faker.street_address()[:255],
            "commune_id": pk,
            "contact_prenom": ctx.faker.first_name(),
            "contact_nom": ctx.faker.last_name(),
            "contact_fonction": "Responsable de l’inclusion numérique",
            "contact_email": f"contact.structure{n}@demo-recrutement.fr",
            "contact_telephone": f"04{rng.randint(10_000_000, 99_999_999)}",
            "qpv": n % 4 == 1,
            "zrr": n % 5 == 2,
            "france_services": n % 3 == 0,
        }
    by_siret = _sync(Structure, "siret", wanted)
    return [by_siret[siret] for siret in wanted]


def _demandes(ctx: DemoContext, structures: list[Structure], actor) -> dict[int, DemandePostes]:
    existing = {d.structure_id: d for d in DemandePostes.objects.filter(structure__in=structures).order_by("-id")}
    demandes = {}
    for n, structure in enumerate(structures):
        statut = DEMANDE_STATUTS[n % len(DEMANDE_STATUTS)] if n < 2 * len(DEMANDE_STATUTS) else StatutDemande.DEPOSEE
        values = {
            "nombre_postes": 3 if n == 0 else 1 + n % 3,
            "coordinateur": n % 4 == 0,
            "date_debut_souhaitee": ANCHOR + datetime.timedelta(days=30 + 7 * (n % 8)),
            "motivation": f"Accompagner les habitants de {structure.commune.nom} éloignés du numérique : "
            "démarches en ligne, ateliers collectifs, permanences dans les quartiers et les villages.",
            "engagement": statut != StatutDemande.BROUILLON,
            "statut": statut,
            "deposee_le": None
            if statut == StatutDemande.BROUILLON
            else _aware(ANCHOR - datetime.timedelta(days=60 - n)),
            "created_by_id": actor.pk if actor else None,
        }
        demande = existing.get(structure.pk)
        if demande is None:
            demande = DemandePostes.objects.create(structure=structure, **values)
        elif any(getattr(demande, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(demande, k, v)
            demande.save()
        demandes[structure.pk] = demande
    return demandes


def _avis_and_comite(ctx: DemoContext, demandes: dict[int, DemandePostes], accounts_) -> None:
    prefecture, anct = accounts_.get("prefecture"), accounts_.get("anct")
    session, _ = SessionComite.objects.get_or_create(numero=1, defaults={"date": SESSION_DATE, "cloturee": True})
    SessionComite.objects.get_or_create(numero=2, defaults={"date": ANCHOR + datetime.timedelta(days=21)})
    departement = ctx.shared.get("departement")
    already = set(AvisPrefet.objects.filter(demande__in=demandes.values()).values_list("demande_id", flat=True))
    opinions = []
    for n, demande in enumerate(demandes.values()):
        if demande.statut == StatutDemande.BROUILLON or demande.pk in already:
            continue
        local = departement is not None and demande.structure.commune.departement_id == departement.pk
        if not local and demande.statut == StatutDemande.DEPOSEE:
            continue  # requests elsewhere still wait for their prefecture
        favourable = demande.statut != StatutDemande.REFUSEE and n % 7 != 3
        opinions.append(
            AvisPrefet(
                demande=demande,
                avis=Avis.FAVORABLE if favourable else Avis.DEFAVORABLE,
                commentaire=(
                    "Territoire peu couvert par les lieux de médiation : demande soutenue."
                    if favourable
                    else "Le territoire est déjà bien couvert par les conseillers en poste."
                ),
                prioritaire=favourable and n % 3 == 0,
                auteur=prefecture if local else None,
            )
        )
    AvisPrefet.objects.bulk_create(opinions)
    decided = {
        StatutDemande.VALIDEE: Decision.VALIDEE,
        StatutDemande.REFUSEE: Decision.REFUSEE,
        StatutDemande.EXAMEN_COMPLEMENTAIRE: Decision.EXAMEN_COMPLEMENTAIRE,
    }
    for demande in demandes.values():
        decision = decided.get(demande.statut)
        if decision is None:
            continue
        granted = demande.nombre_postes if decision == Decision.VALIDEE else 0
        DecisionComite.objects.update_or_create(
            session=session,
            demande=demande,
            defaults={
                "decision": decision,
                "postes_demandes": demande.nombre_postes,
                "postes_accordes": granted,
                "observations": "Décision de démonstration." if granted else "",
                "decided_by": anct,
            },
        )


def _candidatures(ctx: DemoContext, local, everywhere) -> dict[str, Candidature]:
    rng = ctx.rng
    total = ctx.scale.count(CANDIDATES)
    n_local = int(total * LOCAL_SHARE)
    picks = rng.choices(local, weights=[r[3] or 1 for r in local], k=n_local)
    picks += rng.choices(everywhere, weights=[r[3] or 1 for r in everywhere], k=total - n_local)
    people = [(f"candidat.{n}@demo-recrutement.fr", None, commune) for n, commune in enumerate(picks)]
    biggest = max(local, key=lambda r: (r[3] or 0, r[1]))
    for key in ("candidat", "conseiller"):
        user = ctx.accounts.get(key)
        if user is not None:
            people.append((user.email, user, biggest))
    wanted, keys = {}, set()
    for n, (email, user, commune) in enumerate(people):
        pk, _, _, _, _, codes_postaux = commune
        prenom = user.first_name if user and user.first_name else ctx.faker.first_name()
        nom = user.last_name if user and user.last_name else ctx.faker.last_name()
        born = datetime.date(1968, 1, 1) + datetime.timedelta(days=(n * 131) % 12000)
        while (key := identity_key(nom=nom, prenom=prenom, date_naissance=born, code_postal=codes_postaux[0])) in keys:
            born += datetime.timedelta(days=1)
        keys.add(key)
        situation = n % 5
        palier = rng.choice([None, 1, 2, 2, 3])
        scores = [rng.randint(20, 100) for _ in range(3)] if palier else [None, None, None]
        wanted[email] = {
            "user_id": user.pk if user else None,
            "prenom": prenom,
            "nom": nom,
            "date_naissance": born,
            "code_postal": codes_postaux[0],
            "commune_id": pk,
            "demandeur_emploi": situation in (0, 1),
            "en_emploi": situation == 2,
            "en_formation": situation == 3,
            "diplome": situation == 4,
            "diplome_libelle": "Titre professionnel Responsable d’espace de médiation numérique"
            if situation == 4
            else "",
            "experience": n % 3 == 0,
            "date_disponibilite": ANCHOR + datetime.timedelta(days=rng.randint(-60, 90)),
            "distance_max": rng.choice(DISTANCES),
            "motivation": "Je veux aider les personnes éloignées du numérique à gagner en autonomie.",
            "pix_palier": palier,
            "pix_score_1": scores[0],
            "pix_score_2": scores[1],
            "pix_score_3": scores[2],
            "pix_competence_1": bool(scores[0] and scores[0] >= 50),
            "pix_competence_2": bool(scores[1] and scores[1] >= 50),
            "pix_competence_3": bool(scores[2] and scores[2] >= 50),
            "pix_partage_le": ANCHOR - datetime.timedelta(days=20) if palier else None,
            "cle_identite": key,  # bulk writes skip save(), which computes it
        }
    return _sync(Candidature, "email", wanted)


# (structure index, person, match status, contract type). Persons: "candidat"/"conseiller" accounts or a
# local candidate's index among the local ones.
MATCHES = [
    (0, "conseiller", S.FINALISEE, TypeContrat.CDD),
    (0, 1, S.RECRUTEE, TypeContrat.PEC),
    (0, "candidat", S.PRESELECTIONNEE, None),
    (0, 3, S.NOUVELLE, None),
    (0, 4, S.NON_RETENUE, None),
    (1, 5, S.FINALISEE, TypeContrat.CDI),
    (1, 6, S.RUPTURE_SIGNALEE, TypeContrat.CDD),
    (1, 7, S.RUPTURE_VALIDEE, TypeContrat.CONTRAT_PROJET),
    (1, 8, S.PRESELECTIONNEE, None),
]
ETAPES = {
    S.RECRUTEE: EtapeConseiller.RECRUTE,
    S.FINALISEE: EtapeConseiller.EN_POSTE,
    S.RUPTURE_SIGNALEE: EtapeConseiller.EN_POSTE,
    S.RUPTURE_VALIDEE: EtapeConseiller.PARTI,
}


def _matches(ctx: DemoContext, structures: list[Structure], candidatures: dict[str, Candidature]) -> int:
    from cnfs.recrutement.services.recrutements import distance_km

    local = [c for email, c in candidatures.items() if email.startswith("candidat.")]
    count = 0
    for index, person, statut, contrat_type in MATCHES:
        if index >= len(structures):
            continue
        structure = structures[index]
        if isinstance(person, str):
            account = ctx.accounts.get(person)
            candidature = candidatures.get(account.email) if account else None
        else:
            candidature = local[person] if person < len(local) else None
        if candidature is None:
            continue
        recruited = statut in ETAPES
        validated = recruited and statut != S.RECRUTEE
        start = ANCHOR - datetime.timedelta(days=120 - 10 * count)
        distance = distance_km(structure, candidature)
        mer, _ = MiseEnRelation.objects.update_or_create(
            structure=structure,
            candidature=candidature,
            defaults={
                "statut": statut,
                "distance_km": round(distance, 1) if distance is not None else None,
                "date_recrutement": start if recruited else None,
                "recrutee_le": _aware(start - datetime.timedelta(days=15)) if recruited else None,
                "finalisee_le": _aware(start - datetime.timedelta(days=5))
                if statut != S.RECRUTEE and recruited
                else None,
            },
        )
        etape = ETAPES.get(statut, EtapeConseiller.CANDIDAT)
        if candidature.etape != etape:
            Candidature.objects.filter(pk=candidature.pk).update(etape=etape)
        if contrat_type:
            end = None if contrat_type == TypeContrat.CDI else start + datetime.timedelta(days=730)
            Contrat.objects.update_or_create(
                mise_en_relation=mer,
                date_debut=start,
                defaults={
                    "type": contrat_type,
                    "date_fin": end,
                    "heures_hebdomadaires": Decimal("35.00"),
                    "salaire_brut_mensuel": Decimal("1900.00"),
                },
            )
        if statut in (S.RUPTURE_SIGNALEE, S.RUPTURE_VALIDEE):
            validated = statut == S.RUPTURE_VALIDEE  # the departure's own validation
            Rupture.objects.update_or_create(
                mise_en_relation=mer,
                defaults={
                    "date_rupture": start + datetime.timedelta(days=90),
                    "motif": MotifRupture.DEMISSION if validated else MotifRupture.NON_RECONDUCTION_CDD,
                    "justificatif": StatutJustificatif.VERIFIE if validated else StatutJustificatif.RECU,
                    "statut": StatutRupture.VALIDEE if validated else StatutRupture.SIGNALEE,
                    "declared_by": ctx.accounts.get("structure"),
                    "validated_by": ctx.accounts.get("anct") if validated else None,
                    "validated_at": _aware(start + datetime.timedelta(days=95)) if validated else None,
                },
            )
        count += 1
    return count


def _quotas(structures: list[Structure]) -> None:
    """Granted posts from the committee's decisions, occupied posts from the recruitments."""
    granted: dict[int, int] = {}
    decisions = DecisionComite.objects.filter(demande__structure__in=structures, decision=Decision.VALIDEE)
    for structure_id, posts in decisions.values_list("demande__structure_id", "postes_accordes"):
        granted[structure_id] = granted.get(structure_id, 0) + posts
    occupied = dict(
        MiseEnRelation.objects.filter(structure__in=structures, statut__in=STATUTS_POSTE_OCCUPE)
        .values_list("structure_id")
        .annotate(n=Count("id"))
    )
    changed = []
    for structure in Structure.objects.filter(pk__in=[s.pk for s in structures]):
        wanted = (granted.get(structure.pk, 0), occupied.get(structure.pk, 0))
        if (structure.postes_accordes, structure.postes_occupes) != wanted:
            structure.postes_accordes, structure.postes_occupes = wanted
            changed.append(structure)
    Structure.objects.bulk_update(changed, ["postes_accordes", "postes_occupes"])


def _repoint_accounts(ctx: DemoContext, structure: Structure) -> None:
    """The demo structure and coordinator accounts manage the first demo structure (a real Structure pk)."""
    object_id = str(structure.pk)
    previous = ctx.organisations.get("structure")
    ctx.organisations["structure"] = object_id
    label = f"Structure : {structure.nom} (n° {structure.pk})"
    for spec in accounts.ACCOUNTS:
        if spec.organisation != "structure" or spec.key not in ctx.accounts:
            continue
        user = ctx.accounts[spec.key]
        accounts._sync_roles(user, spec, {"object_id": object_id})
        rows = ctx.shared.get("account_rows", [])
        for i, row in enumerate(rows):
            if row[1] == spec.email:
                rows[i] = (row[0], row[1], label)
    if previous and previous != object_id:
        # Places the lieux step gave to the demo structure follow it (first run, before the structure existed).
        from cnfs.lieux.models import Lieu

        Lieu.objects.filter(structure_id=previous).update(structure_id=object_id, updated_at=timezone.now())


def seed(ctx: DemoContext) -> None:
    local, everywhere = _communes(ctx)
    if not local:
        ctx.warn("Aucune commune du département de démonstration : pas de recrutement de démonstration.")
        return
    structures = _structures(ctx, local, everywhere)
    demandes = _demandes(ctx, structures, ctx.accounts.get(Role.STRUCTURE))
    _avis_and_comite(ctx, demandes, ctx.accounts)
    candidatures = _candidatures(ctx, local, everywhere)
    matches = _matches(ctx, structures, candidatures)
    _quotas(structures)
    _repoint_accounts(ctx, structures[0])
    ctx.shared["recrutement_structure"] = structures[0]
    ctx.report("structures d’accueil", len(structures))
    ctx.report("demandes de postes", len(demandes))
    ctx.report("candidatures", len(candidatures))
    ctx.report("mises en relation et recrutements", matches)
