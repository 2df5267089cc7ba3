"""The benches' schema: `migrate()` replays the migrations once per schema, then copies a migrated SQLite file.

    from benchdb import migrate      # after django.setup(); bench/ is on sys.path when a bench script runs
    migrate()                        # instead of call_command("migrate")

Replaying every migration costs tens of seconds of CPU (Django renders the model states again and again), and each
bench's smoke run starts from a new temporary SQLite file: CI ran that replay once per bench. The first bench to
migrate a new, empty SQLite database keeps a copy of the result in `var/bench-schema/`, named by a digest of every
migration file and the installed packages; the next ones copy it, then `migrate` runs as usual and finds nothing
left to apply (a migration added or changed since gives another digest, hence a new replay). A PostgreSQL
database, or an SQLite file that already has tables, is migrated normally.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from contextlib import closing
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "var" / "bench-schema"


def schema_digest() -> str:
    """Digest of the migration files Django would replay, and of the installed distributions' versions."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256()
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    for key in sorted(loader.disk_migrations):
        module = sys.modules[loader.disk_migrations[key].__module__]
        digest.update(repr(key).encode())
        digest.update(Path(module.__file__).read_bytes())
    versions = sorted(f"{dist.metadata['Name']}=={dist.version}" for dist in metadata.distributions())
    digest.update("\n".join(versions).encode())
    return digest.hexdigest()[:16]


def _empty_sqlite(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0


def _copy(source: Path, target: Path) -> None:
    """A consistent copy (SQLite's backup API: the WAL is folded in), written aside then renamed."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
        src.backup(dst)
    partial.replace(target)


def migrate(verbosity: int = 0) -> str:
    """Migrate the default database; returns how, in French: « migrations rejouées » or « schéma copié »."""
    from django.core.management import call_command
    from django.db import connection

    settings = connection.settings_dict
    path = Path(settings["NAME"]) if connection.vendor == "sqlite" else None
    if path is None or str(path).startswith(":memory:") or "mode=memory" in str(path) or not _empty_sqlite(path):
        call_command("migrate", verbosity=verbosity, interactive=False)
        return "migrations rejouées"
    template = CACHE / f"schema-{schema_digest()}.sqlite3"
    connection.close()
    if template.exists():
        path.unlink(missing_ok=True)
        _copy(template, path)
        call_command("migrate", verbosity=verbosity, interactive=False)  # nothing to apply: checks the copy
        return "schéma copié"
    call_command("migrate", verbosity=verbosity, interactive=False)
    connection.close()
    CACHE.mkdir(parents=True, exist_ok=True)
    for stale in CACHE.glob("schema-*.sqlite3"):
        stale.unlink(missing_ok=True)
    _copy(path, template)
    return "migrations rejouées"
