"""The mandate's attestation as a PDF (fpdf2), with a QR code (segno) of its journal fingerprint.

The PDF is reproducible: same mandate, same bytes (fixed creation date), so the SHA-256 the journal records for a
download identifies exactly the document the usager holds. Core PDF fonts are Latin-1: the few typographic
characters outside it are written with their plain equivalents.
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

_PLAIN = str.maketrans({"’": "'", "‘": "'", "—": "-", "–": "-", "œ": "oe", "Œ": "OE", "«": '"', "»": '"', "·": "."})
_PLAIN.update({0x202F: " ", 0x00A0: " "})


def _latin1(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def document(*, created, title: str, heading: str) -> FPDF:
    """An A4 page in French with its fixed creation date (reproducible bytes) and its heading."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(created)
    pdf.set_title(_latin1(title))
    pdf.set_lang("fr")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _latin1(heading), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 11)
    return pdf


def facts_write(pdf: FPDF, facts: list[tuple[str, str]]) -> None:
    for label, value in facts:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(35, 7, _latin1(label))
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 7, _latin1(value), new_x="LMARGIN", new_y="NEXT")


def section_write(pdf: FPDF, heading: str, lines) -> None:
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 8, _latin1(heading), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for line in lines:
        pdf.multi_cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def proof_write(pdf: FPDF, entry: JournalEntry | None, *, missing: str, inscribed: str, qr_alt: str) -> bytes:
    """The « Preuve » section (journal entry, its SHA-256 and a QR code of it); the finished PDF's bytes."""
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 8, "Preuve", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    if entry is None:
        pdf.multi_cell(0, 6, _latin1(missing))
    else:
        pdf.multi_cell(
            0,
            6,
            _latin1(
                f"{inscribed} au journal infalsifiable d’Aidants Connect, entrée n° {entry.seq}. "
                f"Empreinte SHA-256 : {entry.entry_hash}"
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        qr = io.BytesIO()
        segno.make(entry.entry_hash, error="m").save(qr, kind="png", scale=4, border=2)
        qr.seek(0)
        pdf.image(qr, w=40, alt_text=_latin1(qr_alt))
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
