"""Small builders of import files for tests."""

from __future__ import annotations

import csv
import io

from cnfs.lieux.exports import SCHEMA_COLUMNS


def v1_row(**overrides) -> dict:
    """A valid v1.0.1 row for Saint-Étienne (the default `CommuneFactory`)."""
    row = {column: "" for column in SCHEMA_COLUMNS}
    row.update(
        {
            "id": "lieu-1",
            "pivot": "43493312300029",
            "nom": "Médiathèque Tarentaize",
            "commune": "Saint-Étienne",
            "code_postal": "42000",
            "code_insee": "42218",
            "adresse": "20-24 rue Jo Gouttebarge",
            "latitude": "45.4411",
            "longitude": "4.3890",
            "telephone": "+33477000000",
            "courriels": "contact@exemple.fr",
            "horaires": "Mo-Fr 09:00-12:00,14:00-17:00",
            "source": "Test",
            "date_maj": "2024-04-02",
            "services": "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien",
            "frais_a_charge": "Gratuit",
            "dispositif_programmes_nationaux": "France Services",
        }
    )
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], *, delimiter: str = ",", encoding: str = "utf-8", columns=None) -> bytes:
    columns = list(columns or (rows[0].keys() if rows else SCHEMA_COLUMNS))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue().encode(encoding)
