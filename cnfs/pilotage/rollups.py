"""The rollup engine: which tables sum what, how a batch of changes is applied, how they are rebuilt and checked.

Each `Spec` names a rollup table, its key (dimensions) and its sums (measures), with both the Python way to read
them from the plain dicts of `accompagnements_changed` and the SQL way to compute them from the raw records. The
same spec therefore drives the incremental upsert, the full rebuild (`INSERT … SELECT … GROUP BY`) and the proof
(`EXCEPT` both ways between the table and the `GROUP BY`), on SQLite (≥ 3.24) and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection

from cnfs.pilotage import models as m

COLLECTIF = "collectif"

AGE_FIELDS = ("age_moins_12", "age_12_18", "age_18_35", "age_35_60", "age_plus_60")
STATUT_FIELDS = (
    "statut_etudiant",
    "statut_sans_emploi",
    "statut_en_emploi",
    "statut_retraite",
    "statut_non_renseigne",
)


@dataclass(frozen=True)
class Column:
    name: str  # column of the rollup table
    sql: str  # expression over the raw tables (`a`: accompagnement, `t`: theme); `{mois}` is the month of a.date
    value: Callable[[dict, str | None], object]  # from a signal dict (and the theme, for theme tables)


@dataclass(frozen=True)
class Spec:
    model: type
    dims: tuple[Column, ...]
    measures: tuple[Column, ...]
    per_theme: bool = False

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def dim_names(self) -> list[str]:
        return [c.name for c in self.dims]

    @property
    def measure_names(self) -> list[str]:
        return [c.name for c in self.measures]


def _field(name: str, default=None) -> Column:
    if default is None:
        return Column(name, f"a.{name}", lambda d, _t, key=name: d[key])
    literal = "''" if default == "" else str(default)
    return Column(name, f"COALESCE(a.{name}, {literal})", lambda d, _t, key=name, dflt=default: d.get(key) or dflt)


def _sum(name: str, source: str) -> Column:
    return Column(name, f"SUM(a.{source})", lambda d, _t, key=source: d[key] or 0)


JOUR = Column("jour", "a.date", lambda d, _t: d["date"])
MOIS = Column("mois", "{mois}", lambda d, _t: d["date"].replace(day=1))
THEME = Column("theme", "t.theme", lambda _d, theme: theme)
CONSEILLER = _field("conseiller_id")
STRUCTURE = _field("structure_id", default=0)
LIEU = _field("lieu_id", default=0)
COMMUNE = Column("commune_code", "COALESCE(a.commune_code, '')", lambda d, _t: d.get("commune_id") or "")
DEPARTEMENT = _field("departement_code", default="")
TYPE = _field("type")
CANAL = _field("canal")
ORIENTATION = _field("orientation", default="")

ACCOMPAGNEMENTS = Column("accompagnements", "COUNT(*)", lambda _d, _t: 1)
ATELIERS = Column(
    "ateliers", f"SUM(CASE WHEN a.type = '{COLLECTIF}' THEN 1 ELSE 0 END)", lambda d, _t: int(d["type"] == COLLECTIF)
)
PARTICIPANTS = _sum("participants", "participants")
ALL_MEASURES = (
    ACCOMPAGNEMENTS,
    ATELIERS,
    PARTICIPANTS,
    _sum("recurrents", "participants_recurrents"),
    _sum("minutes", "duree_minutes"),
    *(_sum(name, name) for name in AGE_FIELDS),
    *(_sum(name, name) for name in STATUT_FIELDS),
)

SPECS: tuple[Spec, ...] = (
    Spec(
        m.RollupJour, (JOUR, CONSEILLER, STRUCTURE, LIEU, COMMUNE, DEPARTEMENT, TYPE, CANAL, ORIENTATION), ALL_MEASURES
    ),
    Spec(m.RollupThemeJour, (JOUR, CONSEILLER, STRUCTURE, DEPARTEMENT, THEME), ALL_MEASURES, per_theme=True),
    Spec(m.RollupMois, (MOIS, DEPARTEMENT, TYPE, CANAL), ALL_MEASURES),
    Spec(m.RollupOrientationMois, (MOIS, DEPARTEMENT, ORIENTATION), (ACCOMPAGNEMENTS, PARTICIPANTS)),
    Spec(m.RollupThemeMois, (MOIS, DEPARTEMENT, THEME), ALL_MEASURES, per_theme=True),
)
MEASURES = tuple(c.name for c in ALL_MEASURES)


# --- Applying a batch of changes -------------------------------------------------------------------------------
def deltas(spec: Spec, before: Iterable[dict], after: Iterable[dict]) -> dict[tuple, list[int]]:
    """Net change of each key of `spec`: `after` added, `before` subtracted; keys whose change is nil dropped."""
    result: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(spec.measures))
    for sign, rows in ((-1, before), (1, after)):
        for row in rows:
            for theme in row.get("themes") or () if spec.per_theme else (None,):
                key = tuple(c.value(row, theme) for c in spec.dims)
                sums = result[key]
                for i, column in enumerate(spec.measures):
                    sums[i] += sign * column.value(row, theme)
    return {key: sums for key, sums in result.items() if any(sums)}


def _adapt(value):
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


# Rows per INSERT statement: well below SQLite's limit of 32,766 bound parameters.
CHUNK = 500


def upsert(spec: Spec, changes: dict[tuple, list[int]]) -> None:
    """Add `changes` to the table of `spec`: one multi-row additive upsert per chunk of keys, then remove the rows
    that fell to zero (an edit or a deletion moved their last record away)."""
    if not changes:
        return
    table = connection.ops.quote_name(spec.table)
    dims, measures = spec.dim_names, spec.measure_names
    width = len(dims) + len(measures)
    placeholders = "(" + ", ".join(["%s"] * width) + ")"
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in measures)
    head = f"INSERT INTO {table} ({', '.join(dims + measures)}) VALUES "
    tail = f" ON CONFLICT ({', '.join(dims)}) DO UPDATE SET {updates}"
    # Sorted keys: two transactions touching the same keys lock them in the same order (no deadlock).
    items = sorted(changes.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), CHUNK):
            chunk = items[start : start + CHUNK]
            params = [_adapt(v) for key, sums in chunk for v in (*key, *sums)]
            cursor.execute(head + ", ".join([placeholders] * len(chunk)) + tail, params)
        emptied = [key for key, sums in items if sums[0] < 0]
        where = " AND ".join(f"{name} = %s" for name in dims)
        for key in emptied:
            cursor.execute(f"DELETE FROM {table} WHERE accompagnements <= 0 AND {where}", [_adapt(v) for v in key])


def apply_changes(before: list[dict], after: list[dict]) -> None:
    for spec in SPECS:
        upsert(spec, deltas(spec, before, after))


# --- Rebuild and proof from the raw records ------------------------------------------------------------------
def _raw_tables() -> tuple[str, str]:
    from cnfs.activite.models import Accompagnement, AccompagnementTheme

    return Accompagnement._meta.db_table, AccompagnementTheme._meta.db_table


def month_sql(expression: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {expression}) AS date)"
    return f"date({expression}, 'start of month')"


def group_by_sql(spec: Spec) -> str:
    """The rollup of `spec` computed from the raw records: one row per key, active (non archived) records only."""
    acc, theme = _raw_tables()
    mois = month_sql("a.date")
    dims = [c.sql.format(mois=mois) for c in spec.dims]
    measures = [c.sql for c in spec.measures]
    source = f"{connection.ops.quote_name(acc)} a"
    if spec.per_theme:
        source += f" JOIN {connection.ops.quote_name(theme)} t ON t.accompagnement_id = a.id"
    return f"SELECT {', '.join(dims + measures)} FROM {source} WHERE a.supprime_le IS NULL GROUP BY {', '.join(dims)}"


def rebuild(spec: Spec) -> int:
    """Empty the table of `spec` and fill it again from the raw records; returns its row count."""
    table = connection.ops.quote_name(spec.table)
    columns = ", ".join(spec.dim_names + spec.measure_names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table}")
        else:
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} ({columns}) {group_by_sql(spec)}")
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


@dataclass(frozen=True)
class Difference:
    spec: Spec
    only_in_rollup: int
    only_in_raw: int
    samples: list[str]

    @property
    def ok(self) -> bool:
        return not (self.only_in_rollup or self.only_in_raw)


def compare(spec: Spec, *, samples: int = 5) -> Difference:
    """Rows of the table that the `GROUP BY` does not give, and the reverse (zero rows count as absent)."""
    table = connection.ops.quote_name(spec.table)
    columns = ", ".join(spec.dim_names + spec.measure_names)
    stored = f"SELECT {columns} FROM {table} WHERE accompagnements <> 0"
    computed = group_by_sql(spec)
    found: dict[str, int] = {}
    lines: list[str] = []
    with connection.cursor() as cursor:
        for label, first, second in (("cumul", stored, computed), ("brut", computed, stored)):
            query = f"SELECT * FROM ({first} EXCEPT {second}) d"
            cursor.execute(f"SELECT COUNT(*) FROM ({query}) c")
            found[label] = cursor.fetchone()[0]
            if found[label]:
                cursor.execute(f"{query} LIMIT {int(samples)}")
                names = spec.dim_names + spec.measure_names
                for row in cursor.fetchall():
                    pairs = ", ".join(f"{n}={v}" for n, v in zip(names, row, strict=True))
                    where = "dans le cumul seulement" if label == "cumul" else "dans les données brutes seulement"
                    lines.append(f"{where} : {pairs}")
    return Difference(spec, found["cumul"], found["brut"], lines)
