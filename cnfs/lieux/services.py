"""Writes of the places app: imports and edits, each in one transaction and written to the audit log."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cnfs.core.errors import DomainError
from cnfs.core.models import User
from cnfs.core.services import audit_log
from cnfs.lieux.fields import EDITABLE_FIELDS, IMPORTED_FIELDS
from cnfs.lieux.importers.plan import ALL_OR_NOTHING, MODES, ImportReport, plan_import
from cnfs.lieux.models import DERIVED_FIELDS, Lieu

BATCH = 500


@transaction.atomic
def lieux_import(
    *,
    data: bytes,
    origin: str,
    source: str | None = None,
    mode: str = ALL_OR_NOTHING,
    dry_run: bool = False,
    actor: User | None = None,
    request=None,
) -> ImportReport:
    """Import places from a CSV or JSON file of the national schema (v1.0.1 or v0.1.1), upserting by (source, id).

    All-or-nothing mode writes nothing when any row is rejected; valid-only mode writes the valid rows. A dry run
    reports without writing. Rows identical to their last import are left untouched, so a rerun changes nothing.
    Raises `ImportFileError` (a `DomainError`) when the file cannot be read at all.
    """
    if mode not in MODES:
        raise ValueError(mode)
    plan = plan_import(data, origin=origin, source=source, mode=mode, dry_run=dry_run)
    report = plan.report
    if dry_run or (mode == ALL_OR_NOTHING and report.rejected):
        return report
    now = timezone.now()
    created = []
    for row in plan.to_create:
        lieu = Lieu(source=row.source, source_id=row.source_id, import_fingerprint=row.fingerprint(), **row.values)
        lieu.sync_derived()
        created.append(lieu)
    Lieu.objects.bulk_create(created, batch_size=BATCH)
    if plan.to_update:
        by_pk = Lieu.objects.in_bulk([pk for pk, _ in plan.to_update])
        changed = []
        for pk, row in plan.to_update:
            lieu = by_pk[pk]
            for name, value in row.values.items():
                setattr(lieu, name, value)
            lieu.import_fingerprint = row.fingerprint()
            lieu.updated_at = now
            lieu.sync_derived()
            changed.append(lieu)
        fields = [*IMPORTED_FIELDS, *DERIVED_FIELDS, "import_fingerprint", "updated_at"]
        Lieu.objects.bulk_update(changed, fields, batch_size=BATCH)
    report.written = True
    if not (plan.to_create or plan.to_update):
        return report  # a rerun of the same file: nothing changed, nothing to record
    audit_log(
        actor=actor,
        action="lieux.import",
        after={
            "fichier": origin,
            "mode": mode,
            "source": source or "",
            "crees": report.created,
            "mis_a_jour": report.updated,
            "inchanges": report.unchanged,
            "rejetes": len(report.rejected),
            "identifiants_crees": [row.source_id for row in plan.to_create][:1000],
            "identifiants_mis_a_jour": [row.source_id for _, row in plan.to_update][:1000],
        },
        request=request,
    )
    return report


OWN_SOURCE = "cnfs"


def _snapshot(lieu: Lieu) -> dict:
    return {name: lieu.serializable_value(name) for name in (*EDITABLE_FIELDS, "structure_id")}


def _apply(lieu: Lieu, values: dict) -> None:
    for name in EDITABLE_FIELDS:
        if name in values:
            setattr(lieu, name, values[name])
    lieu.date_maj = timezone.localdate()
    try:
        lieu.full_clean(exclude=["commune"], validate_unique=True)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from None


@transaction.atomic
def lieu_create(*, actor: User, values: dict, structure_id: str = "", request=None) -> Lieu:
    """Create a place managed by `structure_id` (empty: by the national team). Audited."""
    lieu = Lieu(source=OWN_SOURCE, source_id=f"cnfs-{uuid.uuid4().hex[:12]}", structure_id=structure_id)
    _apply(lieu, values)
    lieu.save()
    audit_log(actor=actor, action="lieux.create", target=lieu, after=_snapshot(lieu), request=request)
    return lieu


@transaction.atomic
def lieu_update(*, actor: User, lieu: Lieu, values: dict, request=None) -> Lieu:
    """Change a place; the audit log keeps the fields that changed, before and after."""
    lieu = Lieu.objects.select_for_update().get(pk=lieu.pk)
    before = _snapshot(lieu)
    _apply(lieu, values)
    lieu.save()
    after = _snapshot(lieu)
    changed = sorted(name for name in after if after[name] != before[name])
    if changed:
        audit_log(
            actor=actor,
            action="lieux.update",
            target=lieu,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
            request=request,
        )
    return lieu


@transaction.atomic
def lieu_pass_numerique_set(*, actor: User | None, lieu: Lieu, accepte: bool, request=None) -> Lieu:
    """Show or hide the "pass numérique" label: the pass numérique app calls this when it qualifies a place or
    suspends it. Only this flag (and the label and tags derived from it) is written; audited when it changes."""
    lieu = Lieu.objects.select_for_update().get(pk=lieu.pk)
    if lieu.accepte_pass_numerique == accepte:
        return lieu
    lieu.accepte_pass_numerique = accepte
    lieu.save(update_fields=["accepte_pass_numerique", "updated_at"])
    audit_log(
        actor=actor,
        action="lieux.pass_numerique",
        target=lieu,
        before={"accepte_pass_numerique": not accepte},
        after={"accepte_pass_numerique": accepte},
        request=request,
    )
    return lieu
