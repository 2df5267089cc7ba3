"""Priority-zone flags of structures: QPV (quartier prioritaire de la politique de la ville) and ZRR / FRR.

Each row names either one structure by its SIRET, or a commune by its INSEE code:
- a SIRET row sets `qpv` and/or `zrr` of that structure;
- a commune row sets `zrr` of every structure of the commune (the ZRR / France Ruralités Revitalisation list is a
  list of communes: the official file's `CODGEO` column is read as the INSEE code). A QPV is a neighbourhood, not a
  whole commune: a commune row that sets `qpv` is rejected.
A SIRET row takes precedence over its commune's row (a warning says so). An empty flag leaves the value as it is.

Columns: `siret` and/or `code_insee` (or `codgeo`), `qpv`, `zrr` (or `frr`); flags read `oui`/`non`, `o`/`n`,
`1`/`0`, `vrai`/`faux`, `x` for yes.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnfs.recrutement.importers.common import ALL_OR_NOTHING, Column, ImportReport, read_table
from cnfs.recrutement.models import Structure
from cnfs.recrutement.validators import normalize_siret, siret_error
from cnfs.territoires.models import Commune

COLUMNS = (
    Column("siret", "siret", ("siret", "numero siret", "n° siret", "no siret"), required=False),
    Column(
        "code_insee",
        "code_insee",
        ("code insee", "code_insee", "codgeo", "code commune", "code insee commune", "insee com", "depcom"),
        required=False,
    ),
    Column("qpv", "qpv", ("qpv", "en qpv", "quartier prioritaire"), required=False),
    Column(
        "zrr",
        "zrr",
        ("zrr", "frr", "zrr/frr", "zrr frr", "zrr ou frr", "france ruralites revitalisation"),
        required=False,
    ),
)
YES = frozenset({"oui", "o", "1", "vrai", "true", "x", "yes"})
NO = frozenset({"non", "n", "0", "faux", "false", "no"})


def parse_flag(text: str, name: str) -> bool | None:
    """True, False, or None when the cell is empty (value left unchanged). ValueError (French) otherwise."""
    cell = text.strip().lower()
    if not cell:
        return None
    if cell in YES:
        return True
    if cell in NO:
        return False
    raise ValueError(f"valeur « {text} » illisible pour {name} (attendu : oui ou non)")


@dataclass
class ZonesPlan:
    report: ImportReport
    changes: list[tuple[int, dict]]  # (pk of the structure, {"qpv": bool, "zrr": bool})


def plan_zones(data: bytes, *, origin: str, mode: str = ALL_OR_NOTHING, dry_run: bool = False) -> ZonesPlan:
    """Read a zone file and decide, row by row, what would change. Writes nothing; raises `ImportFileError`."""
    table = read_table(data, COLUMNS, what="zones prioritaires", any_of=(("siret", "code_insee"), ("qpv", "zrr")))
    report = ImportReport(
        kind="zones prioritaires",
        noun="structure",
        origin=origin,
        mode=mode,
        dry_run=dry_run,
        encoding=table.encoding,
        delimiter=table.delimiter_name,
        rows=len(table.records) + len(table.errors),
    )
    for line, reason in table.errors:
        report.reject(line, "", reason)
    sirets = {normalize_siret(r.data["siret"]) for r in table.records if r.data["siret"]}
    codes = {r.data["code_insee"].strip().upper() for r in table.records if r.data["code_insee"]}
    communes = set(Commune.objects.filter(code__in=codes).values_list("code", flat=True))
    fields = ("pk", "siret", "qpv", "zrr", "commune__code")
    structures = {
        s.siret: s for s in Structure.objects.filter(siret__in=sirets).select_related("commune").only(*fields)
    }
    in_communes: dict[str, list[Structure]] = {}
    for s in Structure.objects.filter(commune__code__in=communes).select_related("commune").only(*fields):
        in_communes.setdefault(s.commune.code, []).append(s)
        structures.setdefault(s.siret, s)

    by_commune: dict[str, tuple[int, bool]] = {}  # code → (line, zrr)
    by_siret: dict[str, tuple[int, bool | None, bool | None]] = {}  # siret → (line, qpv, zrr)
    for record in table.records:
        siret = normalize_siret(record.data["siret"])
        code = record.data["code_insee"].strip().upper()
        errors = []
        flags = {}
        for name, label in (("qpv", "QPV"), ("zrr", "ZRR / FRR")):
            try:
                flags[name] = parse_flag(record.data[name], label)
            except ValueError as exc:
                errors.append(str(exc))
        if not errors and flags["qpv"] is None and flags["zrr"] is None:
            errors.append("aucune zone indiquée (colonnes « qpv » et « zrr » vides)")
        if siret:
            ident = siret
            if problem := siret_error(siret):
                errors.insert(
                    0, problem.rstrip(".").replace("Le numéro", "numéro").replace(" : vérifiez la saisie", "")
                )
            elif siret in by_siret:
                errors.insert(0, f"SIRET déjà présent ligne {by_siret[siret][0]} de ce fichier")
            elif siret not in structures:
                errors.insert(0, f"aucune structure avec le SIRET {siret}")
            elif code and structures[siret].commune.code != code:
                errors.append(
                    f"la structure n’est pas dans la commune {code} (commune {structures[siret].commune.code})"
                )
        elif code:
            ident = code
            if code in by_commune:
                errors.insert(0, f"code INSEE déjà présent ligne {by_commune[code][0]} de ce fichier")
            elif code not in communes:
                errors.insert(0, f"code INSEE {code} inconnu")
            if flags.get("qpv") is not None:
                errors.append(
                    "le QPV se déclare par SIRET : un quartier prioritaire ne couvre pas une commune entière"
                )
        else:
            ident = ""
            errors.insert(0, "ni SIRET ni code INSEE")
        if errors:
            report.reject(record.line, ident, *errors)
            continue
        if siret:
            by_siret[siret] = (record.line, flags["qpv"], flags["zrr"])
        else:
            by_commune[code] = (record.line, flags["zrr"])
            if not in_communes.get(code):
                report.warnings.append((record.line, f"aucune structure dans la commune {code}"))

    wanted: dict[int, dict] = {}
    current: dict[int, dict] = {}
    for code, (_, zrr) in by_commune.items():
        for s in in_communes.get(code, []):
            current[s.pk] = {"qpv": s.qpv, "zrr": s.zrr}
            wanted.setdefault(s.pk, dict(current[s.pk]))["zrr"] = zrr
    for siret, (line, qpv, zrr) in by_siret.items():
        s = structures[siret]
        current[s.pk] = {"qpv": s.qpv, "zrr": s.zrr}
        target = wanted.setdefault(s.pk, dict(current[s.pk]))
        if qpv is not None:
            target["qpv"] = qpv
        if zrr is not None:
            commune_row = by_commune.get(s.commune.code)
            if commune_row is not None and commune_row[1] != zrr:
                report.warnings.append(
                    (
                        line,
                        f"ZRR / FRR de la structure {siret} prise sur cette ligne plutôt que sur la ligne "
                        f"{commune_row[0]} de sa commune",
                    )
                )
            target["zrr"] = zrr
    plan = ZonesPlan(report, [])
    for pk, target in sorted(wanted.items()):
        if target == current[pk]:
            report.unchanged += 1
        else:
            plan.changes.append((pk, target))
    report.changed = len(plan.changes)
    report.rejected.sort(key=lambda r: r.line)
    return plan
