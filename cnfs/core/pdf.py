"""The platform's PDF documents (fpdf2) set in Marianne, the State's typeface, read from django-dsfr's own files.

    from cnfs.core.pdf import FONT, new_document, printable

    pdf = new_document(format="A4")          # FPDF with Marianne (regular, bold, italic) and French as language
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 8, printable(f"Chèque de {euros(1000)}"))

fpdf2's core fonts (Helvetica…) know Latin-1 only: « € », « ’ », « œ », « — » could not be printed, and a
voucher's value came out as « 10,00 ? ». Marianne is embedded (only the glyphs used) and prints French as typed.
Its one gap in what the platform writes, the narrow no-break space of French number formatting, becomes a
no-break space (`printable`). The fonts are the WOFF files django-dsfr serves to the pages: nothing downloaded,
the same letters on screen and on paper.
"""

from __future__ import annotations

from pathlib import Path

import dsfr
from fpdf import FPDF

FONT = "Marianne"
FONT_DIR = Path(dsfr.__file__).resolve().parent / "static" / "dsfr" / "dist" / "fonts"
_STYLES = {"": "Marianne-Regular.woff", "B": "Marianne-Bold.woff", "I": "Marianne-Regular_Italic.woff"}
_NOT_IN_FONT = str.maketrans({0x202F: 0x00A0})


def printable(text: str) -> str:
    """`text` with the characters Marianne lacks replaced by their closest glyph."""
    return text.translate(_NOT_IN_FONT)


def new_document(**kwargs) -> FPDF:
    """An `FPDF(**kwargs)` whose fonts include Marianne (styles "", "B", "I") and whose language is French."""
    pdf = FPDF(**kwargs)
    for style, name in _STYLES.items():
        pdf.add_font(FONT, style, str(FONT_DIR / name))
    pdf.set_lang("fr")
    return pdf
