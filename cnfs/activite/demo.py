"""Demo activity: the demo advisor works in three demo places of the demo département and has a few hundred
activity records (×10, ×100 by scale) over the last eighteen months, written through the import service so that
every receiver of `accompagnements_changed` sees them.

Idempotent: each record carries its demo number in `notes`; a rerun creates only the missing numbers.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cnfs.activite.enums import AGE_FIELDS, DUREE_PRESETS, STATUT_FIELDS, Canal, DemarcheType, Orientation, Theme
from cnfs.activite.models import Accompagnement, LieuActivite
from cnfs.activite.services import accompagnements_import
from cnfs.demo import DemoContext
from cnfs.lieux.models import Lieu

EMAIL = "conseiller@demo.cnfs.localhost"
BASE_COUNT = 300
PLACES = 3
END = dt.date(2026, 11, 30)  # fixed, so the same seed gives the same records (today when earlier)
DAYS = 540
NOTE = "Compte rendu de démonstration nº {}"
THEME_WEIGHTS = {
    Theme.COURRIEL: 9,
    Theme.DEMARCHE_EN_LIGNE: 10,
    Theme.SMARTPHONE: 8,
    Theme.EQUIPEMENT_INFORMATIQUE: 7,
    Theme.INTERNET: 6,
    Theme.SANTE: 5,
    Theme.SECURITE: 4,
    Theme.ECHANGER: 4,
    Theme.TRAITEMENT_TEXTE: 3,
    Theme.TROUVER_EMPLOI: 3,
}


def _advisor(ctx: DemoContext):
    for user in ctx.accounts.values():
        if getattr(user, "email", "") == EMAIL:
            return user
    return None


def _places(ctx: DemoContext, user) -> list[int]:
    mine = list(
        LieuActivite.objects.filter(conseiller=user).order_by("-principal", "id").values_list("lieu_id", flat=True)
    )
    if len(mine) >= PLACES:
        return mine
    # Among the first demo places, which exist at every scale (a smaller rerun deletes the others).
    first = [f"demo-{n}" for n in range(1, 41)]
    demo = dict(Lieu.objects.filter(source="Démo cnfs", source_id__in=first).values_list("source_id", "pk"))
    departement = ctx.shared.get("departement")
    local = set(
        Lieu.objects.filter(pk__in=demo.values(), commune__departement=departement).values_list("pk", flat=True)
        if departement is not None
        else []
    )
    ordered = [demo[s] for s in first if s in demo]
    picks = ([pk for pk in ordered if pk in local] or ordered)[:PLACES]
    has_principal = LieuActivite.objects.filter(conseiller=user, principal=True).exists()
    for pk in picks:
        _, created = LieuActivite.objects.get_or_create(
            conseiller=user, lieu_id=pk, defaults={"principal": not has_principal}
        )
        has_principal = has_principal or created
    return list(
        LieuActivite.objects.filter(conseiller=user).order_by("-principal", "id").values_list("lieu_id", flat=True)
    )


def _split(rng, total: int, names: list[str], weights: list[int]) -> dict[str, int]:
    counts = dict.fromkeys(names, 0)
    for name in rng.choices(names, weights=weights, k=total):
        counts[name] += 1
    return counts


def _row(ctx: DemoContext, n: int, places: list[int], communes: dict[int, str], end: dt.date) -> dict:
    rng = ctx.rng
    kind = rng.choices(["individuel", "collectif", "ponctuel"], weights=[6, 1, 3])[0]
    participants = rng.randint(3, 12) if kind == "collectif" else 1
    canal = rng.choices(list(Canal.values), weights=[8, 1, 1, 1])[0]
    themes = sorted(set(rng.choices(list(THEME_WEIGHTS), weights=list(THEME_WEIGHTS.values()), k=rng.randint(1, 3))))
    row = {
        "date": end - dt.timedelta(days=rng.randint(0, DAYS)),
        "type": kind,
        "canal": canal,
        "lieu_id": rng.choice(places) if canal == Canal.LIEU_ACTIVITE else None,
        "commune_id": None,
        "duree_minutes": 90 if kind == "collectif" else rng.choice(DUREE_PRESETS[:4]),
        "participants": participants,
        "participants_recurrents": rng.randint(0, participants),
        "themes": themes,
        "demarche_type": rng.choice(DemarcheType.values) if Theme.DEMARCHE_EN_LIGNE in themes else "",
        "orientation": rng.choice(Orientation.values) if rng.random() < 0.15 else "",
        "notes": NOTE.format(n),
    }
    if canal != Canal.LIEU_ACTIVITE:
        row["commune_id"] = communes[rng.choice(places)]  # near one of their places: in its commune
    row.update(_split(rng, participants, [n for n, _ in AGE_FIELDS], [1, 2, 3, 4, 5]))
    row.update(_split(rng, participants, [n for n, _ in STATUT_FIELDS], [1, 2, 3, 4, 2]))
    return row


def seed(ctx: DemoContext) -> None:
    user = _advisor(ctx)
    if user is None:
        ctx.warn(f"Compte {EMAIL} absent : pas d’activité de démonstration.")
        return
    places = _places(ctx, user)
    if not places:
        ctx.warn("Aucun lieu de démonstration : pas d’activité de démonstration (lancez « cnfs territoires load »).")
        return
    end = min(END, timezone.localdate())
    total = ctx.scale.count(BASE_COUNT)
    communes = dict(Lieu.objects.filter(pk__in=places).values_list("pk", "commune_id"))
    rows = [_row(ctx, n, places, communes, end) for n in range(1, total + 1)]
    existing = set(
        Accompagnement.objects.filter(conseiller=user, notes__startswith=NOTE.format("")).values_list(
            "notes", flat=True
        )
    )
    missing = [row for row in rows if row["notes"] not in existing]
    if missing:
        report = accompagnements_import(rows=missing, conseiller=user, today=end)
        if not report.written:
            ctx.warn("Activité de démonstration refusée : " + " ; ".join(r for _, r in report.rejected[:3]))
    ctx.report("lieux d’activité du conseiller", len(places))
    ctx.report("comptes rendus d’activité", total)
