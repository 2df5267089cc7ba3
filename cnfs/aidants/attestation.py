"""The mandate's attestation as a PDF (fpdf2), with a QR code (segno) of its journal fingerprint.

The PDF is reproducible: same mandate, same bytes (fixed creation date), so the SHA-256 the journal records for a
download identifies exactly the document the usager holds. Text is set in Marianne (`cnfs.core.pdf`).
"""

from __future__ import annotations

import hashlib
import io

import segno
from django.utils.timezone import localtime
from fpdf import FPDF

from cnfs.aidants.consentement import consentement_lines
from cnfs.aidants.enums import DureeMandat
from cnfs.aidants.models import JournalEntry, Mandat
from cnfs.core.pdf import FONT, new_document, printable


def document(*, created, title: str, heading: str) -> FPDF:
    """An A4 page in French with its fixed creation date (reproducible bytes) and its heading."""
    pdf = new_document(format="A4")
    pdf.set_creation_date(created)
    pdf.set_title(printable(title))
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 9, printable(heading), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "", 11)
    return pdf


def facts_write(pdf: FPDF, facts: list[tuple[str, str]]) -> None:
    for label, value in facts:
        pdf.set_font(FONT, "B", 11)
        pdf.cell(35, 7, printable(label))
        pdf.set_font(FONT, "", 11)
        pdf.multi_cell(0, 7, printable(value), new_x="LMARGIN", new_y="NEXT")


def section_write(pdf: FPDF, heading: str, lines) -> None:
    pdf.ln(4)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 8, printable(heading), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    for line in lines:
        pdf.multi_cell(0, 6, printable(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def proof_write(pdf: FPDF, entry: JournalEntry | None, *, missing: str, inscribed: str, qr_alt: str) -> bytes:
    """The « Preuve » section (journal entry, its SHA-256 and a QR code of it); the finished PDF's bytes."""
    pdf.ln(4)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 8, "Preuve", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    if entry is None:
        pdf.multi_cell(0, 6, printable(missing))
    else:
        pdf.multi_cell(
            0,
            6,
            printable(
                f"{inscribed} au journal infalsifiable d’Aidants Connect, entrée n° {entry.seq}. "
                f"Empreinte SHA-256 : {entry.entry_hash}"
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        qr = io.BytesIO()
        segno.make(entry.entry_hash, error="m").save(qr, kind="png", scale=4, border=2)
        qr.seek(0)
        pdf.image(qr, w=40, alt_text=printable(qr_alt))
    return bytes(pdf.output())


def attestation_pdf(mandat: Mandat, entry: JournalEntry | None) -> bytes:
    """The attestation of `mandat` (its authorisations prefetched), fingerprinted by its journal entry."""
    autorisations = list(mandat.autorisations.all())
    pdf = document(
        created=mandat.created_at,
        title=f"Attestation du mandat n° {mandat.pk}",
        heading="Attestation de mandat Aidants Connect",
    )
    facts_write(
        pdf,
        [
            ("Mandat", f"n° {mandat.pk}, texte de consentement version {mandat.consentement_version}"),
            ("Usager", f"{mandat.usager}, né·e le {mandat.usager.birthdate:%d/%m/%Y}"),
            ("Organisation", f"{mandat.organisation.nom} (SIRET {mandat.organisation.siret})"),
            (
                "Durée",
                f"{DureeMandat(mandat.duree).label} : du {localtime(mandat.debut):%d/%m/%Y %H:%M} "
                f"au {localtime(mandat.fin):%d/%m/%Y %H:%M}",
            ),
            ("Démarches", ", ".join(a.get_demarche_display() for a in autorisations)),
        ],
    )
    lines = consentement_lines(
        mandat.consentement_version,
        organisation=mandat.organisation.nom,
        demarches=", ".join(a.get_demarche_display() for a in autorisations),
        duree=DureeMandat(mandat.duree).label,
        fin=f"{localtime(mandat.fin):%d/%m/%Y}",
    )
    section_write(pdf, "Ce que l’usager a accepté", lines)
    return proof_write(
        pdf,
        entry,
        missing="Aucune entrée du journal n’est associée à ce mandat.",
        inscribed="Inscrit",
        qr_alt="QR code de l’empreinte du mandat",
    )


def pdf_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
