"""Pix results of candidates, from the CSV export of a Pix Orga evaluation campaign.

Columns (headers as Pix writes them, in any order; other columns are ignored):

| column | meaning |
|---|---|
| `Adresse e-mail` (or `Identifiant externe`) | the candidate's e-mail, the key of the candidature |
| `Palier obtenu (/3)` | level 1, 2 or 3 |
| `% de maîtrise des acquis de la compétence Mener une recherche et une veille d’information` | 1.1, 0–100 |
| `% de maîtrise des acquis de la compétence Interagir` | 2.1 |
| `% de maîtrise des acquis de la compétence Développer des documents textuels` | 3.1 |
| `Partage (O/N)` (optional) | results shared by the person; a row not shared is rejected |
| `Date du partage` (optional) | JJ/MM/AAAA or AAAA-MM-JJ |

A score is written `45`, `45 %` or as a fraction with a decimal separator (`0,45`, `0.45`). A competence counts as
mastered (`pix_competence_N`) from `SEUIL_COMPETENCE` % on.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from cnfs.recrutement.importers.common import ALL_OR_NOTHING, Column, ImportReport, read_table
from cnfs.recrutement.models import Candidature

SEUIL_COMPETENCE = 50
COMPETENCES = (
    ("1", "Mener une recherche et une veille d'information"),
    ("2", "Interagir"),
    ("3", "Developper des documents textuels"),
)


def _score_aliases(n: str, name: str) -> tuple[str, ...]:
    header = f"% de maitrise des acquis de la competence {name.lower()}"
    return (header, header.replace("'", " "), f"competence {n}.1", f"score {n}.1", f"{n}.1")


COLUMNS = (
    Column(
        "email",
        "Adresse e-mail",
        (
            "adresse e-mail",
            "adresse email",
            "adresse electronique",
            "e-mail",
            "email",
            "courriel",
            "identifiant externe",
        ),
    ),
    Column("palier", "Palier obtenu (/3)", ("palier obtenu", "palier", "niveau", "niveau pix")),
    *(
        Column(f"score_{n}", f"% de maîtrise des acquis de la compétence {name.replace(chr(39), '’')}", aliases)
        for n, name, aliases in ((n, name, _score_aliases(n, name)) for n, name in COMPETENCES)
    ),
    Column("partage", "Partage (O/N)", ("partage (o/n)", "partage"), required=False),
    Column("date_partage", "Date du partage", ("date du partage", "date de partage"), required=False),
)
FIELDS = ("pix_palier", "pix_score_1", "pix_score_2", "pix_score_3", "pix_competence_1", "pix_competence_2")
FIELDS = (*FIELDS, "pix_competence_3", "pix_partage_le")
_PERCENT = re.compile(r"^(\d{1,3})\s*%?$")
_FRACTION = re.compile(r"^(0|1)[.,](\d+)$")


def parse_score(text: str) -> int:
    """A "% de maîtrise" cell as an integer percentage; ValueError (French) when it is not one."""
    cell = text.replace("\u00a0", " ").strip()
    if match := _PERCENT.match(cell):
        value = int(match.group(1))
    elif match := _FRACTION.match(cell):
        value = round(float(f"{match.group(1)}.{match.group(2)}") * 100)
    else:
        raise ValueError(f"score « {text} » illisible (attendu : un pourcentage de 0 à 100)")
    if not 0 <= value <= 100:
        raise ValueError(f"score {value} % hors de l’intervalle 0 à 100")
    return value


def parse_date(text: str) -> datetime.date | None:
    cell = text.strip().split(" ")[0]
    if not cell:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(cell, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date du partage « {text} » illisible (attendu : JJ/MM/AAAA)")


@dataclass
class PixPlan:
    report: ImportReport
    changes: list[tuple[int, dict]]  # (pk of the candidature, new Pix values)


def values_of(candidature: Candidature) -> dict:
    return {name: getattr(candidature, name) for name in FIELDS}


def _parse(data: dict[str, str]) -> tuple[dict, list[str]]:
    errors, values = [], {}
    palier = data["palier"].strip().lower().removeprefix("palier").strip()
    if not palier:
        errors.append("niveau Pix (palier) manquant")
    elif not palier.isdigit():
        errors.append(f"niveau Pix « {data['palier']} » illisible (attendu : 1, 2 ou 3)")
    elif not 1 <= int(palier) <= 3:
        errors.append(f"niveau Pix {int(palier)} hors de l’intervalle 1 à 3")
    else:
        values["pix_palier"] = int(palier)
    for n, name in COMPETENCES:
        cell = data[f"score_{n}"]
        if not cell:
            errors.append(f"score de la compétence {n}.1 ({name.replace(chr(39), '’')}) manquant")
            continue
        try:
            values[f"pix_score_{n}"] = score = parse_score(cell)
        except ValueError as exc:
            errors.append(f"compétence {n}.1 : {exc}")
        else:
            values[f"pix_competence_{n}"] = score >= SEUIL_COMPETENCE
    partage = data["partage"].strip().lower()
    if partage in ("n", "non", "false", "0"):
        errors.append("la personne n’a pas partagé ses résultats avec l’organisation (Partage = N)")
    try:
        values["pix_partage_le"] = parse_date(data["date_partage"])
    except ValueError as exc:
        errors.append(str(exc))
    return values, errors


def plan_pix(data: bytes, *, origin: str, mode: str = ALL_OR_NOTHING, dry_run: bool = False) -> PixPlan:
    """Read a Pix export and decide, row by row, what would change. Writes nothing; raises `ImportFileError`."""
    table = read_table(data, COLUMNS, what="résultats Pix")
    report = ImportReport(
        kind="résultats Pix",
        noun="candidature",
        origin=origin,
        mode=mode,
        dry_run=dry_run,
        encoding=table.encoding,
        delimiter=table.delimiter_name,
        rows=len(table.records) + len(table.errors),
    )
    for line, reason in table.errors:
        report.reject(line, "", reason)
    emails = {r.data["email"].strip().lower() for r in table.records}
    known = {c.email: c for c in Candidature.objects.filter(email__in=emails).only("pk", "email", *FIELDS)}
    first_line: dict[str, int] = {}
    plan = PixPlan(report, [])
    for record in table.records:
        email = record.data["email"].strip().lower()
        values, errors = _parse(record.data)
        if not email:
            errors.insert(0, "adresse e-mail manquante")
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors.insert(0, f"adresse e-mail « {email} » invalide")
            else:
                if email in first_line:
                    errors.insert(0, f"adresse e-mail déjà présente ligne {first_line[email]} de ce fichier")
                elif email not in known:
                    errors.insert(0, f"aucune candidature avec l’adresse e-mail « {email} »")
                first_line.setdefault(email, record.line)
        if errors:
            report.reject(record.line, email, *errors)
            continue
        candidature = known[email]
        if values_of(candidature) == values:
            report.unchanged += 1
        else:
            plan.changes.append((candidature.pk, values))
    report.changed = len(plan.changes)
    report.rejected.sort(key=lambda r: r.line)
    return plan
