"""Loading of the territories reference data into the database (`cnfs territoires load`)."""

import json
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, models, transaction

from cnfs.territoires.models import Commune, CommuneSearchKey, Departement, Epci, Hub, Region
from cnfs.territoires.normalize import name_keys, normalize_name
from cnfs.territoires.sources import Progress, SourceError, TerritoiresData, read_source

BATCH_SIZE = 2000


@dataclass
class SyncReport:
    """What one table went through: rows created, updated, left as they were, and the table's size after."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    total: int = 0


@dataclass
class LoadReport:
    regions: SyncReport = field(default_factory=SyncReport)
    departements: SyncReport = field(default_factory=SyncReport)
    epcis: SyncReport = field(default_factory=SyncReport)
    communes: SyncReport = field(default_factory=SyncReport)
    search_keys: SyncReport = field(default_factory=SyncReport)
    hubs: SyncReport = field(default_factory=SyncReport)
    source_communes: int = 0
    communes_with_point: int = 0
    population: int = 0
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        tables = (self.regions, self.departements, self.epcis, self.communes, self.search_keys, self.hubs)
        return any(t.created or t.updated or t.deleted for t in tables)


def territoires_load(
    *,
    source: Path | str | None = None,
    departements: Collection[str] | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Loads régions, départements, EPCI, communes, their search keys and the hubs, in one transaction.

    Idempotent: rows are matched by code (slug for hubs) and written only when they differ, so a second run
    writes nothing. The whole source is read and validated first; a bad file raises `SourceError` (a DomainError
    with a French message) before anything is written. `departements` restricts the communes (and their EPCI) to
    a subset; régions, départements and hubs are always loaded whole.
    """
    started = time.perf_counter()
    data = read_source(source, departements=departements, progress=progress)
    report = _write(data, progress or (lambda label, done, total: None))
    report.files = list(data.files)
    report.source_communes = len(data.communes)
    report.communes_with_point = sum(1 for row in data.communes if row.latitude is not None)
    report.population = sum(row.population for row in data.communes)
    report.seconds = time.perf_counter() - started
    return report


@transaction.atomic
def _write(data: TerritoiresData, progress: Progress) -> LoadReport:
    report = LoadReport()
    region_ids = _sync(Region, {r.code: {"nom": r.nom} for r in data.regions}, report.regions, progress, "Régions")
    departement_region = {d.code: region_ids[d.region] for d in data.departements}
    departement_ids = _sync(
        Departement,
        {d.code: {"nom": d.nom, "region_id": departement_region[d.code]} for d in data.departements},
        report.departements,
        progress,
        "Départements",
    )
    epci_ids = _sync(
        Epci, {e.code: {"nom": e.nom, "type": e.type} for e in data.epcis}, report.epcis, progress, "EPCI"
    )
    communes = {}
    for row in data.communes:
        communes[row.code] = {
            "nom": row.nom,
            "search_name": normalize_name(row.nom)[:150],
            "departement_id": departement_ids[row.departement],
            "region_id": departement_region[row.departement],
            "epci_id": epci_ids[row.epci] if row.epci else None,
            "population": row.population,
            "latitude": row.latitude,
            "longitude": row.longitude,
            "codes_postaux": list(row.codes_postaux),
            "codes_postaux_text": " ".join(row.codes_postaux)[:255],
        }
    commune_ids = _sync(Commune, communes, report.communes, progress, "Communes")
    _sync_search_keys(communes, commune_ids, report.search_keys, progress)
    _sync_hubs(data, departement_ids, report.hubs, progress)
    return report


def _sync(
    model: type[models.Model], rows: dict[str, dict], report: SyncReport, progress: Progress, label: str
) -> dict[str, int]:
    """Creates or updates `model` rows keyed by `code` so that they hold `rows`; returns every code's id."""
    fields = list(next(iter(rows.values())).keys()) if rows else []
    existing = {values[1]: values for values in model.objects.values_list("pk", "code", *fields).order_by()}
    to_create, to_update = [], []
    for code, values in rows.items():
        current = existing.get(code)
        if current is None:
            to_create.append({"code": code, **values})
        elif list(current[2:]) != list(values.values()):
            to_update.append(model(pk=current[0], code=code, **values))
        else:
            report.unchanged += 1
    total = len(to_create) + len(to_update)
    progress(label, 0, total)
    done = 0
    for start in range(0, len(to_create), BATCH_SIZE):
        batch = to_create[start : start + BATCH_SIZE]
        _insert(model, batch)
        done += len(batch)
        progress(label, done, total)
    for start in range(0, len(to_update), BATCH_SIZE):
        batch = to_update[start : start + BATCH_SIZE]
        model.objects.bulk_update(batch, fields, batch_size=500)
        done += len(batch)
        progress(label, done, total)
    report.created, report.updated = len(to_create), len(to_update)
    report.total = model.objects.count()
    if to_create:
        # bulk_create does not return ids on every backend: read them back.
        return dict(model.objects.values_list("code", "pk").order_by())
    return {code: values[0] for code, values in existing.items()}


def _sync_search_keys(communes: dict[str, dict], commune_ids: dict[str, int], report: SyncReport, progress: Progress):
    """Prefix keys of each loaded commune: its postcodes and the inner words of its name (see CommuneSearchKey)."""
    wanted = set()
    for code, values in communes.items():
        commune_id = commune_ids[code]
        for key in {*values["codes_postaux"], *name_keys(values["search_name"])}:
            wanted.add((key[:150], commune_id))
    loaded_ids = {commune_ids[code] for code in communes}
    existing = {}
    for pk, key, commune_id in CommuneSearchKey.objects.values_list("pk", "key", "commune_id").order_by():
        if commune_id in loaded_ids:
            existing[(key, commune_id)] = pk
    stale = [pk for pair, pk in existing.items() if pair not in wanted]
    missing = [{"key": key, "commune_id": commune_id} for key, commune_id in sorted(wanted - existing.keys())]
    total = len(stale) + len(missing)
    progress("Clés de recherche", 0, total)
    for start in range(0, len(stale), 500):
        CommuneSearchKey.objects.filter(pk__in=stale[start : start + 500]).delete()
    done = len(stale)
    for start in range(0, len(missing), BATCH_SIZE):
        _insert(CommuneSearchKey, missing[start : start + BATCH_SIZE])
        done += len(missing[start : start + BATCH_SIZE])
        progress("Clés de recherche", done, total)
    report.created, report.deleted = len(missing), len(stale)
    report.unchanged = len(wanted) - len(missing)
    report.total = CommuneSearchKey.objects.count()


def _sync_hubs(data: TerritoiresData, departement_ids: dict[str, int], report: SyncReport, progress: Progress):
    """Hubs matched by slug; their name and their set of départements made equal to the source's."""
    progress("Hubs", 0, len(data.hubs))
    existing = {hub.slug: hub for hub in Hub.objects.all()}
    through = Hub.departements.through
    pairs = set(through.objects.values_list("hub_id", "departement_id"))
    slug_of_name = {hub.nom: hub.slug for hub in existing.values()}
    for done, row in enumerate(data.hubs, start=1):
        hub = existing.get(row.slug)
        if slug_of_name.get(row.nom, row.slug) != row.slug:
            raise SourceError(
                f"Le hub « {row.nom} » existe déjà en base sous l'identifiant « {slug_of_name[row.nom]} » "
                f"(la source l'appelle « {row.slug} ») : renommez l'un des deux."
            )
        wanted = {departement_ids[code] for code in row.departements}
        if hub is None:
            hub = Hub.objects.create(slug=row.slug, nom=row.nom)
            hub.departements.set(wanted)
            report.created += 1
        else:
            current = {departement_id for hub_id, departement_id in pairs if hub_id == hub.pk}
            if hub.nom != row.nom or current != wanted:
                if hub.nom != row.nom:
                    hub.nom = row.nom
                    hub.save(update_fields=["nom"])
                if current != wanted:
                    hub.departements.set(wanted)
                report.updated += 1
            else:
                report.unchanged += 1
        progress("Hubs", done, len(data.hubs))
    report.total = Hub.objects.count()


def _insert(model: type[models.Model], rows: list[dict]) -> None:
    """Inserts `rows` (dicts of field attnames) without building model instances.

    bulk_create spent three quarters of a full load instantiating and preparing 90,000 objects. SQLite runs
    executemany of a standard INSERT in C; PostgreSQL gets the same rows through COPY, its bulk path (many-row
    INSERTs were slower there than the whole SQLite load).
    """
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in rows[0]]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    json_columns = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    params = []
    for row in rows:
        values = list(row.values())
        for i in json_columns:
            values[i] = json.dumps(values[i], ensure_ascii=False)
        params.append(values)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in params:
                    copy.write_row(values)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", params)
