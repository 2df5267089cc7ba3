"""Imports that write: Pix results of candidates and priority-zone flags of structures.

Each one plans the whole file first (`cnfs.recrutement.importers`), then writes in one transaction: all rows or
none in all-or-nothing mode, the valid rows in valid-only mode, nothing in a dry run. Rows equal to what is
recorded are left untouched, so a rerun of the same file changes nothing and records nothing in the audit log.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cnfs.core.models import User
from cnfs.core.services import audit_log
from cnfs.recrutement import permissions
from cnfs.recrutement.importers.common import ALL_OR_NOTHING, MODES, ImportReport
from cnfs.recrutement.importers.pix import FIELDS as PIX_FIELDS
from cnfs.recrutement.importers.pix import plan_pix
from cnfs.recrutement.importers.zones import plan_zones
from cnfs.recrutement.models import Candidature, Structure
from cnfs.recrutement.services._common import forbid

BATCH = 500


def _apply(model, changes: list[tuple[int, dict]], fields: tuple[str, ...]) -> None:
    objects = model.objects.in_bulk([pk for pk, _ in changes])
    now = timezone.now()
    changed = []
    for pk, values in changes:
        obj = objects[pk]
        for name, value in values.items():
            setattr(obj, name, value)
        obj.updated_at = now
        changed.append(obj)
    model.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=BATCH)


def _run(plan, *, model, fields, action: str, actor, request, dry_run: bool, mode: str) -> ImportReport:
    if mode not in MODES:
        raise ValueError(mode)
    report = plan.report
    if dry_run or report.refused:
        return report
    with transaction.atomic():
        if plan.changes:
            _apply(model, plan.changes, fields)
            audit_log(
                actor=actor,
                action=action,
                after={
                    "fichier": report.origin,
                    "mode": mode,
                    "modifiees": report.changed,
                    "inchangees": report.unchanged,
                    "rejetees": [r.line for r in report.rejected],
                    "ids": [pk for pk, _ in plan.changes][:1000],
                },
                request=request,
            )
    report.written = True
    return report


def _check_actor(actor) -> None:
    # Commands run without an account (actor None); a person must be the national team.
    if actor is not None and not permissions.can_run_comite(actor):
        forbid("Les imports de fichiers du recrutement sont réservés à l’équipe nationale.")


def pix_import(
    *,
    data: bytes,
    origin: str,
    mode: str = ALL_OR_NOTHING,
    dry_run: bool = False,
    actor: User | None = None,
    request=None,
) -> ImportReport:
    """Record candidates' Pix results (level 1–3 and the three competences) from a Pix Orga campaign export.

    Raises `ImportFileError` (a `DomainError`) when the file cannot be read at all.
    """
    _check_actor(actor)
    plan = plan_pix(data, origin=origin, mode=mode, dry_run=dry_run)
    return _run(
        plan,
        model=Candidature,
        fields=PIX_FIELDS,
        action="recrutement.import_pix",
        actor=actor,
        request=request,
        dry_run=dry_run,
        mode=mode,
    )


def zones_import(
    *,
    data: bytes,
    origin: str,
    mode: str = ALL_OR_NOTHING,
    dry_run: bool = False,
    actor: User | None = None,
    request=None,
) -> ImportReport:
    """Set the QPV and ZRR / FRR flags of structures, by SIRET or by commune (INSEE code) for ZRR / FRR."""
    _check_actor(actor)
    plan = plan_zones(data, origin=origin, mode=mode, dry_run=dry_run)
    return _run(
        plan,
        model=Structure,
        fields=("qpv", "zrr"),
        action="recrutement.import_zones",
        actor=actor,
        request=request,
        dry_run=dry_run,
        mode=mode,
    )
