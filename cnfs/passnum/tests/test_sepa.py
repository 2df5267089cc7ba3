"""pain.001.001.03 files validated against the official ISO 20022 schema (shipped by the `sepaxml` dev package)."""

import csv
import datetime
import io
import pathlib
import xml.etree.ElementTree as ET

import pytest
import sepaxml
import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st

from cnfs.passnum import sepa

XSD = pathlib.Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": sepa.NAMESPACE}
DEBTOR = sepa.Compte(
    nom="Agence nationale de la cohésion des territoires", iban="FR7630001007941234567890185", bic="BDFEFRPPCCT"
)


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(str(XSD))


def virement(i: int, cents: int) -> sepa.Virement:
    return sepa.Virement(
        end_to_end_id=f"PN-202611-{i:06d}",
        nom=f"Médiathèque Émile-Zola n°{i} & associés",
        iban="FR1420041010050500013M02606",
        bic="PSSTFRPPLIL",
        montant=cents,
        libelle=sepa.remittance(datetime.date(2026, 11, 1)),
    )


def build(rows):
    return sepa.pain001(
        message_id="LOT-2026-000001",
        created_at=datetime.datetime(2026, 12, 1, 10, 30, 12, 345),
        debtor=DEBTOR,
        execution_date=datetime.date(2026, 12, 5),
        virements=rows,
    )


def test_document_is_valid_against_the_official_schema(schema):
    document = build([virement(1, 1000), virement(2, 123450), virement(3, 5)])
    schema.validate(document.decode())
    root = ET.fromstring(document)
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "3"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "1244.55"
    assert root.findtext("p:CstmrCdtTrfInitn/p:PmtInf/p:CtrlSum", namespaces=NS) == "1244.55"
    txs = root.findall("p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf", namespaces=NS)
    assert [t.findtext("p:Amt/p:InstdAmt", namespaces=NS) for t in txs] == ["10.00", "1234.50", "0.05"]
    assert txs[0].find("p:Amt/p:InstdAmt", namespaces=NS).get("Ccy") == "EUR"
    assert txs[0].findtext("p:PmtId/p:EndToEndId", namespaces=NS) == "PN-202611-000001"
    assert txs[0].findtext("p:RmtInf/p:Ustrd", namespaces=NS) == "Pass numerique 11/2026"
    # Accents and characters outside the EPC set are dropped, never sent to the bank.
    assert txs[0].findtext("p:Cdtr/p:Nm", namespaces=NS) == "Mediatheque Emile-Zola n1 associes"


def test_a_broken_document_is_refused_by_the_schema(schema):
    document = build([virement(1, 1000)]).replace(b"<PmtMtd>TRF</PmtMtd>", b"<PmtMtd>VIR</PmtMtd>")
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(document.decode())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=30))
def test_control_sum_is_the_exact_sum_of_the_transactions(amounts):
    root = ET.fromstring(build([virement(i, c) for i, c in enumerate(amounts)]))
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", namespaces=NS)
    written = [
        t.findtext("p:Amt/p:InstdAmt", namespaces=NS)
        for t in root.findall("p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf", namespaces=NS)
    ]
    cents = [int(w.replace(".", "")) for w in written]
    assert cents == amounts
    assert int(header.findtext("p:CtrlSum", namespaces=NS).replace(".", "")) == sum(amounts)
    assert header.findtext("p:NbOfTxs", namespaces=NS) == str(len(amounts))


def test_empty_batch_and_negative_amount_are_refused():
    with pytest.raises(ValueError, match="au moins un virement"):
        build([])
    with pytest.raises(ValueError, match="négatif"):
        sepa.amount(-1)


def test_csv_has_french_headers_and_decimal_comma():
    text = sepa.virements_csv([virement(1, 123450)])
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Identifiant de bout en bout", "Bénéficiaire", "IBAN", "BIC", "Montant (€)", "Libellé"]
    assert rows[1][4] == "1234,50"
    assert rows[1][5] == "Pass numérique 11/2026"
