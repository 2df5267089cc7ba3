"""Checks of uploaded documents (quotes, plans): by content, never by name or declared type."""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.errors import PyPdfError

PDF_MAX_BYTES = 10 * 1024 * 1024


def pdf_error(uploaded, *, what: str = "Le devis") -> str | None:
    """The French reason why an uploaded PDF is refused, or None. `what` names the document ("Le devis").

    A PDF starts with `%PDF-` and parses (pypdf, strict, at least one page, not encrypted); anything else is refused.
    """
    size = getattr(uploaded, "size", None)
    if size is None:
        return "Le fichier envoyé est illisible."
    if size == 0:
        return "Le fichier envoyé est vide."
    if size > PDF_MAX_BYTES:
        return f"{what} ne doit pas dépasser 10 Mo (le fichier envoyé fait {size / 1024 / 1024:.1f} Mo)."
    uploaded.seek(0)
    content = uploaded.read()
    uploaded.seek(0)
    if not content.startswith(b"%PDF-"):
        return f"{what} doit être un fichier PDF (le contenu du fichier envoyé n’en est pas un)."
    try:
        reader = PdfReader(io.BytesIO(content), strict=True)
        if reader.is_encrypted:
            return f"{what} ne doit pas être protégé par un mot de passe."
        if len(reader.pages) < 1:
            return "Le PDF envoyé ne contient aucune page."
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
        return "Le fichier PDF envoyé est endommagé ou illisible."
    return None
