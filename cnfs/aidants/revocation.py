"""The revocation attestation as a PDF (ac-life): same tool as the mandate's attestation (fpdf2, QR code of the
journal fingerprint of the revocation), reproducible (its creation date is the revocation's), so the SHA-256 the
journal records for each download identifies the exact document the usager holds."""

from __future__ import annotations

from django.utils.timezone import localtime

from cnfs.aidants.attestation import document, facts_write, proof_write, section_write
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
    revoked = [a for a in mandat.autorisations.all() if a.revoked_at is not None]
    pdf = document(
        created=mandat.revoked_at,
        title=f"Attestation de révocation du mandat n° {mandat.pk}",
        heading="Attestation de révocation Aidants Connect",
    )
    facts_write(
        pdf,
        [
            ("Mandat", f"n° {mandat.pk}, donné le {localtime(mandat.debut):%d/%m/%Y %H:%M}"),
            ("Usager", f"{mandat.usager}, né·e le {mandat.usager.birthdate:%d/%m/%Y}"),
            ("Organisation", f"{mandat.organisation.nom} (SIRET {mandat.organisation.siret})"),
            ("Révoqué le", f"{localtime(mandat.revoked_at):%d/%m/%Y %H:%M}"),
            ("Démarches", ", ".join(a.get_demarche_display() for a in revoked) or "aucune"),
        ],
    )
    section_write(
        pdf,
        "Ce que cela veut dire",
        [
            f"Depuis le {localtime(mandat.revoked_at):%d/%m/%Y}, plus aucun aidant de « {mandat.organisation.nom} » "
            "ne peut faire de démarche en votre nom avec ce mandat.",
            "Pour être aidé·e à nouveau, vous pouvez donner un nouveau mandat, quand vous le voulez.",
        ],
    )
    return proof_write(
        pdf,
        entry,
        missing="Aucune entrée du journal n’est associée à cette révocation.",
        inscribed="Révocation inscrite",
        qr_alt="QR code de l’empreinte de la révocation",
    )
