"""One record of an import file → the field values of a `Lieu`, or the French reasons it is refused."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify

from cnfs.lieux.enums import ID_SOURCE_SEPARATOR, SCHEMA_LISTS
from cnfs.lieux.horaires import HorairesInvalides
from cnfs.lieux.horaires import validate as validate_horaires
from cnfs.lieux.importers.communes import MAX_DISTANCE_KM, CommuneResolver
from cnfs.lieux.importers.reading import Record
from cnfs.lieux.importers.vocabulary import (
    PASS_NUMERIQUE,
    V0,
    V0_CONDITIONS_F,
    V0_LABELS_F,
    V0_MODALITES_F,
    V0_PUBLICS_F,
    V0_SERVICES_F,
    fold,
    lookup_table,
    split_list,
    v0_key,
)
from cnfs.lieux.validators import CODE_POSTAL_RE, TELEPHONE_RE, coordinates_error, pivot_error

ENUM_TABLES = {name: lookup_table(enum) for name, enum in SCHEMA_LISTS.items() if enum is not None}
CODE_INSEE_RE = re.compile(r"^([013-9]\d|2[AB1-9])\d{3}$")
TYPOLOGIE_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
# Internationalised addresses ("chambéry@…") are valid (RFC 6531): only the shape is checked.
EMAIL_RE = re.compile(r"^[^@\s;,|]+@[^@\s;,|]+\.[^@\s;,|]{2,}$")
_url = URLValidator(schemes=["http", "https"])


@dataclass
class RowResult:
    line: int
    source: str
    source_id: str
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def fingerprint(self) -> str:
        payload = json.dumps(self.values, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def parse_float(text: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    value = float(text)  # ValueError handled by the caller
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def parse_date(text: str) -> datetime.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    # ISO datetimes ("2022-08-18T10:12:00.000Z") from JSON exports.
    return datetime.date.fromisoformat(text[:10])


def normalise_phone(text: str) -> str:
    digits = re.sub(r"[\s.\-()/]", "", text)
    if re.fullmatch(r"0\d{9}", digits):
        digits = "+33" + digits[1:]
    elif digits.startswith("0033"):
        digits = "+" + digits[2:]
    return digits


class RowParser:
    def __init__(self, *, version: str, resolver: CommuneResolver, source: str | None):
        self.version = version
        self.resolver = resolver
        self.forced_source = source
        self.list_separators = ";|" if version == V0 else "|"

    def parse(self, record: Record) -> RowResult:
        d = record.data
        source = (self.forced_source or d.get("source", "")).strip()
        source_id = d.get("id", "").strip()
        suffix = f"{ID_SOURCE_SEPARATOR}{slugify(source)}"
        if source and source_id.endswith(suffix):
            source_id = source_id[: -len(suffix)]  # our own export of an id shared by several sources
        result = RowResult(record.line, source, source_id)
        errors = result.errors
        if not result.source_id:
            errors.append("identifiant (id) manquant.")
        if not source:
            errors.append("source manquante : renseignez la colonne « source » ou choisissez la source de l’import.")
        v = result.values
        for column in ("nom", "adresse"):
            v[column] = d.get(column, "").strip()
            if not v[column]:
                errors.append(f"{column} manquant.")
        v["pivot"] = re.sub(r"\s", "", d.get("pivot", "")) or "00000000000000"
        message = pivot_error(v["pivot"])
        if message:
            errors.append(message)
        self._address(d, result)
        self._contacts(d, result)
        self._offer(d, result)
        v["structure_parente"] = d.get("structure_parente", "")
        v["presentation_detail"] = d.get("presentation_detail", "")
        resume = d.get("presentation_resume", "")
        if len(resume) > 280:
            # v0.1.1 allowed 500 characters: keep the whole text in the detailed presentation.
            if not v["presentation_detail"]:
                v["presentation_detail"] = resume
            resume = resume[:279].rstrip() + "…"
            result.warnings.append("présentation résumée de plus de 280 caractères, abrégée.")
        v["presentation_resume"] = resume
        try:
            v["date_maj"] = parse_date(d.get("date_maj", ""))
        except ValueError:
            errors.append(f"date de mise à jour « {d.get('date_maj', '')} » invalide : format AAAA-MM-JJ attendu.")
        # The producer's spelling is kept (whitespace tidied); the OSM parser only says whether it is valid.
        v["horaires"] = " ".join(d.get("horaires", "").split())
        try:
            validate_horaires(v["horaires"])
        except HorairesInvalides as exc:
            errors.append(exc.message)
        return result

    def _address(self, d: dict, result: RowResult) -> None:
        v, errors = result.values, result.errors
        v["code_postal"] = d.get("code_postal", "").strip()
        if len(v["code_postal"]) == 4 and v["code_postal"].isdigit():
            v["code_postal"] = "0" + v["code_postal"]  # spreadsheets drop the leading zero of 01000
        v["complement_adresse"] = d.get("complement_adresse", "")
        latitude = longitude = None
        try:
            latitude = parse_float(d.get("latitude", ""))
            longitude = parse_float(d.get("longitude", ""))
        except ValueError:
            errors.append(f"coordonnées « {d.get('latitude')} / {d.get('longitude')} » non numériques.")
        else:
            message = coordinates_error(latitude, longitude)
            if message:
                errors.append(message)
                latitude = longitude = None
        v["latitude"], v["longitude"] = latitude, longitude
        code_insee = d.get("code_insee", "").strip()
        if code_insee and not CODE_INSEE_RE.match(code_insee):
            errors.append(f"code INSEE « {code_insee} » invalide.")
            return
        if not CODE_POSTAL_RE.match(v["code_postal"]):
            errors.append(f"code postal « {v['code_postal']} » invalide : 5 chiffres attendus.")
            return
        commune_name = d.get("commune", "").strip()
        if not commune_name and not code_insee:
            errors.append("commune manquante.")
            return
        resolution = self.resolver.resolve(
            nom=commune_name,
            code_postal=v["code_postal"],
            code_insee=code_insee,
            latitude=latitude,
            longitude=longitude,
        )
        if resolution.error:
            errors.append(resolution.error)
            return
        if resolution.warning:
            result.warnings.append(resolution.warning)
        v["commune_id"] = resolution.commune.code
        km = resolution.commune.km_from(latitude, longitude)
        if km is not None and km > MAX_DISTANCE_KM:
            # Published data has such slips (a point in the wrong département): keep the place, drop the point.
            v["latitude"] = v["longitude"] = None
            result.warnings.append(
                f"coordonnées ({latitude}, {longitude}) à {km:.0f} km de la commune {resolution.commune.nom} : "
                "ignorées, le lieu est importé sans position."
            )

    def _contacts(self, d: dict, result: RowResult) -> None:
        v, errors = result.values, result.errors
        phone = d.get("telephone", "").strip()
        if phone:
            phone = normalise_phone(phone)
            if not TELEPHONE_RE.match(phone):
                errors.append(f"téléphone « {d.get('telephone')} » invalide : format +33XXXXXXXXX attendu.")
        v["telephone"] = phone
        emails = split_list(d.get("courriels", d.get("courriel", "")), self.list_separators + ",")
        for email in emails:
            if not EMAIL_RE.match(email):
                errors.append(f"courriel « {email} » invalide.")
        v["courriels"] = emails
        sites = split_list(d.get("site_web", ""), self.list_separators)
        for i, site in enumerate(sites):
            if not re.match(r"^https?://", site, re.IGNORECASE):
                sites[i] = site = "https://" + site
            try:
                _url(site)
            except ValidationError:
                errors.append(f"site web « {site} » invalide.")
        v["site_web"] = sites
        for column, source_column in (("fiche_acces_libre", "accessibilite"), ("prise_rdv", "prise_rdv")):
            url = (d.get(column) or d.get(source_column) or "").strip()
            if url:
                try:
                    _url(url)
                except ValidationError:
                    errors.append(f"{column} : adresse web « {url} » invalide.")
            v[column] = url
        typologie = [t.upper() for t in split_list(d.get("typologie", ""), ";|,")]
        bad = [t for t in typologie if not TYPOLOGIE_RE.match(t)]
        if bad:
            errors.append(f"typologie « {', '.join(bad)} » invalide : codes data.inclusion attendus (ex. ASSO, CCAS).")
        v["typologie"] = typologie

    def _enum_list(self, result: RowResult, field_name: str, cell: str) -> list[str]:
        table = ENUM_TABLES[field_name]
        slugs = []
        for item in split_list(cell, self.list_separators):
            slug = table.get(fold(item))
            if slug is None:
                allowed = " ; ".join(label for _, label in SCHEMA_LISTS[field_name].choices)
                result.errors.append(f"{field_name} : valeur inconnue « {item} ». Valeurs possibles : {allowed}.")
            elif slug not in slugs:
                slugs.append(slug)
        return slugs

    def _offer(self, d: dict, result: RowResult) -> None:
        v = result.values
        lists = {name: [] for name in ENUM_TABLES}
        v["autres_formations_labels"] = d.get("autres_formations_labels", d.get("labels_autres", "")).strip()
        v["accepte_pass_numerique"] = "pass numerique" in fold(v["autres_formations_labels"])
        if self.version == V0:
            self._offer_v0(d, result, lists)
        else:
            for name in ENUM_TABLES:
                lists[name] = self._enum_list(result, name, d.get(name, ""))
        v.update(lists)

    def _map_v0(self, result: RowResult, column: str, cell: str, table: dict):
        for item in split_list(cell, ";|"):
            key = v0_key(item)
            if key not in table:
                result.errors.append(f"{column} : valeur inconnue « {item} » (vocabulaire v0.1.1).")
                continue
            yield item, table[key]

    def _offer_v0(self, d: dict, result: RowResult, lists: dict) -> None:
        v = result.values
        # Fields that exist in both versions with the v1 vocabulary are read as such when present.
        for name in ("itinerance", "modalites_acces"):
            lists[name] = self._enum_list(result, name, d.get(name, ""))
        for _, slug in self._map_v0(result, "services", d.get("services", ""), V0_SERVICES_F):
            _append(lists["services"], slug)
        for _, target in self._map_v0(result, "publics_accueillis", d.get("publics_accueillis", ""), V0_PUBLICS_F):
            if target:
                _append(lists[target[0]], target[1])
        for _, slug in self._map_v0(result, "conditions_acces", d.get("conditions_acces", ""), V0_CONDITIONS_F):
            if slug == PASS_NUMERIQUE:
                v["accepte_pass_numerique"] = True
            else:
                _append(lists["frais_a_charge"], slug)
        others = []
        for item, target in self._map_v0(result, "labels_nationaux", d.get("labels_nationaux", ""), V0_LABELS_F):
            if target is None:
                others.append(item)
            elif target[1] == PASS_NUMERIQUE:
                v["accepte_pass_numerique"] = True
            else:
                _append(lists[target[0]], target[1])
        if others:
            v["autres_formations_labels"] = "|".join(filter(None, [v["autres_formations_labels"], *others]))
        modalites = d.get("modalites_accompagnement", "")
        for _, slug in self._map_v0(result, "modalites_accompagnement", modalites, V0_MODALITES_F):
            _append(lists["modalites_accompagnement"], slug)


def _append(items: list, value) -> None:
    if value not in items:
        items.append(value)
