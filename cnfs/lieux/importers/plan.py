"""Read a file and decide, row by row, what an import would do; the report the operator reads. Writes nothing.

`services.lieux_import` applies the plan in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cnfs.lieux.importers import duplicates
from cnfs.lieux.importers.communes import CommuneResolver, departement_of_postcode
from cnfs.lieux.importers.reading import ParsedFile, read_file
from cnfs.lieux.importers.rows import RowParser, RowResult
from cnfs.lieux.models import Lieu

ALL_OR_NOTHING = "tout-ou-rien"
VALID_ONLY = "valides-seulement"
MODES = {ALL_OR_NOTHING: "tout ou rien", VALID_ONLY: "lignes valides seulement"}


@dataclass
class Rejection:
    line: int
    identifiant: str
    reasons: list[str]


@dataclass
class ImportReport:
    origin: str
    mode: str
    dry_run: bool
    format: str = ""
    encoding: str = ""
    delimiter: str = ""
    version: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[duplicates.LikelyDuplicate] = field(default_factory=list)

    @property
    def valid(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def line_word(self) -> str:
        return "enregistrement" if self.format == "json" else "ligne"

    def summary_lines(self) -> list[str]:
        """The report as French lines, for the command line and the upload page."""
        fmt = self.format.upper()
        if self.format == "csv":
            fmt += f", encodage {self.encoding}, séparateur {self.delimiter}"
        lines = [
            f"Fichier : {self.origin} ({fmt}, vocabulaire du schéma {self.version}).",
            f"Mode : {MODES[self.mode]}{' — simulation, rien n’est enregistré' if self.dry_run else ''}.",
            f"{self.rows} lieu(x) lu(s) : {self.valid} valide(s), {len(self.rejected)} rejeté(s).",
        ]
        verb = "seraient" if self.dry_run or not self.written else "ont été"
        if self.written or self.dry_run:
            lines.append(
                f"{self.created} créé(s), {self.updated} mis à jour, {self.unchanged} inchangé(s) "
                f"({'simulation' if self.dry_run else 'enregistré'})."
            )
        else:
            lines.append(
                f"Aucun lieu importé : le mode « tout ou rien » refuse le fichier car {len(self.rejected)} "
                f"ligne(s) sont rejetées ({self.created} création(s) et {self.updated} mise(s) à jour {verb} "
                "faites sinon)."
            )
        for r in self.rejected:
            lines.append(f"Rejet {self.line_word} {r.line} (id « {r.identifiant} ») : {' ; '.join(r.reasons)}")
        for d in self.duplicates:
            lines.append(
                f"Doublon probable {self.line_word} {d.line} « {d.nom} » et {d.other} « {d.other_nom} » : {d.reason}."
            )
        for line, message in self.warnings:
            lines.append(f"Avertissement {self.line_word} {line} : {message}")
        return lines


@dataclass
class ImportPlan:
    report: ImportReport
    to_create: list[RowResult]
    to_update: list[tuple[int, RowResult]]  # (pk of the existing place, row)


def _existing(keys: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, str]]:
    """(source, id) → (pk, fingerprint of its last import), in chunks that every database accepts."""
    found: dict[tuple[str, str], tuple[int, str]] = {}
    by_source: dict[str, list[str]] = {}
    for source, source_id in keys:
        by_source.setdefault(source, []).append(source_id)
    for source, ids in by_source.items():
        for i in range(0, len(ids), 500):
            rows = Lieu.objects.filter(source=source, source_id__in=ids[i : i + 500]).values_list(
                "source_id", "pk", "import_fingerprint"
            )
            for source_id, pk, fingerprint in rows:
                found[(source, source_id)] = (pk, fingerprint)
    return found


def _candidate(label: str, source: str, source_id: str, v: dict) -> duplicates.Candidate:
    return duplicates.Candidate(
        label,
        (source, source_id),
        v.get("nom", ""),
        v.get("pivot", ""),
        v.get("adresse", ""),
        v.get("commune_id", ""),
        v.get("latitude"),
        v.get("longitude"),
    )


def _duplicates(valid: list[RowResult], line_word: str) -> list[duplicates.LikelyDuplicate]:
    communes = {r.values["commune_id"] for r in valid}
    existing = []
    queryset = Lieu.objects.filter(commune_id__in=communes).values(
        "pk", "source", "source_id", "nom", "pivot", "adresse", "commune_id", "latitude", "longitude"
    )
    for row in queryset.iterator(chunk_size=2000):
        label = f"le lieu existant n° {row['pk']} ({row['source']} / {row['source_id']})"
        existing.append(_candidate(label, row["source"], row["source_id"], row))
    rows = [(r.line, _candidate(f"la {line_word} {r.line}", r.source, r.source_id, r.values)) for r in valid]
    return duplicates.find(rows, existing)


def plan_import(
    data: bytes, *, origin: str, source: str | None = None, mode: str = ALL_OR_NOTHING, dry_run: bool = False
) -> ImportPlan:
    """Parse `data` and classify every row (create, update, unchanged, rejected). Raises `ImportFileError`."""
    parsed: ParsedFile = read_file(data, filename=origin)
    report = ImportReport(
        origin=origin,
        mode=mode,
        dry_run=dry_run,
        format=parsed.format,
        encoding=parsed.encoding,
        delimiter=parsed.delimiter_name,
        version=parsed.version,
        rows=len(parsed.records) + len(parsed.errors),
    )
    resolver = CommuneResolver()
    postcodes = {r.data.get("code_postal", "").strip().zfill(5) for r in parsed.records}
    resolver.load_departements({departement_of_postcode(cp) for cp in postcodes if cp.isdigit()})
    resolver.load_codes({r.data.get("code_insee", "").strip() for r in parsed.records})
    parser = RowParser(version=parsed.version, resolver=resolver, source=source)

    results: list[RowResult] = []
    for line, reason in parsed.errors:
        report.rejected.append(Rejection(line, "", [reason]))
    first_line: dict[tuple[str, str], int] = {}
    for record in parsed.records:
        result = parser.parse(record)
        key = (result.source, result.source_id)
        if result.source_id and key in first_line:
            result.errors.append(
                f"identifiant « {result.source_id} » (source {result.source}) déjà utilisé "
                f"{report.line_word} {first_line[key]} de ce fichier."
            )
        else:
            first_line.setdefault(key, record.line)
        report.warnings.extend((result.line, w) for w in result.warnings)
        if result.ok:
            results.append(result)
        else:
            report.rejected.append(Rejection(result.line, result.source_id, result.errors))
    report.rejected.sort(key=lambda r: r.line)

    existing = _existing({(r.source, r.source_id) for r in results})
    plan = ImportPlan(report, [], [])
    for result in results:
        found = existing.get((result.source, result.source_id))
        if found is None:
            plan.to_create.append(result)
        elif found[1] == result.fingerprint():
            report.unchanged += 1
        else:
            plan.to_update.append((found[0], result))
    report.created, report.updated = len(plan.to_create), len(plan.to_update)
    report.duplicates = _duplicates(results, report.line_word)
    return plan
