"""Demo places: a few hundred plausible places of digital mediation in the loaded communes (×10, ×100 by scale).

Communes are drawn in proportion to their population, a share of the places sits in the demo département, and a
few belong to the demo structure so that its account has places to edit. Idempotent: places are keyed by
(source "Démo cnfs", id "demo-N"); a rerun updates them in place.
"""

from __future__ import annotations

import datetime

from cnfs.demo import DemoContext
from cnfs.lieux.enums import (
    Dispositif,
    FormationLabel,
    Frais,
    ModaliteAcces,
    ModaliteAccompagnement,
    PriseEnCharge,
    PublicAdresse,
    Service,
)
from cnfs.lieux.models import Lieu
from cnfs.lieux.validators import luhn_ok
from cnfs.territoires.models import Commune

SOURCE = "Démo cnfs"
BASE_COUNT = 300
IN_DEPARTEMENT = 40  # places of the small scale placed in the demo département
OWNED = 4  # of which the demo structure manages this many
KINDS = (
    ("Médiathèque", ["BIB", "MUNI"]),
    ("Espace France Services", ["MSAP"]),
    ("Centre social", ["CS"]),
    ("Mairie", ["MUNI"]),
    ("Tiers-lieu numérique", ["TIERS_LIEUX"]),
    ("Espace public numérique", ["EPN"]),
    ("Maison de quartier", ["MQ"]),
    ("CCAS", ["CCAS"]),
    ("Association numérique", ["ASSO"]),
)
HOURS = (
    "Mo-Fr 09:00-12:00,14:00-17:00",
    "Tu-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00",
    "Mo,We,Fr 14:00-18:00",
    "Mo-Th 08:30-12:30,13:30-17:00; Fr 08:30-12:30",
    "We 14:00-18:00; Sa 10:00-12:00",
    "",
)


def _siret(ctx: DemoContext) -> str:
    body = "".join(str(ctx.rng.randint(0, 9)) for _ in range(13))
    return next(body + str(key) for key in range(10) if luhn_ok(body + str(key)))


def _some(ctx: DemoContext, enum, low: int, high: int) -> list[str]:
    values = [value for value, _ in enum.choices]
    return ctx.rng.sample(values, ctx.rng.randint(low, min(high, len(values))))


def _place(ctx: DemoContext, n: int, commune: tuple) -> dict:
    code, nom, lat, lon, codes_postaux = commune
    kind, typologie = ctx.rng.choice(KINDS)
    rng = ctx.rng
    dispositifs = []
    if kind == "Espace France Services" or rng.random() < 0.15:
        dispositifs.append(Dispositif.FRANCE_SERVICES)
    if rng.random() < 0.45:
        dispositifs.append(Dispositif.CONSEILLERS_NUMERIQUES)
    if rng.random() < 0.2:
        dispositifs.append(Dispositif.AIDANTS_CONNECT)
    if rng.random() < 0.05:
        dispositifs.append(rng.choice([Dispositif.POINT_NUMERIQUE_CAF, Dispositif.CERTIFICATION_PIX]))
    frais = [Frais.GRATUIT] if rng.random() < 0.75 else _some(ctx, Frais, 1, 2)
    return {
        "pivot": _siret(ctx) if rng.random() < 0.7 else "00000000000000",
        "nom": f"{kind} de {nom}",
        "commune_id": code,
        "code_postal": codes_postaux[0],
        "adresse": ctx.faker.street_address()[:255],
        # Within ~1 km of the commune's point.
        "latitude": round(lat + rng.uniform(-0.009, 0.009), 6),
        "longitude": round(lon + rng.uniform(-0.012, 0.012), 6),
        "typologie": typologie,
        "telephone": f"+33{rng.choice('1234559')}{rng.randint(10_000_000, 99_999_999)}",
        "courriels": [f"contact{n}@demo-lieux.fr"],
        "site_web": [f"https://lieu-{n}.demo-lieux.fr"] if rng.random() < 0.5 else [],
        "horaires": rng.choice(HOURS),
        "presentation_resume": f"{kind} accueillant les habitants pour leurs usages du numérique.",
        "date_maj": datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 500)),
        "services": _some(ctx, Service, 1, 4),
        "publics_specifiquement_adresses": _some(ctx, PublicAdresse, 0, 2) if rng.random() < 0.3 else [],
        "prise_en_charge_specifique": _some(ctx, PriseEnCharge, 0, 2) if rng.random() < 0.3 else [],
        "frais_a_charge": frais,
        "dispositif_programmes_nationaux": dispositifs,
        "formations_labels": [FormationLabel.FABRIQUES_DE_TERRITOIRE] if rng.random() < 0.05 else [],
        "modalites_acces": _some(ctx, ModaliteAcces, 1, 2),
        "modalites_accompagnement": _some(ctx, ModaliteAccompagnement, 1, 3),
        "accepte_pass_numerique": rng.random() < 0.12,
        "itinerance": ["itinerant"] if rng.random() < 0.03 else [],
    }


def seed(ctx: DemoContext) -> None:
    rows = [
        c
        for c in Commune.objects.filter(latitude__isnull=False)
        .order_by("code")
        .values_list("code", "nom", "latitude", "longitude", "codes_postaux", "population", "departement__code")
        if c[4]
    ]
    if not rows:
        ctx.warn("Aucune commune chargée : pas de lieux de démonstration (lancez « cnfs territoires load »).")
        return
    departement = ctx.shared.get("departement")
    local = [r for r in rows if departement is not None and r[6] == departement.code]
    total = ctx.scale.count(BASE_COUNT)
    picks = ctx.rng.choices(local, weights=[r[5] or 1 for r in local], k=IN_DEPARTEMENT) if local else []
    picks += ctx.rng.choices(rows, weights=[r[5] or 1 for r in rows], k=total - len(picks))
    structure = ctx.organisations.get("structure", "")

    wanted = {}
    for n, commune in enumerate(ctx.progress(picks, "Lieux de médiation numérique", len(picks)), start=1):
        values = _place(ctx, n, commune[:5])
        values["structure_id"] = structure if n <= OWNED and local else ""
        wanted[f"demo-{n}"] = values
    existing = {lieu.source_id: lieu for lieu in Lieu.objects.filter(source=SOURCE)}
    to_create, to_update = [], []
    for source_id, values in wanted.items():
        lieu = existing.get(source_id) or Lieu(source=SOURCE, source_id=source_id)
        for name, value in values.items():
            setattr(lieu, name, value)
        lieu.sync_derived()
        (to_update if lieu.pk else to_create).append(lieu)
    Lieu.objects.bulk_create(to_create, batch_size=500)
    fields = [
        *next(iter(wanted.values())).keys(),
        "label_france_services",
        "label_conseillers_numeriques",
        "label_aidants_connect",
        "label_fabriques_de_territoire",
        "label_pass_numerique",
        "search_tags",
    ]
    Lieu.objects.bulk_update(to_update, fields, batch_size=500)
    # A smaller scale after a larger one: drop the demo places beyond the count.
    Lieu.objects.filter(source=SOURCE).exclude(source_id__in=list(wanted)).delete()
    ctx.shared["lieux_structure"] = [f"demo-{n}" for n in range(1, OWNED + 1)] if local else []
    ctx.report("lieux de médiation numérique", len(wanted))
