"""The rollup engine: which tables sum what, how a batch of changes is applied, how they are rebuilt and checked.

Each `Spec` names a rollup table, its key (dimensions) and its sums (measures). The same specs drive:
- the incremental upkeep: a batch of `accompagnements_changed` dicts is summed per key, then written with one
  additive upsert per table (`INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`): in NumPy on SQLite; on
  PostgreSQL the batch is COPY'd into a temporary table and the server sums it. A bulk import is applied once,
  after all its rows are written: the server reads them back by id into that table (`apply_inserted`). The
  server sums the batch once per table into a temporary delta table (each coarser delta from its finer parent's),
  then upserts each delta in the order of the table's unique key: one `INSERT … ON CONFLICT` per table whatever
  the size of the file;
- the rebuild: the daily table from the raw records (each record's topics as one set, `TOPIC_BITS`), each
  coarser table from the finer one it derives from (the topic tables count a daily row under each of its topics);
- the proof: every table against a `GROUP BY` of the raw records, `EXCEPT` both ways (SQLite ≥ 3.24 and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
from django.db import connection, models

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
MEASURES = ("accompagnements", "ateliers", "participants", "recurrents", "minutes", *AGE_FIELDS, *STATUT_FIELDS)
PAIR = ("accompagnements", "participants")

# Dimensions, in the order of the normalised tuple built once per record (`_normalise`).
DIMENSIONS = (
    "jour",
    "mois",
    "conseiller_id",
    "structure_id",
    "lieu_id",
    "commune_code",
    "departement_code",
    "type",
    "canal",
    "orientation",
    "themes",
)

# One bit per topic in `RollupJour.themes` (the set of topics of the records of a daily row). The positions are
# stored data: a new topic is appended, never inserted, and an order changed here needs `cnfs pilotage rebuild`.
TOPIC_BITS = (
    "equipement_informatique",
    "vocabulaire",
    "internet",
    "securite",
    "courriel",
    "echanger",
    "traitement_texte",
    "contenus_numeriques",
    "trouver_emploi",
    "tpe_pme",
    "accompagner_enfant",
    "demarche_en_ligne",
    "fraude_harcelement",
    "sante",
    "smartphone",
    "budget",
    "scolaire",
    "annonce",
    "logement",
    "donnees_personnelles",
    "diagnostic",
    "autre",
)
TOPIC_BIT = {code: 1 << position for position, code in enumerate(TOPIC_BITS)}


def topic_mask(themes: Sequence[str]) -> int:
    mask = 0
    for theme in themes:
        mask |= TOPIC_BIT[theme]
    return mask


def topics_of(mask: int) -> list[str]:
    return [code for code, bit in TOPIC_BIT.items() if mask & bit]


def _topic_bit_sql(column: str) -> str:
    """SQL: the bit of the topic in `column`."""
    cases = " ".join(f"WHEN '{code}' THEN {bit}" for code, bit in TOPIC_BIT.items())
    return f"CASE {column} {cases} ELSE 0 END"


def _topic_bits_table() -> str:
    """SQL: a derived table `b(theme, bit)` of every topic and its bit (plain SELECTs: SQLite names no VALUES)."""
    rows = " UNION ALL ".join(f"SELECT '{code}' AS theme, {bit} AS bit" for code, bit in TOPIC_BIT.items())
    return f"({rows}) b"


# SQL of each dimension over the raw record `a` (its topic `t`, its set of topics `tm.themes`); `{mois}` is the
# month of `a.date`.
RAW_DIMENSION_SQL = {
    "jour": "a.date",
    "mois": "{mois}",
    "conseiller_id": "a.conseiller_id",
    "structure_id": "COALESCE(a.structure_id, 0)",
    "lieu_id": "COALESCE(a.lieu_id, 0)",
    "commune_code": "COALESCE(a.commune_code, '')",
    "departement_code": "COALESCE(a.departement_code, '')",
    "type": "a.type",
    "canal": "a.canal",
    "orientation": "COALESCE(a.orientation, '')",
    "theme": "t.theme",
    "themes": "COALESCE(tm.themes, 0)",
}
RAW_MEASURE_SQL = {
    "accompagnements": "COUNT(*)",
    "ateliers": f"SUM(CASE WHEN a.type = '{COLLECTIF}' THEN 1 ELSE 0 END)",
    "participants": "SUM(a.participants)",
    "recurrents": "SUM(a.participants_recurrents)",
    "minutes": "SUM(a.duree_minutes)",
    **{name: f"SUM(a.{name})" for name in AGE_FIELDS + STATUT_FIELDS},
}


@dataclass(frozen=True)
class Spec:
    model: type
    dims: tuple[str, ...]
    measures: tuple[str, ...] = MEASURES
    parent: str | None = None  # model name of the finer table it is rebuilt from (None: the raw records)

    @property
    def per_theme(self) -> bool:
        return "theme" in self.dims

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def name(self) -> str:
        return self.model.__name__

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def key_order(self) -> str:
        """ORDER BY positions (in `dims`) of the columns of the table's unique key, in the key's own order: a batch
        upserted in that order walks the key's index from left to right instead of jumping around in it."""
        (key,) = (c for c in self.model._meta.constraints if isinstance(c, models.UniqueConstraint))
        return ", ".join(str(self.dims.index(name) + 1) for name in key.fields)


FINE = ("jour", "conseiller_id", "structure_id")
SPECS: tuple[Spec, ...] = (
    Spec(
        m.RollupJour, (*FINE, "lieu_id", "commune_code", "departement_code", "type", "canal", "orientation", "themes")
    ),
    Spec(m.RollupConseiller, ("conseiller_id", "structure_id", "departement_code"), PAIR, parent="RollupJour"),
    Spec(m.RollupMois, ("departement_code", "mois", "type", "canal"), parent="RollupJour"),
    Spec(m.RollupOrientationMois, ("departement_code", "mois", "orientation"), PAIR, parent="RollupJour"),
    Spec(m.RollupThemeMois, ("departement_code", "mois", "theme"), parent="RollupJour"),
    Spec(m.RollupDepartementMois, ("departement_code", "mois"), PAIR, parent="RollupMois"),
    Spec(m.RollupNational, ("mois", "type", "canal"), parent="RollupMois"),
    Spec(m.RollupOrientationNational, ("mois", "orientation"), PAIR, parent="RollupOrientationMois"),
    Spec(m.RollupThemeNational, ("mois", "theme"), parent="RollupThemeMois"),
)
SPECS_BY_NAME = {spec.name: spec for spec in SPECS}


# --- Applying a batch of changes -------------------------------------------------------------------------------
def _normalise(row: dict) -> tuple:
    day = row["date"]
    return (
        day,
        day.replace(day=1),
        row["conseiller_id"],
        row.get("structure_id") or 0,
        row.get("lieu_id") or 0,
        row.get("commune_id") or "",
        row.get("departement_code") or "",
        row["type"],
        row["canal"],
        row.get("orientation") or "",
        topic_mask(row.get("themes") or ()),
    )


def _measures(row: dict) -> tuple[int, ...]:
    return (
        1,
        int(row["type"] == COLLECTIF),
        row["participants"] or 0,
        row.get("participants_recurrents") or 0,
        row["duree_minutes"] or 0,
        *(row.get(name) or 0 for name in AGE_FIELDS),
        *(row.get(name) or 0 for name in STATUT_FIELDS),
    )


@dataclass
class Batch:
    """A batch of changes, normalised once for every table: keys, signed measures, topics."""

    keys: list[tuple]
    values: np.ndarray  # one row per record, the MEASURES, negative for `before`
    themes: list[Sequence[str]]

    @classmethod
    def of(cls, before: Sequence[dict], after: Sequence[dict]) -> Batch:
        rows = [*before, *after]
        values = np.array([_measures(row) for row in rows], dtype=np.int64).reshape(len(rows), len(MEASURES))
        values[: len(before)] *= -1
        return cls([_normalise(row) for row in rows], values, [row.get("themes") or () for row in rows])

    def deltas(self, spec: Spec) -> tuple[list[tuple], np.ndarray]:
        """Keys of `spec` touched by the batch and their net change (keys whose change is nil left out)."""
        base = [d for d in spec.dims if d != "theme"]
        get = itemgetter(*[DIMENSIONS.index(d) for d in base])
        position = spec.dims.index("theme") if spec.per_theme else None
        if position is None:
            keys = [get(k) for k in self.keys]
            rows = np.arange(len(self.keys))
        else:
            keys, rows_list = [], []
            for i, (k, themes) in enumerate(zip(self.keys, self.themes, strict=True)):
                head = get(k)
                head = head if isinstance(head, tuple) else (head,)
                for theme in themes:
                    keys.append((*head[:position], theme, *head[position:]))
                    rows_list.append(i)
            rows = np.array(rows_list, dtype=np.int64)
        if len(base) == 1 and position is None:
            keys = [(k,) for k in keys]
        index: dict[tuple, int] = {}
        groups = np.fromiter((index.setdefault(k, len(index)) for k in keys), dtype=np.int64, count=len(keys))
        columns = [MEASURES.index(name) for name in spec.measures]
        sums = np.zeros((len(index), len(columns)), dtype=np.int64)
        if len(keys):
            np.add.at(sums, groups, self.values[rows][:, columns])
        unique = list(index)
        keep = np.flatnonzero(sums.any(axis=1))
        return [unique[i] for i in keep], sums[keep]


def _adapt(value):
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


# Rows per INSERT … VALUES statement on SQLite: well below its limit of 32,766 bound parameters.
CHUNK = 500


def upsert(spec: Spec, keys: list[tuple], sums: np.ndarray) -> None:
    """Add the change of each key to the table of `spec`, then remove the rows that fell to zero (an edit or a
    deletion moved their last record away)."""
    if not keys:
        return
    quote = connection.ops.quote_name
    table = quote(spec.table)
    dims, measures = list(spec.dims), list(spec.measures)
    columns = ", ".join(dims + measures)
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in measures)
    conflict = f" ON CONFLICT ({', '.join(dims)}) DO UPDATE SET {updates}"
    # Sorted keys: two transactions touching the same keys lock them in the same order (no deadlock).
    order = sorted(range(len(keys)), key=keys.__getitem__)
    keys = [keys[i] for i in order]
    sums = sums[order]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            fields = [spec.model._meta.get_field(name) for name in dims + measures]
            arrays = [f"%s::{field.db_type(connection)}[]" for field in fields]
            params = [[key[i] for key in keys] for i in range(len(dims))] + [
                sums[:, j].tolist() for j in range(len(measures))
            ]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({', '.join(arrays)}){conflict}", params
            )
        else:
            placeholders = "(" + ", ".join(["%s"] * (len(dims) + len(measures))) + ")"
            for start in range(0, len(keys), CHUNK):
                chunk = range(start, min(len(keys), start + CHUNK))
                params = [_adapt(v) for i in chunk for v in (*keys[i], *sums[i].tolist())]
                values = ", ".join([placeholders] * len(chunk))
                cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}{conflict}", params)
        emptied = [key for key, row in zip(keys, sums, strict=True) if row[0] < 0]
        where = " AND ".join(f"{name} = %s" for name in dims)
        for key in emptied:
            cursor.execute(f"DELETE FROM {table} WHERE accompagnements <= 0 AND {where}", [_adapt(v) for v in key])


def apply_changes(before: Sequence[dict], after: Sequence[dict]) -> None:
    if not before and not after:
        return
    if connection.vendor == "postgresql":
        apply_changes_postgresql(before, after)
        return
    batch = Batch.of(before, after)
    for spec in SPECS:
        upsert(spec, *batch.deltas(spec))


# On PostgreSQL the batch goes to the server once, by COPY into two temporary tables shaped like the raw ones
# (with a sign: -1 for `before`), and the server sums it per table with the same GROUP BY as the rebuild.
LOT, LOT_THEMES = "pilotage_lot", "pilotage_lot_themes"
LOT_COLUMNS = (
    ("sign", "integer"),
    ("id", "bigint"),
    ("date", "date"),
    ("conseiller_id", "integer"),
    ("structure_id", "integer"),
    ("lieu_id", "integer"),
    ("commune_code", "varchar(5)"),
    ("departement_code", "varchar(3)"),
    ("type", "varchar(12)"),
    ("canal", "varchar(15)"),
    ("orientation", "varchar(20)"),
    ("duree_minutes", "integer"),
    ("participants", "integer"),
    ("participants_recurrents", "integer"),
    *((name, "integer") for name in AGE_FIELDS + STATUT_FIELDS),
)
LOT_MEASURE_SQL = {
    "accompagnements": "SUM(a.sign)",
    "ateliers": f"SUM(CASE WHEN a.type = '{COLLECTIF}' THEN a.sign ELSE 0 END)",
    "participants": "SUM(a.sign * a.participants)",
    "recurrents": "SUM(a.sign * a.participants_recurrents)",
    "minutes": "SUM(a.sign * a.duree_minutes)",
    **{name: f"SUM(a.sign * a.{name})" for name in AGE_FIELDS + STATUT_FIELDS},
}


def _lot_row(sign: int, i: int, row: dict) -> tuple:
    return (
        sign,
        i,
        row["date"],
        row["conseiller_id"],
        row.get("structure_id") or 0,
        row.get("lieu_id") or 0,
        row.get("commune_id") or "",
        row.get("departement_code") or "",
        row["type"],
        row["canal"],
        row.get("orientation") or "",
        row["duree_minutes"] or 0,
        row["participants"] or 0,
        row.get("participants_recurrents") or 0,
        *(row.get(name) or 0 for name in AGE_FIELDS + STATUT_FIELDS),
    )


def _create_lot(cursor) -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind in LOT_COLUMNS)
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {LOT} ({columns}) ON COMMIT DROP")
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {LOT_THEMES} (accompagnement_id bigint, theme varchar(25)) ON COMMIT DROP"
    )
    cursor.execute(f"TRUNCATE {LOT}, {LOT_THEMES}")


# The measures of a batch's delta tables. Integer is enough: a batch is at most one import file (200 MB, about two
# million records), whose largest sum, its minutes, stays under 2 × 120 × 10⁶ < 2³¹; a larger one would fail with
# PostgreSQL's "integer out of range" and write nothing (the import's transaction), never a wrong figure.
DELTA_TYPE = "integer"


def _delta_table(spec: Spec) -> str:
    return f"pilotage_delta_{spec.name.lower()}"


def _apply_lot(cursor, *, removals: bool) -> None:
    """Add the batch held in the temporary tables to every rollup table (one set-based upsert per table).

    The batch is summed once per table into a small temporary delta table, each from the delta of its finer parent
    (the daily deltas from the batch: the join of the records and their topics is done once), then upserted in key
    order: the big daily table is only touched by the upserts themselves.
    """
    quote = connection.ops.quote_name
    for spec in SPECS:
        table, delta = quote(spec.table), _delta_table(spec)
        dims, measures = list(spec.dims), list(spec.measures)
        columns = ", ".join(dims + measures)
        if spec.parent:
            select = derived_sql(spec, source=_delta_table(SPECS_BY_NAME[spec.parent]))
        else:
            select = group_by_sql(spec, source="lot")
        cursor.execute(f"DROP TABLE IF EXISTS {delta}")
        cursor.execute(f"CREATE TEMP TABLE {delta} ON COMMIT DROP AS {select}")
        updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in measures)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {delta} ORDER BY {spec.key_order} "
            f"ON CONFLICT ({', '.join(dims)}) DO UPDATE SET {updates}"
        )
        if removals:
            keys = ", ".join(dims)
            cursor.execute(
                f"DELETE FROM {table} WHERE accompagnements <= 0 AND ({keys}) IN (SELECT {keys} FROM {delta})"
            )


def apply_changes_postgresql(before: Sequence[dict], after: Sequence[dict]) -> None:
    with connection.cursor() as cursor:
        _create_lot(cursor)
        rows = [(-1, row) for row in before] + [(1, row) for row in after]
        with cursor.copy(f"COPY {LOT} ({', '.join(name for name, _ in LOT_COLUMNS)}) FROM STDIN") as copy:
            for i, (sign, row) in enumerate(rows):
                copy.write_row(_lot_row(sign, i, row))
        with cursor.copy(f"COPY {LOT_THEMES} (accompagnement_id, theme) FROM STDIN") as copy:
            for i, (_, row) in enumerate(rows):
                for theme in row.get("themes") or ():
                    copy.write_row((i, theme))
        _apply_lot(cursor, removals=bool(before))


# Columns of the batch table read from a raw record `a` (same order as `LOT_COLUMNS`, `sign` first).
LOT_FROM_RAW = {
    "sign": "1",
    "id": "a.id",
    "structure_id": "COALESCE(a.structure_id, 0)",
    "lieu_id": "COALESCE(a.lieu_id, 0)",
    "commune_code": "COALESCE(a.commune_code, '')",
    "departement_code": "COALESCE(a.departement_code, '')",
    "orientation": "COALESCE(a.orientation, '')",
}


# An import reserves its ids as one block of the sequence: its records are read back by a few ranges of ids (one
# index range scan each) rather than by an array of every id (one index descent per record).
MAX_RANGES = 50


def _ids_condition(column: str, ids: Sequence[int]) -> tuple[str, list]:
    """SQL condition (and its parameters) selecting the rows whose `column` is one of `ids`."""
    ordered = sorted(set(ids))
    ranges: list[list[int]] = []
    for value in ordered:
        if ranges and value == ranges[-1][1] + 1:
            ranges[-1][1] = value
        else:
            ranges.append([value, value])
            if len(ranges) > MAX_RANGES:
                return f"{column} = ANY(%s)", [ordered]
    condition = " OR ".join(f"{column} BETWEEN %s AND %s" for _ in ranges)
    return f"({condition})", [bound for pair in ranges for bound in pair]


def apply_inserted(ids: Sequence[int]) -> None:
    """Add records just inserted (a bulk import) to every rollup table, reading them back from the raw tables.

    PostgreSQL only: the server copies the new rows into the batch table with one `INSERT … SELECT` (nothing
    goes back and forth through Python), then sums them once per rollup table.
    """
    if not ids:
        return
    acc, theme = (connection.ops.quote_name(t) for t in _raw_tables())
    names = [name for name, _ in LOT_COLUMNS]
    select = ", ".join(LOT_FROM_RAW.get(name, f"a.{name}") for name in names)
    record_ids, record_params = _ids_condition("a.id", ids)
    topic_ids, topic_params = _ids_condition("t.accompagnement_id", ids)
    with connection.cursor() as cursor:
        _create_lot(cursor)
        cursor.execute(
            f"INSERT INTO {LOT} ({', '.join(names)}) SELECT {select} FROM {acc} a WHERE {record_ids}", record_params
        )
        cursor.execute(
            f"INSERT INTO {LOT_THEMES} (accompagnement_id, theme) SELECT t.accompagnement_id, t.theme FROM {theme} t "
            f"WHERE {topic_ids}",
            topic_params,
        )
        # Sorting and grouping a whole import's rows: in memory, not in temporary files. The batch tables have no
        # statistics: the planner overestimates their join by orders of magnitude and would JIT-compile every
        # statement (about 1.5 s each at 100,000 records) for well under a second of work.
        cursor.execute("SET LOCAL work_mem = '128MB'; SET LOCAL jit = off")
        _apply_lot(cursor, removals=False)


# --- Rebuild and proof ---------------------------------------------------------------------------------------------
def _raw_tables() -> tuple[str, str]:
    from cnfs.activite.models import Accompagnement, AccompagnementTheme

    return Accompagnement._meta.db_table, AccompagnementTheme._meta.db_table


def month_sql(expression: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {expression}) AS date)"
    return f"date({expression}, 'start of month')"


def group_by_sql(spec: Spec, *, source: str = "raw") -> str:
    """The rollup of `spec` computed from the raw records (active ones) or from the batch being applied (`lot`)."""
    quote = connection.ops.quote_name
    if source == "lot":
        acc, theme, measure_sql, where = LOT, LOT_THEMES, LOT_MEASURE_SQL, ""
    else:
        acc, theme = (quote(t) for t in _raw_tables())
        measure_sql, where = RAW_MEASURE_SQL, " WHERE a.supprime_le IS NULL"
    dims = [RAW_DIMENSION_SQL[d].format(mois=month_sql("a.date")) for d in spec.dims]
    columns = [f"{sql} AS {name}" for sql, name in zip(dims, spec.dims, strict=True)]
    # A batch's sums fit an integer (see `DELTA_TYPE`); the raw records' sums are left as SQL gives them.
    cast = "CAST({} AS integer)" if source == "lot" else "{}"
    columns += [f"{cast.format(measure_sql[name])} AS {name}" for name in spec.measures]
    tables = f"{acc} a"
    if spec.per_theme:
        tables += f" JOIN {theme} t ON t.accompagnement_id = a.id"
    if "themes" in spec.dims:  # each record's set of topics, summed from its topic rows (one row per topic)
        tables += (
            f" LEFT JOIN (SELECT t.accompagnement_id, SUM({_topic_bit_sql('t.theme')}) AS themes FROM {theme} t "
            "GROUP BY t.accompagnement_id) tm ON tm.accompagnement_id = a.id"
        )
    return f"SELECT {', '.join(columns)} FROM {tables}{where} GROUP BY {', '.join(dims)}"


def derived_sql(spec: Spec, *, source: str | None = None) -> str:
    """The rollup of `spec` summed from its finer parent table (same numbers, far fewer rows to read), or from
    `source`, a table shaped like the parent (the delta of a batch)."""
    parent = SPECS_BY_NAME[spec.parent]
    dims = [month_sql("jour") if d == "mois" and "jour" in parent.dims else d for d in spec.dims]
    # Per topic from a parent that holds sets of topics: each parent row counts once under each of its topics.
    expand = spec.per_theme and "themes" in parent.dims
    if expand:
        dims = ["b.theme" if d == "theme" else d for d in dims]
    columns = [f"{sql} AS {name}" for sql, name in zip(dims, spec.dims, strict=True)]
    # Not the numeric that PostgreSQL's SUM of a bigint gives: summing the parent again then adds machine integers.
    # A delta is summed from integer columns into integer columns (`DELTA_TYPE`): SUM(integer) accumulates in a
    # bigint, where SUM(bigint) accumulates in arbitrary-precision numbers, about four times slower (the monthly
    # topic delta of a 100,000-record import took 0.56 s of a 0.58 s statement).
    kind = DELTA_TYPE if source else "bigint"
    columns += [f"CAST(SUM({name}) AS {kind}) AS {name}" for name in spec.measures]
    table = source or connection.ops.quote_name(parent.table)
    if expand:
        table += f" d JOIN {_topic_bits_table()} ON (d.themes & b.bit) <> 0"
    return f"SELECT {', '.join(columns)} FROM {table} GROUP BY {', '.join(dims)}"


def rebuild(spec: Spec) -> int:
    """Empty the table of `spec` and fill it again (from the raw records or its parent); returns its row count.

    The rows are written in the order of the table's key: an advisor's daily rows then lie on a few neighbouring
    pages instead of one page each, which is what a structure's or a département's dashboard reads."""
    table = connection.ops.quote_name(spec.table)
    columns = ", ".join(spec.dims + spec.measures)
    select = derived_sql(spec) if spec.parent else group_by_sql(spec)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}" if connection.vendor == "postgresql" else f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} ({columns}) {select} ORDER BY {spec.key_order}")
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
    """Rows of the table that the `GROUP BY` on the raw records does not give, and the reverse."""
    table = connection.ops.quote_name(spec.table)
    names = list(spec.dims + spec.measures)
    stored = f"SELECT {', '.join(names)} FROM {table} WHERE accompagnements <> 0"
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
                where = "dans le cumul seulement" if label == "cumul" else "dans les données brutes seulement"
                for row in cursor.fetchall():
                    pairs = ", ".join(f"{n}={v}" for n, v in zip(names, row, strict=True))
                    lines.append(f"{where} : {pairs}")
    return Difference(spec, found["cumul"], found["brut"], lines)
