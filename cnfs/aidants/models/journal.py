"""The Aidants Connect journal: append-only (database triggers refuse UPDATE and DELETE) and hash-chained.

Each entry stores `entry_hash` = SHA-256 of its canonical content, which ends with the previous entry's hash: an
altered, removed or inserted row breaks the chain from that row on, and `cnfs aidants journal verifier` finds it.
The usager appears only by the pseudonymous `Usager.uuid`; the payload holds identifiers, never names.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.db import models

from cnfs.aidants.enums import ActionJournal

GENESIS_HASH = "0" * 64


def canonical_payload(data: dict | None) -> str:
    """The one JSON text of a payload: sorted keys, no spaces, ASCII only (so no newline can appear in it)."""
    return json.dumps(data or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)


def utc_text(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical_content(
    seq: int,
    created_at: datetime.datetime,
    action: str,
    actor_id: int | None,
    organisation_id: int | None,
    usager: str,
    demarche: str,
    mandat_id: int | None,
    payload: str,
    previous_hash: str,
) -> bytes:
    """The bytes an entry's hash covers, one field per line, in the column order of `HASHED_FIELDS`."""
    return (
        f"{seq}\n{utc_text(created_at)}\n{action}\n{'' if actor_id is None else actor_id}\n"
        f"{'' if organisation_id is None else organisation_id}\n{usager}\n{demarche}\n"
        f"{'' if mandat_id is None else mandat_id}\n{payload}\n{previous_hash}"
    ).encode()


def entry_hash(*fields) -> str:
    return hashlib.sha256(canonical_content(*fields)).hexdigest()


# The columns canonical_content() reads, in its argument order (the verifier fetches exactly these).
HASHED_FIELDS = (
    "seq",
    "created_at",
    "action",
    "actor_id",
    "organisation_id",
    "usager",
    "demarche",
    "mandat_id",
    "payload",
    "previous_hash",
)


class JournalEntry(models.Model):
    """One act. Plain identifiers instead of foreign keys: an entry outlives what it names, and is never updated."""

    seq = models.PositiveBigIntegerField("numéro", unique=True)
    created_at = models.DateTimeField("date")
    action = models.CharField("action", max_length=40, choices=ActionJournal.choices)
    actor_id = models.BigIntegerField("compte auteur (identifiant)", null=True, blank=True, db_index=True)
    organisation_id = models.BigIntegerField("organisation (identifiant)", null=True, blank=True, db_index=True)
    usager = models.CharField("usager (identifiant pseudonyme)", max_length=36, blank=True, db_index=True)
    demarche = models.CharField("démarche", max_length=20, blank=True)
    mandat_id = models.BigIntegerField("mandat (identifiant)", null=True, blank=True)
    payload = models.TextField("détails (JSON canonique)", default="{}")
    previous_hash = models.CharField("empreinte précédente", max_length=64)
    entry_hash = models.CharField("empreinte", max_length=64, unique=True)

    class Meta:
        verbose_name = "entrée du journal Aidants Connect"
        verbose_name_plural = "journal Aidants Connect"
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"n° {self.seq} — {self.get_action_display()}"

    @property
    def data(self) -> dict:
        return json.loads(self.payload or "{}")

    def get_demarche_label(self) -> str:
        from cnfs.aidants.enums import Demarche

        return Demarche(self.demarche).label if self.demarche in Demarche.values else self.demarche

    def computed_hash(self) -> str:
        return entry_hash(*(getattr(self, name) for name in HASHED_FIELDS))
