"""The revocation attestation as a PDF (ac-life): same tool as the mandate's attestation (fpdf2, QR code of the
journal fingerprint of the revocation), reproducible (its creation date is the revocation's), so the SHA-256 the
journal records for each download identifies the exact document the usager holds."""

from __future__ import annotations

import io

import segno
from django.utils.timezone import localtime
from fpdf import FPDF

from cnfs.aidants.attestation import _latin1
from cnfs.aidants.enums import ActionJournal
from cnfs.aidants.models import JournalEntry, Mandat


def revocation_entry(mandat: Mandat) -> JournalEntry | None:
    """The entry that revoked the mandate; for a mandate ended by its authorisations' revocation or replacement,
    the last of those."""
    entries = JournalEntry.objects.filter(mandat_id=mandat.pk)
    return (
        entries.filter(action=ActionJournal.MANDAT_REVOQUE).order_by("seq").first()
        or entries.filter(action__in=[ActionJournal.AUTORISATION_REVOQUEE, ActionJournal.AUTORISATION_REMPLACEE])
        .order_by("-seq")
        .first()
    )


def revocation_pdf(mandat: Mandat, entry: JournalEntry | None) -> bytes:
    """Attestation that `mandat` (revoked; its authorisations prefetched) no longer lets anyone act."""
    autorisations = list(mandat.autorisations.all())
    pdf = FPDF(format="A4")
    pdf.set_creation_date(mandat.revoked_at)
    pdf.set_title(_latin1(f"Attestation de révocation du mandat n° {mandat.pk}"))
    pdf.set_lang("fr")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _latin1("Attestation de révocation Aidants Connect"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 11)
    revoked = [a for a in autorisations if a.revoked_at is not None]
    facts = [
        ("Mandat", f"n° {mandat.pk}, donné le {localtime(mandat.debut):%d/%m/%Y %H:%M}"),
        ("Usager", f"{mandat.usager}, né·e le {mandat.usager.birthdate:%d/%m/%Y}"),
        ("Organisation", f"{mandat.organisation.nom} (SIRET {mandat.organisation.siret})"),
        ("Révoqué le", f"{localtime(mandat.revoked_at):%d/%m/%Y %H:%M}"),
        ("Démarches", ", ".join(a.get_demarche_display() for a in revoked) or "aucune"),
    ]
    for label, value in facts:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(35, 7, _latin1(label))
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 7, _latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 8, _latin1("Ce que cela veut dire"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for line in (
        f"Depuis le {localtime(mandat.revoked_at):%d/%m/%Y}, plus aucun aidant de « {mandat.organisation.nom} » "
        "ne peut faire de démarche en votre nom avec ce mandat.",
        "Pour être aidé·e à nouveau, vous pouvez donner un nouveau mandat, quand vous le voulez.",
    ):
        pdf.multi_cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 8, "Preuve", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    if entry is None:
        pdf.multi_cell(0, 6, _latin1("Aucune entrée du journal n’est associée à cette révocation."))
    else:
        pdf.multi_cell(
            0,
            6,
            _latin1(
                f"Révocation inscrite au journal infalsifiable d’Aidants Connect, entrée n° {entry.seq}. "
                f"Empreinte SHA-256 : {entry.entry_hash}"
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        qr = io.BytesIO()
        segno.make(entry.entry_hash, error="m").save(qr, kind="png", scale=4, border=2)
        qr.seek(0)
        pdf.image(qr, w=40, alt_text=_latin1("QR code de l’empreinte de la révocation"))
    return bytes(pdf.output())
