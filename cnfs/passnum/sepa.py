"""SEPA credit transfer files (ISO 20022 `pain.001.001.03`) and their CSV twin, for the monthly payment batches.

Pure module: it takes plain `Virement` rows (amounts in cents, never floats) and returns bytes/text. Names and
remittance texts are reduced to the EPC's Latin character set (accents dropped) because French banks reject the
rest; amounts are written from integer cents so that the control sum is the exact sum of the transactions.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
# EPC best practice: the characters every SEPA bank accepts.
_EPC_REFUSED = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")

CSV_HEADERS = [
    "Identifiant de bout en bout",
    "Bénéficiaire",
    "IBAN",
    "BIC",
    "Montant (€)",
    "Libellé",
]


@dataclass(frozen=True)
class Compte:
    """The paying account (the programme's treasury)."""

    nom: str
    iban: str
    bic: str


@dataclass(frozen=True)
class Virement:
    """One credit transfer: `montant` in cents."""

    end_to_end_id: str
    nom: str
    iban: str
    bic: str
    montant: int
    libelle: str


def epc_text(value: str, max_length: int) -> str:
    """`value` in the EPC character set (accents dropped, other characters as spaces), at most `max_length`."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"\s+", " ", _EPC_REFUSED.sub(" ", ascii_text)).strip()
    return cleaned[:max_length] or "-"


def amount(cents: int) -> str:
    """`1234.50` from 123450 cents: the XML decimal, never through a float."""
    if cents < 0:
        raise ValueError("Un montant de virement ne peut pas être négatif.")
    whole, rest = divmod(int(cents), 100)
    return f"{whole}.{rest:02d}"


def remittance(month: datetime.date) -> str:
    """The remittance text a place reads on its bank statement: « Pass numérique MM/AAAA »."""
    return f"Pass numérique {month:%m/%Y}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def pain001(
    *,
    message_id: str,
    created_at: datetime.datetime,
    debtor: Compte,
    execution_date: datetime.date,
    virements: list[Virement],
) -> bytes:
    """The `pain.001.001.03` document: one group header, one payment information, one transaction per row."""
    if not virements:
        raise ValueError("Un fichier de virements doit contenir au moins un virement.")
    count = str(len(virements))
    total = amount(sum(v.montant for v in virements))
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}Document")
    ns = f"{{{NAMESPACE}}}"

    def sub(parent, tag, text=None, **attrs):
        return _sub(parent, ns + tag, text, **attrs)

    initiation = sub(root, "CstmrCdtTrfInitn")
    header = sub(initiation, "GrpHdr")
    sub(header, "MsgId", epc_text(message_id, 35))
    sub(header, "CreDtTm", created_at.replace(microsecond=0, tzinfo=None).isoformat())
    sub(header, "NbOfTxs", count)
    sub(header, "CtrlSum", total)
    sub(sub(header, "InitgPty"), "Nm", epc_text(debtor.nom, 70))

    info = sub(initiation, "PmtInf")
    sub(info, "PmtInfId", epc_text(message_id, 35))
    sub(info, "PmtMtd", "TRF")
    sub(info, "BtchBookg", "false")
    sub(info, "NbOfTxs", count)
    sub(info, "CtrlSum", total)
    sub(sub(sub(info, "PmtTpInf"), "SvcLvl"), "Cd", "SEPA")
    sub(info, "ReqdExctnDt", execution_date.isoformat())
    sub(sub(info, "Dbtr"), "Nm", epc_text(debtor.nom, 70))
    sub(sub(sub(info, "DbtrAcct"), "Id"), "IBAN", debtor.iban)
    sub(sub(sub(info, "DbtrAgt"), "FinInstnId"), "BIC", debtor.bic)
    sub(info, "ChrgBr", "SLEV")
    for v in virements:
        tx = sub(info, "CdtTrfTxInf")
        sub(sub(tx, "PmtId"), "EndToEndId", epc_text(v.end_to_end_id, 35))
        sub(sub(tx, "Amt"), "InstdAmt", amount(v.montant), Ccy="EUR")
        sub(sub(sub(tx, "CdtrAgt"), "FinInstnId"), "BIC", v.bic)
        sub(sub(tx, "Cdtr"), "Nm", epc_text(v.nom, 70))
        sub(sub(sub(tx, "CdtrAcct"), "Id"), "IBAN", v.iban)
        sub(sub(tx, "RmtInf"), "Ustrd", epc_text(v.libelle, 140))
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def virements_csv(virements: list[Virement]) -> str:
    """The same transfers as a CSV for people and spreadsheets: French headers, `;` separator, decimal comma."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for v in virements:
        writer.writerow([v.end_to_end_id, v.nom, v.iban, v.bic, amount(v.montant).replace(".", ","), v.libelle])
    return out.getvalue()
