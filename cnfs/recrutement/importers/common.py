"""Reading a recruitment CSV file and the report the operator reads, shared by the Pix and zone imports.

The approach is the one of `cnfs.lieux.importers`: the file is decoded (UTF-8 with or without BOM, Windows-1252,
double-encoded text refused) by the same `decode`, the delimiter is the one that splits the header into known
columns, every row is classified (changed, unchanged, rejected with its line and French reasons) before anything
is written, and the operator chooses between all-or-nothing and valid rows only.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from cnfs.lieux.importers.plan import ALL_OR_NOTHING, MODES, VALID_ONLY
from cnfs.lieux.importers.reading import DELIMITER_NAMES, DELIMITERS, ImportFileError, decode
from cnfs.lieux.importers.vocabulary import fold

__all__ = [
    "ALL_OR_NOTHING",
    "MODES",
    "VALID_ONLY",
    "Column",
    "ImportFileError",
    "ImportReport",
    "Record",
    "Rejection",
    "read_table",
]

MAX_BYTES = 20 * 1024 * 1024


def header_key(text: str) -> str:
    """ "Palier obtenu (/3)", "PALIER OBTENU" and "palier_obtenu" give the same key."""
    text = fold(text.lstrip("\ufeff"))
    text = re.sub(r"\(/\s*\d+\)", "", text)
    text = re.sub(r"[_\s]+", " ", text)
    return text.strip(" :")


@dataclass(frozen=True)
class Column:
    name: str  # the name the importer uses
    label: str  # how the report names it
    aliases: tuple[str, ...]  # header keys accepted for it (see `header_key`)
    required: bool = True


@dataclass
class Record:
    line: int
    data: dict[str, str]


@dataclass
class Table:
    records: list[Record]
    encoding: str
    delimiter: str
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, self.delimiter)


def _match(cells: list[str], columns: tuple[Column, ...]) -> dict[int, str]:
    """Index of each cell → the column it names (first alias match wins, a column is taken once)."""
    keys = [header_key(c) for c in cells]
    found: dict[int, str] = {}
    for column in columns:
        for index, key in enumerate(keys):
            if index not in found and key in column.aliases:
                found[index] = column.name
                break
    return found


def read_table(
    data: bytes, columns: tuple[Column, ...], *, what: str, any_of: tuple[tuple[str, ...], ...] = ()
) -> Table:
    """Parse a whole CSV file whose header names `columns` (any order, extra columns ignored).

    `any_of`: groups of optional columns of which the header must name at least one each.

    Raises `ImportFileError` (French) when the file cannot be read at all: empty, too large, undecodable, no
    delimiter giving the required columns, header only, or malformed quoting.
    """
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"Fichier trop volumineux ({len(data) // 1_000_000} Mo ; maximum 20 Mo).")
    if not data.strip():
        raise ImportFileError("Le fichier est vide.")
    text, encoding = decode(data)
    header = (text.lstrip("\ufeff").splitlines() or [""])[0]
    required = [c for c in columns if c.required]
    best, best_found = "", {}
    for delimiter in DELIMITERS:
        found = _match(next(csv.reader([header], delimiter=delimiter), []), columns)
        if len(found) > len(best_found):
            best, best_found = delimiter, found
    named = set(best_found.values())
    missing = [c.label for c in required if c.name not in named]
    labels = {c.name: c.label for c in columns}
    missing += [" ou ".join(labels[n] for n in group) for group in any_of if not named & set(group)]
    if missing:
        hint = "" if best_found else " (séparateur non reconnu : point-virgule, virgule ou tabulation attendus)"
        raise ImportFileError(
            f"Colonne(s) obligatoire(s) absente(s) de l’en-tête{hint} : {', '.join(missing)}. "
            f"Première ligne lue : « {header[:160]} »."
        )
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=best, strict=True)
    cells = next(reader)
    width = len(cells)
    table = Table([], encoding, best)
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ImportFileError(f"Ligne {line} : CSV mal formé ({exc}), la lecture s’arrête.") from None
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            table.errors.append(
                (
                    line,
                    f"{len(row)} colonne(s) au lieu de {width} : séparateur ({table.delimiter_name}) ou guillemets "
                    "incohérents sur cette ligne.",
                )
            )
            continue
        values = {name: "" for name in (c.name for c in columns)}
        values.update({name: row[index].strip() for index, name in best_found.items()})
        table.records.append(Record(line, values))
    if not table.records and not table.errors:
        raise ImportFileError(f"Le fichier ne contient aucune ligne de {what} : seul l’en-tête est présent.")
    return table


@dataclass
class Rejection:
    line: int
    identifiant: str
    reasons: list[str]


@dataclass
class ImportReport:
    """What an import did or would do, row by row. `noun` names the objects counted ("candidature")."""

    kind: str  # "résultats Pix", "zones prioritaires"
    noun: str
    origin: str
    mode: str
    dry_run: bool
    encoding: str = ""
    delimiter: str = ""
    rows: int = 0
    changed: int = 0
    unchanged: int = 0
    written: bool = False
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """All-or-nothing mode with at least one rejected row: nothing is written."""
        return self.mode == ALL_OR_NOTHING and bool(self.rejected)

    def reject(self, line: int, identifiant: str, *reasons: str) -> None:
        self.rejected.append(Rejection(line, identifiant, list(reasons)))

    def summary_lines(self) -> list[str]:
        """The report as French lines, for the command line and the upload page."""
        lines = [
            f"Fichier : {self.origin} (CSV, encodage {self.encoding}, séparateur {self.delimiter}).",
            f"Mode : {MODES[self.mode]}{' — simulation, rien n’est enregistré' if self.dry_run else ''}.",
            f"{self.rows} ligne(s) lue(s) : {self.rows - len(self.rejected)} valide(s), "
            f"{len(self.rejected)} rejetée(s).",
        ]
        if self.refused and not self.dry_run:
            lines.append(
                f"Aucune modification enregistrée : le mode « tout ou rien » refuse le fichier car "
                f"{len(self.rejected)} ligne(s) sont rejetées ({self.changed} {self.noun}(s) auraient été "
                "modifiée(s) sinon)."
            )
        else:
            state = "simulation" if self.dry_run or not self.written else "enregistré"
            lines.append(f"{self.changed} {self.noun}(s) modifiée(s), {self.unchanged} inchangée(s) ({state}).")
        for r in sorted(self.rejected, key=lambda r: r.line):
            ident = f" (« {r.identifiant} »)" if r.identifiant else ""
            lines.append(f"Rejet ligne {r.line}{ident} : {' ; '.join(r.reasons)}")
        for line, message in sorted(self.warnings):
            lines.append(f"Avertissement ligne {line} : {message}")
        return lines
