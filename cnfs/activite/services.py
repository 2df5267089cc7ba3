"""Writes of the activite app: activity records (CRA) and beneficiaries. One transaction each.

Every write of records sends `signals.accompagnements_changed` inside its transaction (see `signals.py`), so that
the rollups that receivers maintain commit or roll back with the records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from operator import itemgetter
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from cnfs.activite import permissions
from cnfs.activite.imports import ALL_OR_NOTHING, MODES, CopyStream, ImportReport, bulk_insert
from cnfs.activite.models import Accompagnement, AccompagnementTheme, Beneficiaire
from cnfs.activite.signals import ROLLUP_FIELDS, accompagnements_changed, rollup_dict
from cnfs.activite.validation import Referentiel, clean_accompagnement
from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.models import User
from cnfs.core.services import audit_log
from cnfs.recrutement.enums import EtapeConseiller
from cnfs.recrutement.models import Candidature

CONSENTEMENT_VERSION = "2026-01"
RETENTION_MONTHS = 24
IMPORT_BATCH = 5000


def _send(before: list[dict], after: list[dict]) -> None:
    accompagnements_changed.send(sender=Accompagnement, before=before, after=after)


def _check_recorder(actor: User | None, conseiller: User) -> None:
    if not permissions.can_record_for(actor, conseiller):
        raise DomainError("Vous ne pouvez saisir que votre propre activité.", code="interdit")
    if actor is None or actor.pk != conseiller.pk:
        if not permissions.is_advisor(conseiller):
            raise DomainError("Ce compte n’est pas celui d’un conseiller numérique.", code="interdit")
    _check_en_poste(conseiller)


# Stages of the programme's advisors who may not record activity yet (the training readiness gate decides them).
NOT_YET_IN_THE_FIELD = (EtapeConseiller.CANDIDAT, EtapeConseiller.RECRUTE, EtapeConseiller.EN_FORMATION)


def _check_en_poste(conseiller: User) -> None:
    """An advisor recruited through the programme records activity once "en poste" (`formation`'s readiness gate:
    initial training started and contract begun). Accounts without an application (other schemes) are not gated."""
    etape = Candidature.objects.filter(user=conseiller).values_list("etape", flat=True).first()
    if etape in NOT_YET_IN_THE_FIELD:
        raise DomainError(
            "La saisie d’activité s’ouvre à la prise de poste : quand la formation initiale a commencé et que le "
            f"contrat a débuté (étape actuelle : {EtapeConseiller(etape).label}).",
            code="pas_en_poste",
        )


def _referentiel(conseiller: User, data: Mapping[str, Any], today: dt.date | None) -> Referentiel:
    commune = data.get("commune_id")
    beneficiaire = data.get("beneficiaire_id")
    return Referentiel.load(
        conseiller_ids=[conseiller.pk],
        commune_codes=[str(commune).strip()] if commune else [],
        beneficiaire_ids=[int(beneficiaire)] if beneficiaire not in (None, "") and str(beneficiaire).isdigit() else [],
        today=today or timezone.localdate(),
    )


def _touch_beneficiaires(ids_dates: Iterable[tuple[int, dt.date]]) -> None:
    latest: dict[int, dt.date] = {}
    for pk, date in ids_dates:
        if pk is not None and (pk not in latest or date > latest[pk]):
            latest[pk] = date
    for pk, date in latest.items():
        Beneficiaire.objects.filter(pk=pk).exclude(derniere_activite__gte=date).update(derniere_activite=date)


def _audit_state(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}


@transaction.atomic
def accompagnement_create(
    *,
    actor: User | None,
    data: Mapping[str, Any],
    conseiller: User | None = None,
    today: dt.date | None = None,
) -> Accompagnement:
    """Record one activity of `conseiller` (the actor by default). `data` holds the field values, `themes` (codes),
    `lieu_id` and/or `commune_id` (INSEE code), optionally `beneficiaire_id` and `atelier_id`.

    Raises `AccompagnementInvalide` (a `DomainError` listing every problem) and writes nothing on bad input.
    """
    conseiller = conseiller or actor
    if conseiller is None:
        raise DomainError("Indiquez le conseiller de cet accompagnement.")
    _check_recorder(actor, conseiller)
    values = clean_accompagnement(data, conseiller_id=conseiller.pk, ref=_referentiel(conseiller, data, today))
    themes = values.pop("themes")
    accompagnement = Accompagnement.objects.create(**values)
    AccompagnementTheme.objects.bulk_create(
        AccompagnementTheme(accompagnement=accompagnement, theme=theme) for theme in themes
    )
    _touch_beneficiaires([(accompagnement.beneficiaire_id, accompagnement.date)])
    _send([], [rollup_dict(accompagnement, themes)])
    return accompagnement


def _locked(accompagnement: Accompagnement) -> tuple[Accompagnement, list[str]]:
    current = Accompagnement.objects.select_for_update().get(pk=accompagnement.pk)
    return current, sorted(current.themes.values_list("theme", flat=True))


@transaction.atomic
def accompagnement_update(
    *,
    actor: User,
    accompagnement: Accompagnement,
    data: Mapping[str, Any],
    today: dt.date | None = None,
    request=None,
) -> Accompagnement:
    """Change a live record of the actor. Same validation as the creation; the old and new states are signalled
    and written to the audit log."""
    current, old_themes = _locked(accompagnement)
    if not permissions.can_edit_accompagnement(actor, current):
        raise DomainError("Seul le conseiller qui a saisi ce compte rendu peut le modifier.", code="interdit")
    if current.supprime_le is not None:
        raise DomainError("Ce compte rendu a été supprimé : il ne peut plus être modifié.")
    conseiller = current.conseiller
    merged = {"atelier_id": current.atelier_id, **data}
    values = clean_accompagnement(merged, conseiller_id=conseiller.pk, ref=_referentiel(conseiller, merged, today))
    themes = values.pop("themes")
    before = rollup_dict(current, old_themes)
    for name, value in values.items():
        setattr(current, name, value)
    current.save()
    if sorted(themes) != old_themes:
        current.themes.all().delete()
        AccompagnementTheme.objects.bulk_create(AccompagnementTheme(accompagnement=current, theme=t) for t in themes)
    _touch_beneficiaires([(current.beneficiaire_id, current.date)])
    after = rollup_dict(current, themes)
    _send([before], [after])
    changed_before = {k: v for k, v in before.items() if after.get(k) != v}
    changed_after = {k: after[k] for k in changed_before}
    audit_log(
        actor=actor,
        action="accompagnement.update",
        target=current,
        before=_audit_state(changed_before),
        after=_audit_state(changed_after),
        request=request,
    )
    accompagnement.__dict__.update(current.__dict__)
    return current


@transaction.atomic
def accompagnement_delete(*, actor: User, accompagnement: Accompagnement, request=None) -> Accompagnement:
    """Archive a record (`supprime_le`): kept for the audit trail, left out of every figure from now on."""
    current, themes = _locked(accompagnement)
    if not permissions.can_edit_accompagnement(actor, current):
        raise DomainError("Seul le conseiller qui a saisi ce compte rendu peut le supprimer.", code="interdit")
    if current.supprime_le is not None:
        raise DomainError("Ce compte rendu est déjà supprimé.")
    current.supprime_le = timezone.now()
    current.save(update_fields=["supprime_le", "updated_at"])
    _send([rollup_dict(current, themes)], [])
    audit_log(actor=actor, action="accompagnement.delete", target=current, request=request)
    accompagnement.supprime_le = current.supprime_le
    return current


def _conseillers_by_email(emails: Iterable[str]) -> dict[str, User]:
    wanted = sorted({e.strip().lower() for e in emails if e and e.strip()})
    found: dict[str, User] = {}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        users = User.objects.filter(
            email__in=chunk, role_assignments__role__in=[Role.CONSEILLER, Role.COORDINATEUR]
        ).distinct()
        found.update((u.email.lower(), u) for u in users)
    return found


@transaction.atomic
def accompagnements_import(
    *,
    rows: Iterable[Mapping[str, Any]],
    actor: User | None = None,
    conseiller: User | None = None,
    mode: str = ALL_OR_NOTHING,
    dry_run: bool = False,
    today: dt.date | None = None,
    batch_size: int = IMPORT_BATCH,
    first_line: int = 2,
) -> ImportReport:
    """Import activity records: validate every row in Python, then insert in batches (COPY on PostgreSQL,
    `bulk_create` elsewhere), then send one `accompagnements_changed` signal for the whole import.

    Rows name their advisor in a `conseiller` column (e-mail) unless `conseiller` is given. All-or-nothing mode
    writes nothing when a row is rejected; valid-only mode writes the valid rows; a dry run writes nothing. Each
    rejected row is reported with its line number (the header being line 1) and its French reasons.
    """
    if mode not in MODES:
        raise ValueError(mode)
    if conseiller is not None:
        _check_recorder(actor, conseiller)
    elif actor is not None and not permissions.is_national(actor):
        raise DomainError("L’import pour plusieurs conseillers est réservé à l’équipe nationale.", code="interdit")
    rows = list(rows)
    report = ImportReport(total=len(rows), mode=mode, dry_run=dry_run)
    if conseiller is not None:
        owners: list[User | None] = [conseiller] * len(rows)
    else:
        by_email = _conseillers_by_email(str(r.get("conseiller") or "") for r in rows)
        owners = [by_email.get(str(r.get("conseiller") or "").strip().lower()) for r in rows]
    ref = Referentiel.load(
        conseiller_ids={u.pk for u in owners if u is not None},
        commune_codes={str(r.get("commune_id") or "").strip() for r in rows},
        beneficiaire_ids={int(b) for r in rows if str(b := r.get("beneficiaire_id") or "").strip().isdigit()},
        today=today or timezone.localdate(),
    )
    from cnfs.activite.validation import AccompagnementInvalide

    valid: list[dict[str, Any]] = []
    # PostgreSQL: batches stream to the server while the next rows are validated (see `imports.CopyStream`); a
    # refusal found later in all-or-nothing mode rolls the streamed rows back with the savepoint below.
    streaming = connection.vendor == "postgresql" and not dry_run and bool(rows)
    sent = 0
    with transaction.atomic():
        with CopyStream(connection, len(rows)) if streaming else nullcontext() as stream:
            for index, (row, owner) in enumerate(zip(rows, owners, strict=True)):
                line = first_line + index
                if owner is None:
                    who = str(row.get("conseiller") or "").strip()
                    reason = (
                        f"aucun conseiller numérique n’a l’adresse « {who} »." if who else "conseiller non indiqué."
                    )
                    report.reject(line, reason.capitalize() if not who else f"Conseiller inconnu : {reason}")
                    continue
                try:
                    valid.append(clean_accompagnement(row, conseiller_id=owner.pk, ref=ref))
                except AccompagnementInvalide as error:
                    report.reject(line, " ".join(message for _, message in error.errors))
                    continue
                if (
                    stream is not None
                    and len(valid) - sent >= batch_size
                    and (mode != ALL_OR_NOTHING or not report.rejected)
                ):
                    stream.write(valid[sent:])
                    sent = len(valid)
            keep = bool(valid) and not dry_run and not (mode == ALL_OR_NOTHING and report.rejected)
            if stream is not None and keep and sent < len(valid):
                stream.write(valid[sent:])
        report.valid = len(valid)
        if not keep:
            if stream is not None and stream.written:
                transaction.set_rollback(True)  # rows streamed before the refusal was found
            return report
        if stream is not None:
            ids = stream.written
        else:
            ids = []
            for start in range(0, len(valid), batch_size):
                ids.extend(bulk_insert(valid[start : start + batch_size], connection))
    # One signal for the whole import, once every row is written: receivers that can read the new rows back
    # (the PostgreSQL rollups) use `inserted`; the rollup dicts of `after` are only built when iterated.
    accompagnements_changed.send(sender=Accompagnement, before=[], after=_RollupRows(valid), inserted=ids)
    _touch_beneficiaires((v["beneficiaire_id"], v["date"]) for v in valid if v["beneficiaire_id"] is not None)
    report.created = len(valid)
    report.written = True
    return report


_rollup_get = itemgetter(*ROLLUP_FIELDS)


def _rollup_of_values(values: dict[str, Any]) -> dict[str, Any]:
    row = dict(zip(ROLLUP_FIELDS, _rollup_get(values), strict=True))
    row["themes"] = sorted(values["themes"])
    return row


class _RollupRows(Sequence):
    """The rollup dicts of imported rows, built one by one when a receiver reads them."""

    def __init__(self, valid: list[dict[str, Any]]):
        self._valid = valid

    def __len__(self) -> int:
        return len(self._valid)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_rollup_of_values(v) for v in self._valid[index]]
        return _rollup_of_values(self._valid[index])


# --- Beneficiaries ----------------------------------------------------------------------------------------------


def _beneficiaire_state(b: Beneficiaire) -> dict[str, Any]:
    return {
        "nominatif": b.est_nominatif,
        "consentement_le": b.consentement_le.isoformat() if b.consentement_le else None,
        "consentement_version": b.consentement_version,
        "accompagnements": b.accompagnements.count() if b.pk else 0,
    }


@transaction.atomic
def beneficiaire_create(
    *,
    actor: User,
    prenom: str = "",
    nom: str = "",
    email: str = "",
    telephone: str = "",
    commune_code: str | None = None,
    consentement: bool = False,
    consentement_version: str = CONSENTEMENT_VERSION,
    request=None,
) -> Beneficiaire:
    """Open a follow-up of a person by the actor. A name or a contact needs the person's recorded consent (its date
    and the version of the text they accepted); without one, only an anonymous follow-up is created."""
    if not permissions.is_advisor(actor):
        raise DomainError("Seuls les conseillers numériques suivent des bénéficiaires.", code="interdit")
    identity = {"prenom": prenom.strip(), "nom": nom.strip(), "email": email.strip(), "telephone": telephone.strip()}
    nominatif = any(identity.values())
    if nominatif and not consentement:
        raise DomainError(
            "Un suivi nominatif exige le consentement de la personne : cochez la case après le lui avoir lu.",
            field="consentement",
        )
    if commune_code and not Beneficiaire._meta.get_field("commune").related_model.objects.filter(code=commune_code):
        raise DomainError(f"Le code INSEE « {commune_code} » ne correspond à aucune commune.", field="commune_code")
    beneficiaire = Beneficiaire.objects.create(
        conseiller=actor,
        commune_id=commune_code or None,
        consentement_le=timezone.now() if nominatif else None,
        consentement_version=consentement_version if nominatif else "",
        **identity,
    )
    audit_log(
        actor=actor,
        action="beneficiaire.create",
        target=beneficiaire,
        after=_beneficiaire_state(beneficiaire),
        request=request,
    )
    return beneficiaire


def _anonymise(b: Beneficiaire, now: dt.datetime) -> None:
    b.prenom = b.nom = b.email = b.telephone = ""
    b.commune_id = None
    b.anonymise_le = now


@transaction.atomic
def beneficiaires_merge(*, actor: User, keep: Beneficiaire, duplicate: Beneficiaire, request=None) -> Beneficiaire:
    """Merge two follow-ups of the same advisor that are one person: `duplicate`'s records point to `keep`, blank
    fields of `keep` are completed from `duplicate`, which is then deleted. Audited."""
    if keep.pk == duplicate.pk:
        raise DomainError("Choisissez deux bénéficiaires différents.")
    locked = {b.pk: b for b in Beneficiaire.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])}
    if len(locked) != 2:
        raise DomainError("Ce bénéficiaire n’existe plus.")
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    if keep.conseiller_id != duplicate.conseiller_id:
        raise DomainError("Seuls deux bénéficiaires suivis par le même conseiller peuvent être fusionnés.")
    if actor.pk != keep.conseiller_id or not permissions.is_advisor(actor):
        raise DomainError("Seul le conseiller qui suit ces bénéficiaires peut les fusionner.", code="interdit")
    before = {
        "conserve": _beneficiaire_state(keep),
        "fusionne": {"id": duplicate.pk, **_beneficiaire_state(duplicate)},
    }
    moved = Accompagnement.objects.filter(beneficiaire=duplicate).update(beneficiaire=keep)
    if keep.anonymise_le is None and duplicate.anonymise_le is None:
        for name in ("prenom", "nom", "email", "telephone", "commune_id"):
            if not getattr(keep, name) and getattr(duplicate, name):
                setattr(keep, name, getattr(duplicate, name))
        if keep.est_nominatif and keep.consentement_le is None:
            keep.consentement_le = duplicate.consentement_le
            keep.consentement_version = duplicate.consentement_version
    dates = [d for d in (keep.derniere_activite, duplicate.derniere_activite) if d]
    keep.derniere_activite = max(dates) if dates else None
    duplicate_pk = duplicate.pk
    duplicate.delete()
    keep.save()
    audit_log(
        actor=actor,
        action="beneficiaire.merge",
        target=keep,
        before=before,
        after={"conserve": _beneficiaire_state(keep), "fusionne_id": duplicate_pk, "accompagnements_deplaces": moved},
        request=request,
    )
    return keep


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the last day of the month when it does not exist, 29 February…)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in range(day.day, 27, -1):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    return dt.date(year, month, min(day.day, 28))


@transaction.atomic
def beneficiaires_retention(*, today: dt.date | None = None, dry_run: bool = False) -> list[int]:
    """Anonymise the named follow-ups without any activity for 24 months (last record, or creation when none).

    Returns the ids anonymised (or that would be, in a dry run). Idempotent: an anonymised follow-up is left alone.
    """
    today = today or timezone.localdate()
    limit = months_before(today, RETENTION_MONTHS)
    candidates = Beneficiaire.objects.filter(anonymise_le__isnull=True).annotate(
        last_record=Max("accompagnements__date")
    )
    expired = []
    for b in candidates:
        last = max(d for d in (b.last_record, b.derniere_activite, timezone.localtime(b.created_at).date()) if d)
        if last < limit:
            expired.append(b)
    if dry_run or not expired:
        return [b.pk for b in expired]
    now = timezone.now()
    for b in expired:
        _anonymise(b, now)
        b.updated_at = now
    Beneficiaire.objects.bulk_update(
        expired, ["prenom", "nom", "email", "telephone", "commune_id", "anonymise_le", "updated_at"], batch_size=500
    )
    audit_log(
        actor=None,
        action="beneficiaire.retention",
        after={"anonymises": [b.pk for b in expired], "limite": limit.isoformat()},
    )
    return [b.pk for b in expired]
