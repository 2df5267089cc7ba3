"""TOTP devices of aidants: hardware cards imported by CSV (national team), linked or unlinked by the responsable;
or an authenticator application enrolled in front of the responsable. Both are django-otp `TOTPDevice`s, verified
by core's `otp_verify` like any other second factor (no algorithm of our own).

The CSV import is all-or-nothing: every row is checked first, and one bad row rejects the whole file (each bad row
reported with its reason, in French); nothing is written unless every row is good.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.aidants import permissions
from cnfs.aidants.enums import ActionJournal
from cnfs.aidants.models import Aidant, CarteTOTP
from cnfs.aidants.services.journal import journal_append
from cnfs.core.errors import DomainError
from cnfs.core.models import User
from cnfs.core.services import otp as otp_services

MAX_ROWS = 5000
MIN_KEY_BYTES, MAX_KEY_BYTES = 10, 40
HEADERS = {
    "serial": ("serial", "serie", "numero_serie", "numéro de série", "numero de serie", "numéro_série"),
    "seed": ("seed", "cle", "clé", "secret", "graine"),
    "digits": ("digits", "chiffres"),
    "step": ("step", "pas", "periode", "période"),
}
_SERIAL = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
NOT_NATIONAL = "Seule l’équipe nationale importe les cartes d’authentification."
NOT_RESPONSABLE = "Cet aidant n’appartient pas à une organisation dont vous êtes responsable."


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_seed(text: str) -> bytes:
    """The seed as bytes: hexadecimal when it reads as hex (even length, 0-9 a-f), base32 otherwise."""
    text = re.sub(r"[\s-]", "", text or "")
    if not text:
        raise ValueError("la clé secrète est vide")
    if re.fullmatch(r"[0-9a-fA-F]+", text) and len(text) % 2 == 0:
        return binascii.unhexlify(text)
    try:
        return base64.b32decode(text.upper() + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        raise ValueError("la clé secrète n’est ni en hexadécimal ni en base32") from None


def _column_map(header: list[str]) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    found = {}
    for key, aliases in HEADERS.items():
        for index, name in enumerate(names):
            if name in aliases:
                found[key] = index
                break
    return found


def _check_row(row: list[str], columns: dict[str, int]) -> tuple[dict | None, str]:
    def cell(key):
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    serial = cell("serial")
    if not serial:
        return None, "numéro de série manquant"
    if not _SERIAL.match(serial):
        return None, f"numéro de série « {serial[:70]} » invalide (lettres, chiffres, tirets, 64 caractères au plus)"
    try:
        key = parse_seed(cell("seed"))
    except ValueError as error:
        return None, str(error)
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        return None, f"la clé secrète fait {len(key)} octets (de {MIN_KEY_BYTES} à {MAX_KEY_BYTES} attendus)"
    digits, step = cell("digits") or "6", cell("step") or "30"
    if digits != "6":
        return None, f"nombre de chiffres « {digits} » non pris en charge (seules les cartes à 6 chiffres le sont)"
    if not step.isdigit() or not 10 <= int(step) <= 120:
        return None, f"période « {step} » invalide (un nombre de secondes entre 10 et 120, 30 le plus souvent)"
    return {"serial": serial, "key": key.hex(), "digits": 6, "step": int(step)}, ""


def cartes_import_csv(*, actor: User, content: bytes | str) -> ImportReport:
    """Import cards from a CSV (`,` or `;`), header `serial,seed[,digits,step]` (French names accepted)."""
    if not permissions.can_review_habilitations(actor):
        raise DomainError(NOT_NATIONAL)
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return ImportReport(errors=["Le fichier n’est pas encodé en UTF-8 : enregistrez-le en CSV UTF-8."])
    try:
        dialect = csv.Sniffer().sniff(content[:2048], delimiters=",;")
        rows = list(csv.reader(io.StringIO(content), dialect))
    except csv.Error:
        rows = list(csv.reader(io.StringIO(content)))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return ImportReport(errors=["Le fichier est vide."])
    columns = _column_map(rows[0])
    if "serial" not in columns or "seed" not in columns:
        return ImportReport(
            errors=[
                "Ligne 1 : l’en-tête doit nommer les colonnes « serial » et « seed » "
                "(et, si besoin, « digits » et « step »)."
            ]
        )
    if len(rows) - 1 > MAX_ROWS:
        return ImportReport(errors=[f"Le fichier compte plus de {MAX_ROWS} cartes : découpez-le."])
    good, errors, seen = [], [], {}
    existing = set(
        CarteTOTP.objects.filter(
            serial__in=[r[columns["serial"]].strip() for r in rows[1:] if len(r) > columns["serial"]]
        ).values_list("serial", flat=True)
    )
    for number, row in enumerate(rows[1:], start=2):
        data, reason = _check_row(row, columns)
        if data is not None and data["serial"] in seen:
            data, reason = None, f"numéro de série {data['serial']} déjà présent ligne {seen[data['serial']]}"
        elif data is not None and data["serial"] in existing:
            data, reason = None, f"la carte {data['serial']} est déjà importée"
        if data is None:
            errors.append(f"Ligne {number} : {reason}.")
            continue
        seen[data["serial"]] = number
        good.append(data)
    if not good and not errors:
        errors.append("Le fichier ne contient aucune carte après l’en-tête.")
    if errors:
        return ImportReport(errors=errors)
    with transaction.atomic():
        cartes = CarteTOTP.objects.bulk_create([CarteTOTP(importee_par=actor, **data) for data in good])
        journal_append(
            action=ActionJournal.CARTE_TOTP_IMPORTEE,
            actor=actor,
            payload={"cartes": len(cartes), "series": [c.serial for c in cartes][:50]},
        )
    return ImportReport(imported=len(cartes))


def _managed(actor: User, aidant: Aidant) -> Aidant:
    if not permissions.can_manage_aidant(actor, aidant):
        raise DomainError(NOT_RESPONSABLE, code="autre_organisation")
    return aidant


@transaction.atomic
def carte_link(*, actor: User, aidant: Aidant, serial: str) -> CarteTOTP:
    """Link the card `serial` to `aidant`: a confirmed TOTPDevice of the aidant's account with the card's key."""
    _managed(actor, aidant)
    serial = (serial or "").strip()
    carte = CarteTOTP.objects.select_for_update().filter(serial=serial).first()
    if carte is None:
        raise DomainError(f"Aucune carte importée ne porte le numéro de série « {serial[:64]} ».", field="serial")
    if carte.aidant_id is not None or carte.device_id is not None:
        raise DomainError("Cette carte est déjà liée à un aidant : retirez-la d’abord.", field="serial")
    device = TOTPDevice.objects.create(
        user=aidant.user,
        name=f"Carte {carte.serial}",
        key=carte.key,
        digits=carte.digits,
        step=carte.step,
        confirmed=True,
    )
    carte.aidant, carte.device, carte.liee_le = aidant, device, timezone.now()
    carte.save(update_fields=["aidant", "device", "liee_le"])
    journal_append(
        action=ActionJournal.CARTE_TOTP_LIEE,
        actor=actor,
        organisation=aidant.organisation_id,
        payload={"aidant": aidant.pk, "type": "carte", "serie": carte.serial, "dispositif": device.pk},
    )
    return carte


def application_pending(*, actor: User, aidant: Aidant) -> TOTPDevice:
    """The aidant's authenticator application awaiting its first code (QR code shown to the aidant)."""
    _managed(actor, aidant)
    return otp_services.totp_device_pending(user=aidant.user)


def application_confirm(*, actor: User, aidant: Aidant, device_id: int, code: str, request=None) -> TOTPDevice:
    """The aidant types the first code of their application: the device is confirmed and journaled."""
    _managed(actor, aidant)
    device = otp_services.totp_device_confirm(user=aidant.user, device_id=device_id, code=code, request=request)
    journal_append(
        action=ActionJournal.CARTE_TOTP_LIEE,
        actor=actor,
        organisation=aidant.organisation_id,
        payload={"aidant": aidant.pk, "type": "application", "dispositif": device.pk},
    )
    return device


@transaction.atomic
def device_unlink(*, actor: User, aidant: Aidant, device_id: int, request=None) -> None:
    """Remove one TOTP device of the aidant (a card goes back to the stock of unlinked cards)."""
    _managed(actor, aidant)
    device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=aidant.user).first()
    if device is None:
        raise DomainError("Ce dispositif n’existe pas ou n’appartient pas à cet aidant.")
    carte = CarteTOTP.objects.select_for_update().filter(device=device).first()
    payload = {"aidant": aidant.pk, "type": "carte" if carte else "application", "dispositif": device.pk}
    if carte is not None:
        payload["serie"] = carte.serial
        carte.aidant, carte.device, carte.liee_le = None, None, None
        carte.save(update_fields=["aidant", "device", "liee_le"])
    otp_services.totp_device_remove(actor=actor, device=device, request=request)
    journal_append(
        action=ActionJournal.CARTE_TOTP_RETIREE, actor=actor, organisation=aidant.organisation_id, payload=payload
    )


def aidant_devices(aidant: Aidant) -> list[tuple[TOTPDevice, CarteTOTP | None]]:
    cartes = {c.device_id: c for c in CarteTOTP.objects.filter(aidant=aidant)}
    return [(d, cartes.get(d.pk)) for d in otp_services.totp_devices(aidant.user)]
