"""Turn the bytes of an uploaded or downloaded file into records: CSV (encoding and delimiter detected) or JSON.

Every refusal is an `ImportFileError` with a French message that tells the operator what to fix.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

from cnfs.core.errors import DomainError
from cnfs.lieux.importers.vocabulary import REQUIRED_COLUMNS, V0, V0_ONLY_COLUMNS, V1, V1_ONLY_COLUMNS

MAX_BYTES = 50 * 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "virgule", ";": "point-virgule", "\t": "tabulation", "|": "barre verticale"}
# Signs of text decoded with the wrong table: UTF-8 read as Windows-1252 ("Ã©"), or the replacement character.
MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]|â€|\ufffd")


class ImportFileError(DomainError):
    """The file as a whole cannot be read: nothing is imported."""


@dataclass
class Record:
    line: int  # line of the CSV file where the record starts, or position (from 1) in a JSON list
    data: dict[str, str]


@dataclass
class ParsedFile:
    records: list[Record]
    columns: list[str]
    version: str
    format: str  # "csv" or "json"
    encoding: str = ""
    delimiter: str = ""
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason) of records unreadable as such

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, self.delimiter)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name). UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252 for older exports."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", "UTF-8")]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", "UTF-16")]
    else:
        candidates = [("utf-8", "UTF-8"), ("cp1252", "Windows-1252")]
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        line = _line_of(data, data.index(b"\x00"))
        raise ImportFileError(
            f"Encodage non reconnu : octet nul ligne {line} (UTF-16 sans marque "
            "d’ordre, ou fichier binaire comme un classeur Excel). Enregistrez-le en CSV UTF-8."
        )
    first_error = None
    for codec, name in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
            continue
        bad = MOJIBAKE.search(text)
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            raise ImportFileError(
                f"Encodage incorrect : caractères « {bad.group()} » ligne {line}, signe d’un texte converti deux fois "
                "(UTF-8 relu comme Windows-1252). Réenregistrez le fichier en UTF-8 depuis sa source."
            )
        return text, name
    where = ""
    if first_error is not None:
        byte = first_error.object[first_error.start]
        where = f" (octet 0x{byte:02X} ligne {_line_of(data, first_error.start)})"
    raise ImportFileError(
        f"Encodage non reconnu{where} : le fichier n’est ni en UTF-8 ni en Windows-1252. Enregistrez-le en CSV UTF-8."
    )


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def detect_version(columns) -> str:
    columns = set(columns)
    if columns & V0_ONLY_COLUMNS and not columns & V1_ONLY_COLUMNS:
        return V0
    return V1


def check_columns(columns: list[str], where: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ImportFileError(
            f"{where} : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}. "
            f"Colonnes trouvées : {', '.join(columns[:12]) or 'aucune'}."
        )
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise ImportFileError(f"{where} : colonne(s) en double : {', '.join(duplicated)}.")


def detect_delimiter(header: str) -> str:
    """The delimiter that splits the header line into the schema's columns (lists inside cells use `;` or `|`)."""
    best, best_score = "", 0
    for delimiter in DELIMITERS:
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:
            continue
        names = [c.strip().strip('"').strip() for c in cells]
        score = sum(1 for c in REQUIRED_COLUMNS if c in names)
        if score > best_score:
            best, best_score = delimiter, score
    if best_score < 2:
        raise ImportFileError(
            "Séparateur non reconnu ligne 1 : la première ligne doit nommer les colonnes du schéma (id, nom, "
            "commune, code_postal, adresse…) séparées par des virgules ou des points-virgules. "
            f"Ligne lue : « {header[:120]} »."
        )
    return best


def read_csv(text: str, encoding: str) -> ParsedFile:
    header = (text.lstrip("\ufeff").splitlines() or [""])[0]
    delimiter = detect_delimiter(header)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        columns = [c.strip() for c in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise ImportFileError(f"En-tête illisible ligne 1 : {exc}.") from None
    check_columns(columns, "En-tête (ligne 1)")
    version = detect_version(columns)
    parsed = ParsedFile([], columns, version, "csv", encoding, delimiter)
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
        if len(row) != len(columns):
            parsed.errors.append(
                (
                    line,
                    f"{len(row)} colonne(s) au lieu de {len(columns)} : séparateur ({parsed.delimiter_name}) ou "
                    "guillemets incohérents sur cette ligne.",
                )
            )
            continue
        parsed.records.append(Record(line, {c: cell.strip() for c, cell in zip(columns, row, strict=True)}))
    return parsed


def cell_text(value) -> str:
    """A JSON value as the text a CSV cell would hold (lists joined with `|`)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(cell_text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def read_json(text: str, encoding: str) -> ParsedFile:
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"JSON invalide ligne {exc.lineno}, colonne {exc.colno} : {exc.msg}.") from None
    if isinstance(payload, dict):
        payload = payload.get("lieux", payload.get("items", payload.get("data")))
    if not isinstance(payload, list):
        raise ImportFileError("JSON inattendu : une liste de lieux (ou un objet avec une clé « lieux ») est attendue.")
    if not payload:
        raise ImportFileError("Le fichier ne contient aucun lieu.")
    columns: list[str] = []
    for item in payload:
        if isinstance(item, dict):
            columns.extend(k for k in item if k not in columns)
    check_columns(columns, "Enregistrements JSON")
    parsed = ParsedFile([], columns, detect_version(columns), "json", encoding)
    for position, item in enumerate(payload, start=1):
        if not isinstance(item, dict):
            parsed.errors.append((position, "Enregistrement JSON qui n’est pas un objet."))
            continue
        parsed.records.append(Record(position, {c: cell_text(item.get(c)) for c in columns}))
    return parsed


def read_file(data: bytes, *, filename: str = "") -> ParsedFile:
    """Parse a whole import file. Raises `ImportFileError` when it cannot be read at all."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"Fichier trop volumineux ({len(data) // 1_000_000} Mo ; maximum 50 Mo).")
    if not data.strip():
        raise ImportFileError("Le fichier est vide : aucune ligne à lire, pas même l’en-tête (ligne 1).")
    text, encoding = decode(data)
    if text.lstrip("\ufeff \r\n\t").startswith(("[", "{")) or filename.lower().endswith(".json"):
        parsed = read_json(text, encoding)
    else:
        parsed = read_csv(text, encoding)
    if not parsed.records and not parsed.errors:
        raise ImportFileError("Le fichier ne contient aucun lieu : seul l’en-tête (ligne 1) est présent.")
    return parsed
