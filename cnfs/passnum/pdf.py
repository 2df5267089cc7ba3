"""Booklets as a PDF (fpdf2): one page per booklet, one framed voucher per row with its QR code (segno).

The QR code holds the address of the redeem page with the code filled in, so a place's phone camera opens it
directly; the printed code stays the reference when there is no camera. Text is set in Marianne
(`cnfs.core.pdf`): the value prints as « 10,00 € », the code in Courier.
"""

from __future__ import annotations

import io

import segno

from cnfs.core.pdf import FONT, new_document, printable
from cnfs.passnum.codes import format_code
from cnfs.passnum.models import Carnet, Commande
from cnfs.passnum.services._common import euros

MAX_CARNETS_PAR_PDF = 100


def _qr_png(data: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=4, border=1)
    buffer.seek(0)
    return buffer


def carnets_pdf(commande: Commande, carnets: list[Carnet], redeem_url: str) -> bytes:
    """The booklets `carnets` (vouchers prefetched) of `commande`; `redeem_url` + `?code=` is put in each QR."""
    zones = ", ".join(z.libelle or z.cle for z in commande.zones.all())
    pdf = new_document(format="A4")
    pdf.set_creation_date(commande.created_at)
    pdf.set_title(printable(f"Carnets de la commande {commande.reference}"))
    pdf.set_auto_page_break(False)
    for carnet in carnets:
        pdf.add_page()
        pdf.set_font(FONT, "B", 14)
        pdf.cell(0, 8, printable(f"Pass numérique — carnet n° {carnet.numero}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(
            0,
            5,
            printable(
                f"Offert par {commande.commanditaire.nom} (commande {commande.reference}). Chaque chèque paie une "
                f"séance d'accompagnement au numérique dans un lieu qualifié pass numérique. Valable du "
                f"{commande.date_debut_validite:%d/%m/%Y} au {commande.date_fin_validite:%d/%m/%Y}, à : {zones}."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        top = pdf.get_y() + 2
        cheques = list(carnet.cheques.all())
        height = min(25.0, (287 - top) / max(1, len(cheques)))
        for i, cheque in enumerate(cheques):
            y = top + i * height
            pdf.rect(10, y, 190, height - 2)
            qr_size = height - 5
            pdf.image(_qr_png(f"{redeem_url}?code={cheque.code}"), x=12, y=y + 1.5, w=qr_size, h=qr_size)
            pdf.set_xy(14 + qr_size, y + 2)
            pdf.set_font(FONT, "B", 12)
            pdf.cell(60, 6, printable(f"Chèque de {euros(cheque.valeur)}"))
            pdf.set_font("Courier", "B", 14)
            pdf.cell(0, 6, format_code(cheque.code), align="R")
            pdf.set_xy(14 + qr_size, y + 9)
            pdf.set_font(FONT, "", 8)
            pdf.multi_cell(
                174 - qr_size,
                4,
                printable(
                    f"Carnet n° {carnet.numero} — chèque {i + 1}/{len(cheques)}. À remettre au lieu, qui saisit "
                    f"ou scanne le code. Un chèque ne sert qu'une fois."
                ),
            )
    return bytes(pdf.output())
