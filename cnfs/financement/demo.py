"""Demo funding data: the reference data, a furniture catalogue, conventions for the demo structures (signed ones
with some instalments paid) and equipment grants for the demo structure's places.

Everything goes through the services, so that the envelopes' totals reconcile (`cnfs financement verifier` passes
after a demo). Idempotent: catalogue designs are keyed by name, conventions by structure, grants by (place,
design). Structures come from the recruitment demo: without any, no convention is created.
"""

from __future__ import annotations

import datetime
import io

from django.core.files.base import ContentFile
from django.utils.text import slugify
from pypdf import PdfWriter

from cnfs.demo import DemoContext
from cnfs.financement import reference, services
from cnfs.financement.enums import StatutDemandeMobilier
from cnfs.financement.models import Bareme, Convention, DemandeMobilier, Enveloppe, ModeleMobilier, Smic
from cnfs.lieux.models import Lieu
from cnfs.recrutement.models import Structure
from cnfs.recrutement.storage import private_storage

BASE_CONVENTIONS = 20  # structures with granted posts given a convention, × scale
MODELES = [
    (
        "Banque d’accueil modulable",
        "Banque d’accueil en contreplaqué de bouleau, à hauteur de fauteuil roulant.",
        2_400_00,
    ),
    (
        "Poste informatique assis-debout",
        "Plateau réglable et caisson fermant à clé pour un poste en libre accès.",
        1_150_00,
    ),
    (
        "Table d’atelier pliante",
        "Table pour huit personnes, pliable et sur roulettes, pour les ateliers collectifs.",
        890_00,
    ),
    ("Borne d’orientation", "Totem d’accueil avec support de tablette et signalétique des services.", 1_600_00),
]


def _pdf(title: str) -> ContentFile:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return ContentFile(buffer.getvalue(), name="document.pdf")


def _stored_pdf(name: str, title: str) -> str:
    """A demo PDF under a fixed name in private storage, written once: reruns (and test runs) add no files."""
    storage = private_storage()
    if not storage.exists(name):
        storage.save(name, _pdf(title))
    return name


def _catalogue(ctx: DemoContext, anct) -> list[ModeleMobilier]:
    modeles = []
    for nom, description, cout in MODELES:
        modele = ModeleMobilier.objects.filter(nom=nom).first()
        if modele is None:
            modele = services.modele_create(actor=anct, nom=nom, description=description, cout_estime=cout)
        if not modele.plans:
            modele.plans.name = _stored_pdf(f"mobilier/plans/demo-{slugify(nom)}.pdf", f"Plans — {nom}")
            modele.save(update_fields=["plans"])
        modeles.append(modele)
    ctx.report("modèles de mobilier", len(modeles))
    return modeles


def _bareme_for(structure: Structure, baremes: list[Bareme]) -> Bareme | None:
    forfaits = [b for b in baremes if b.montant_forfait and b.types_structure and b.applies_to(structure.type)]
    return forfaits[0] if forfaits else next((b for b in baremes if b.applies_to(structure.type)), None)


def _conventions(ctx: DemoContext, anct) -> None:
    structures = list(
        Structure.objects.filter(postes_accordes__gt=0, conventions__isnull=True).order_by("id")[
            : ctx.scale.count(BASE_CONVENTIONS)
        ]
    )
    if not structures and not Convention.objects.exists():
        ctx.warn("Aucune structure n’a de postes accordés : pas de conventions de démonstration.")
    baremes = list(Bareme.objects.filter(actif=True).order_by("id"))
    enveloppe = Enveloppe.objects.filter(destination="conseillers").order_by("id").first()
    created = 0
    for structure in ctx.progress(structures, "Conventions", len(structures)):
        bareme = _bareme_for(structure, baremes)
        if bareme is None or enveloppe is None:
            continue
        start = datetime.date(2021, 1, 1) + datetime.timedelta(days=ctx.rng.randint(0, 3 * 365))
        postes = ctx.rng.randint(1, structure.postes_accordes)
        convention = services.convention_create(
            actor=anct,
            structure=structure,
            bareme=bareme,
            nombre_postes=postes,
            date_debut=start,
            enveloppe=enveloppe,
        )
        created += 1
        draw = ctx.rng.random()
        if draw < 0.1:
            services.convention_decline(actor=anct, convention=convention)
            continue
        if draw < 0.25:
            continue  # left "en cours": the structure has not signed yet
        services.convention_sign(actor=anct, convention=convention, date_signature=start)
        for versement in convention.versements.order_by("numero")[: ctx.rng.randint(0, 2)]:
            services.versement_mandate(actor=anct, versement=versement, date=versement.date_prevue)
            services.versement_pay(
                actor=anct, versement=versement, date=versement.date_prevue + datetime.timedelta(days=15)
            )
    ctx.report("conventions", created)


def _grants(ctx: DemoContext, anct, modeles: list[ModeleMobilier]) -> None:
    manager = ctx.accounts.get("structure")
    lieux = list(Lieu.objects.filter(source="Démo cnfs", source_id__in=ctx.shared.get("lieux_structure", [])))
    if manager is None or not lieux:
        return
    outcomes = [StatutDemandeMobilier.VERSEE, StatutDemandeMobilier.ACCORDEE, StatutDemandeMobilier.DEPOSEE]
    created = 0
    for lieu, modele, outcome in zip(lieux, modeles, outcomes, strict=False):
        if DemandeMobilier.objects.filter(lieu=lieu, modele=modele).exists():
            continue
        # Written directly (not through `demande_mobilier_create`) to reuse one quote file per demo request;
        # deciding and paying go through the services, which move the envelope's totals.
        demande = DemandeMobilier.objects.create(
            lieu=lieu,
            modele=modele,
            enveloppe=services.enveloppe_mobilier() or Enveloppe.objects.filter(destination="mobilier").first(),
            type_fabricant=ctx.rng.choice(["fablab", "artisan"]),
            nom_fabricant=ctx.rng.choice(["Fablab du Forez", "Menuiserie Gauthier", "Atelier partagé Le Mixeur"]),
            montant=modele.cout_estime + ctx.rng.randint(-100, 300) * 100,
            devis=_stored_pdf(f"mobilier/devis/{lieu.source_id}.pdf", f"Devis — {modele.nom}"),
            created_by=manager,
        )
        created += 1
        if outcome != StatutDemandeMobilier.DEPOSEE:
            services.demande_mobilier_decide(actor=anct, demande=demande, accorder=True)
        if outcome == StatutDemandeMobilier.VERSEE:
            services.demande_mobilier_pay(actor=anct, demande=demande)
    ctx.report("demandes d’aide au mobilier", created)


def seed(ctx: DemoContext) -> None:
    reference.seed(Enveloppe, Smic, Bareme)
    ctx.report("enveloppes budgétaires", Enveloppe.objects.count())
    anct = ctx.accounts.get("anct")
    if anct is None:
        return
    modeles = _catalogue(ctx, anct)
    _conventions(ctx, anct)
    _grants(ctx, anct, modeles)
