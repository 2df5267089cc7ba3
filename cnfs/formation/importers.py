"""CSV import of training results sent by training organisations: read, check every row, plan. Writes nothing.

One row per advisor and module (training record) or per advisor and block of the title (certification):

    email;code;heures_prevues;heures_realisees;date_debut;date_fin;resultat
    ana.martin@exemple.fr;fi-socle;70;70;03/05/2021;28/05/2021;valide
    ana.martin@exemple.fr;CCP1;;;15/06/2021;;admis

`code` is a module code of the catalogue or CCP1, CCP2, CCP3; for a block, `date_debut` is the date of the exam
and the hours stay empty. Dates as JJ/MM/AAAA or AAAA-MM-JJ; hours may use a decimal comma. The file is UTF-8
(with or without BOM) or Windows-1252, separated by semicolons, commas or tabs.

`services.resultats_import` applies the plan in one transaction: all rows or none (default), or the valid rows
only. A rerun of the same file changes nothing (every row is then "unchanged").
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from cnfs.core.errors import DomainError
from cnfs.formation import rules
from cnfs.formation.enums import BlocCertification, NatureModule, ResultatBloc, ResultatFormation
from cnfs.formation.models import Inscription, ModuleFormation, OrganismeFormation, PassageBloc
from cnfs.recrutement.enums import EtapeConseiller
from cnfs.recrutement.models import Candidature
from cnfs.recrutement.services.etapes import ETAPES_DU_PARCOURS

MAX_BYTES = 5 * 1024 * 1024
COLUMNS = ("email", "code", "heures_prevues", "heures_realisees", "date_debut", "date_fin", "resultat")
REQUIRED = ("email", "code", "date_debut", "resultat")
DELIMITERS = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]|â€|\ufffd")

ALL_OR_NOTHING = "tout-ou-rien"
VALID_ONLY = "valides-seulement"
MODES = {ALL_OR_NOTHING: "tout ou rien", VALID_ONLY: "lignes valides seulement"}


class ImportFileError(DomainError):
    """The file as a whole cannot be read: nothing is imported."""


@dataclass
class Rejection:
    line: int
    email: str
    reasons: list[str]


@dataclass
class ImportReport:
    origin: str
    organisme: str
    mode: str
    dry_run: bool
    encoding: str = ""
    delimiter: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def valid(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary_lines(self) -> list[str]:
        """The report as French lines, for the command line and the upload page."""
        lines = [
            f"Fichier : {self.origin} (CSV, encodage {self.encoding}, séparateur {self.delimiter}).",
            f"Organisme : {self.organisme}.",
            f"Mode : {MODES[self.mode]}{' — simulation, rien n’est enregistré' if self.dry_run else ''}.",
            f"{self.rows} ligne(s) lue(s) : {self.valid} valide(s), {len(self.rejected)} rejetée(s).",
        ]
        if self.written or self.dry_run:
            lines.append(
                f"{self.created} créé(s), {self.updated} mis à jour, {self.unchanged} inchangé(s) "
                f"({'simulation' if self.dry_run else 'enregistré'})."
            )
        else:
            lines.append(
                f"Aucun résultat importé : le mode « tout ou rien » refuse le fichier car {len(self.rejected)} "
                "ligne(s) sont rejetées."
            )
        for r in self.rejected:
            who = f" ({r.email})" if r.email else ""
            lines.append(f"Rejet ligne {r.line}{who} : {' ; '.join(r.reasons)}.")
        return lines


@dataclass
class RecordRow:
    """A valid module row: the training record to create (`inscription` None) or update."""

    line: int
    candidature_id: int
    module: ModuleFormation
    inscription: Inscription | None
    values: dict


@dataclass
class BlocRow:
    line: int
    candidature_id: int
    bloc: str
    date_passage: datetime.date
    resultat: str
    passage: PassageBloc | None


@dataclass
class ImportPlan:
    report: ImportReport
    records: list[RecordRow]
    blocs: list[BlocRow]

    @property
    def candidature_ids(self) -> set[int]:
        return {r.candidature_id for r in self.records} | {b.candidature_id for b in self.blocs}


# --- Reading -----------------------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name): UTF-8 with or without BOM, else Windows-1252; refuses binary and double-encoded text."""
    if b"\x00" in data:
        raise ImportFileError(
            "Encodage non reconnu : le fichier contient des octets nuls (UTF-16, ou classeur Excel au lieu d’un "
            "CSV). Enregistrez-le au format « CSV UTF-8 »."
        )
    for codec, name in (("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        bad = MOJIBAKE.search(text)
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            raise ImportFileError(
                f"Encodage incorrect : caractères « {bad.group()} » ligne {line}, signe d’un texte UTF-8 relu "
                "comme Windows-1252. Réenregistrez le fichier en UTF-8 depuis sa source."
            )
        return text, name
    raise ImportFileError("Encodage non reconnu : enregistrez le fichier au format « CSV UTF-8 ».")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).strip().lower().replace(" ", "_")


def _header(text: str) -> tuple[str, list[str]]:
    first = text.splitlines()[0] if text else ""
    best, best_cells = "", []
    for delimiter in DELIMITERS:
        cells = [_fold(c.strip('"')) for c in first.split(delimiter)]
        if sum(c in COLUMNS for c in cells) > sum(c in COLUMNS for c in best_cells):
            best, best_cells = delimiter, cells
    missing = [c for c in REQUIRED if c not in best_cells]
    if not best or missing:
        raise ImportFileError(
            "En-tête non reconnu : la première ligne doit nommer les colonnes "
            f"{', '.join(COLUMNS)}, séparées par des points-virgules, des virgules ou des tabulations. "
            f"Colonne(s) absente(s) : {', '.join(missing or REQUIRED)}. Première ligne lue : « {first[:120]} »."
        )
    duplicated = sorted({c for c in best_cells if c and best_cells.count(c) > 1})
    if duplicated:
        raise ImportFileError(f"Colonne(s) en double dans l’en-tête : {', '.join(duplicated)}.")
    return best, best_cells


def read_rows(data: bytes) -> tuple[str, str, list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    """(encoding, delimiter name, [(line, row)], [(line, reason)] of unreadable lines). Raises `ImportFileError`."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"Fichier trop volumineux (maximum {MAX_BYTES // 1024 // 1024} Mo).")
    if not data.strip():
        raise ImportFileError("Le fichier est vide.")
    text, encoding = decode(data)
    delimiter, columns = _header(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows, errors = [], []
    try:
        next(reader)
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(columns):
                errors.append(
                    (line, f"{len(cells)} colonne(s) au lieu de {len(columns)} (séparateur ou guillemets incohérents)")
                )
                continue
            rows.append((line, {c: v.strip() for c, v in zip(columns, cells, strict=True) if c in COLUMNS}))
    except csv.Error as exc:
        raise ImportFileError(f"Ligne {reader.line_num} : CSV mal formé ({exc}), la lecture s’arrête.") from None
    if not rows and not errors:
        raise ImportFileError("Le fichier ne contient aucun résultat : seul l’en-tête est présent.")
    return encoding, DELIMITERS[delimiter], rows, errors


def parse_date(value: str, label: str, errors: list[str]) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    errors.append(f"{label} « {value} » invalide (attendu JJ/MM/AAAA)")
    return None


def parse_hours(value: str, label: str, errors: list[str]) -> Decimal | None:
    value = (value or "").strip().replace(",", ".").removesuffix("h").strip()
    if not value:
        return None
    try:
        hours = Decimal(value)
    except InvalidOperation:
        errors.append(f"{label} « {value} » n’est pas un nombre d’heures")
        return None
    if not hours.is_finite() or hours != hours.quantize(Decimal("0.1")):
        errors.append(f"{label} « {value} » : une décimale au plus")
        return None
    return hours


def _choice(value: str, choices) -> str | None:
    """A choice by its code or its French label, whatever the accents, case or inclusive ending."""

    def plain(text: str) -> str:
        return _fold(text).replace("·e", "").replace("·", "")

    folded = plain(value)
    for v, label in choices:
        if folded in (v, plain(label)):
            return v
    return None


# --- Planning ----------------------------------------------------------------------------------------------------


class _Lookup:
    """Advisors, modules and existing records the file names, read in a few queries."""

    def __init__(self, rows, organisme: OrganismeFormation, *, national: bool):
        emails = {r["email"].strip().lower() for _, r in rows if r.get("email")}
        self.candidatures = {c.email: c for c in Candidature.objects.filter(email__in=emails)}
        ids = [c.pk for c in self.candidatures.values()]
        self.trainees = set(
            Inscription.objects.filter(organisme=organisme, candidature_id__in=ids).values_list(
                "candidature_id", flat=True
            )
        )
        self.modules = {m.code: m for m in ModuleFormation.objects.all()}
        self.inscriptions = {
            (i.candidature_id, i.module_id): i for i in Inscription.objects.filter(candidature_id__in=ids)
        }
        self.passages = {
            (p.candidature_id, p.bloc, p.date_passage): p for p in PassageBloc.objects.filter(candidature_id__in=ids)
        }
        self.national = national
        self.organisme = organisme

    def advisor(self, email: str, errors: list[str]) -> Candidature | None:
        candidature = self.candidatures.get(email)
        if not self.national:
            # The same answer for an unknown address and someone else's trainee: an organisation learns nothing.
            if candidature is None or candidature.pk not in self.trainees:
                errors.append(f"aucun de vos stagiaires n’a l’adresse « {email} »")
                return None
            return candidature
        if candidature is None:
            errors.append(f"conseiller inconnu : aucune candidature n’a l’adresse « {email} »")
            return None
        if candidature.etape not in ETAPES_DU_PARCOURS:
            errors.append(f"{candidature} n’est pas un conseiller recruté")
            return None
        return candidature


def _plan_record(line, row, candidature, module, lookup, today, errors) -> RecordRow | None:
    existing = lookup.inscriptions.get((candidature.pk, module.pk))
    if existing is not None and existing.organisme_id != lookup.organisme.pk:
        errors.append(f"déjà inscrit·e au module « {module.code} » auprès d’un autre organisme")
        return None
    if existing is None and module.nature == NatureModule.CONTINUE and candidature.etape != EtapeConseiller.EN_POSTE:
        errors.append("la formation continue est réservée aux conseillers en poste")
    resultat = _choice(row.get("resultat", ""), ResultatFormation.choices)
    if resultat is None:
        errors.append(
            f"résultat « {row.get('resultat', '')} » inconnu pour un module "
            f"(attendu : {', '.join(ResultatFormation.values)})"
        )
    prevues = parse_hours(row.get("heures_prevues", ""), "heures prévues", errors)
    realisees = parse_hours(row.get("heures_realisees", ""), "heures réalisées", errors)
    date_debut = parse_date(row.get("date_debut", ""), "date de début", errors)
    date_fin = parse_date(row.get("date_fin", ""), "date de fin", errors)
    if errors:
        return None
    if prevues is None:
        prevues = existing.heures_prevues if existing else Decimal(module.duree_heures)
    values = {
        "heures_prevues": prevues,
        "heures_realisees": realisees if realisees is not None else Decimal(0),
        "date_debut": date_debut,
        "date_fin": date_fin,
        "resultat": resultat,
    }
    errors.extend(message for _, message in rules.record_problems(**values, today=today))
    if errors:
        return None
    return RecordRow(line, candidature.pk, module, existing, values)


def _plan_bloc(line, row, candidature, bloc, lookup, today, errors) -> BlocRow | None:
    resultat = _choice(row.get("resultat", ""), ResultatBloc.choices)
    if resultat is None:
        errors.append(
            f"résultat « {row.get('resultat', '')} » inconnu pour un bloc (attendu : {', '.join(ResultatBloc.values)})"
        )
    if row.get("heures_prevues") or row.get("heures_realisees"):
        errors.append("un bloc de certification ne compte pas d’heures : laissez ces colonnes vides")
    date_passage = parse_date(row.get("date_debut", ""), "date de l’épreuve", errors)
    if date_passage is None and not any("date" in e for e in errors):
        errors.append("la date de l’épreuve (colonne date_debut) est obligatoire")
    if date_passage is not None and date_passage > today:
        errors.append(f"épreuve à venir ({date_passage:%d/%m/%Y}) : son résultat ne peut pas être connu")
    if errors:
        return None
    existing = lookup.passages.get((candidature.pk, bloc, date_passage))
    if existing is not None and existing.voie != "formation":
        errors.append("ce bloc a été décidé par un jury de VAE à cette date")
        return None
    return BlocRow(line, candidature.pk, bloc, date_passage, resultat, existing)


def plan_import(
    data: bytes,
    *,
    organisme: OrganismeFormation,
    national: bool,
    origin: str,
    mode: str = ALL_OR_NOTHING,
    dry_run: bool = False,
    today: datetime.date,
) -> ImportPlan:
    """Read `data` and classify every row (create, update, unchanged, rejected). Raises `ImportFileError`."""
    encoding, delimiter, rows, unreadable = read_rows(data)
    report = ImportReport(
        origin=origin,
        organisme=str(organisme),
        mode=mode,
        dry_run=dry_run,
        encoding=encoding,
        delimiter=delimiter,
        rows=len(rows) + len(unreadable),
    )
    report.rejected.extend(Rejection(line, "", [reason]) for line, reason in unreadable)
    lookup = _Lookup(rows, organisme, national=national)
    plan = ImportPlan(report, [], [])
    seen: dict[tuple, int] = {}
    for line, row in rows:
        errors: list[str] = []
        email = row.get("email", "").strip().lower()
        code = row.get("code", "").strip()
        if not email:
            errors.append("adresse électronique manquante")
        candidature = lookup.advisor(email, errors) if email else None
        module = lookup.modules.get(code.lower())
        bloc = code.upper() if code.upper() in BlocCertification.values else None
        if module is None and bloc is None:
            errors.append(f"code « {code} » inconnu : ni un module du catalogue, ni CCP1, CCP2 ou CCP3")
        planned = None
        if candidature is not None and not errors:
            if module is not None:
                planned = _plan_record(line, row, candidature, module, lookup, today, errors)
                key = (candidature.pk, module.code)
            else:
                planned = _plan_bloc(line, row, candidature, bloc, lookup, today, errors)
                key = (candidature.pk, bloc, planned.date_passage if planned else None)
            if planned is not None and key in seen:
                errors.append(f"même conseiller et même code qu’à la ligne {seen[key]}")
                planned = None
            elif planned is not None:
                seen[key] = line
        if planned is None:
            report.rejected.append(Rejection(line, email, errors or ["ligne rejetée"]))
            continue
        if isinstance(planned, RecordRow):
            plan.records.append(planned)
            current = planned.inscription
            if current is None:
                report.created += 1
            elif all(getattr(current, k) == v for k, v in planned.values.items()):
                report.unchanged += 1
            else:
                report.updated += 1
        else:
            plan.blocs.append(planned)
            if planned.passage is None:
                report.created += 1
            elif planned.passage.resultat == planned.resultat and planned.passage.organisme_id == organisme.pk:
                report.unchanged += 1
            else:
                report.updated += 1
    report.rejected.sort(key=lambda r: r.line)
    return plan
