"""Money pages: role matrix (refused cases included), exports with French headers, batch journey."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cnfs.core.tests.auth import login
from cnfs.passnum import services
from cnfs.passnum.enums import StatutLot
from cnfs.passnum.models import LotPaiement, ReleveMensuel
from cnfs.passnum.tests.test_paiements import next_month, redeem

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "anct", "structure", "commanditaire", "commanditaire_autre", "distributeur", "lieu"]
BUYERS = {"anct": 200, "commanditaire": 200, "commanditaire_autre": 200}
MATRIX = {
    "tableau": (BUYERS, 403),
    "avoirs": (BUYERS, 403),
    "releves": ({"lieu": 200}, 403),
    "lots": ({"anct": 200}, 403),
    "lot": ({"anct": 200}, 403),
    "lot_xml": ({"anct": 200}, 403),
    "lot_csv": ({"anct": 200}, 403),
    "cofinancement": ({"anct": 200}, 403),
}


@pytest.fixture
def lot(world):
    redeem(world, 3)
    services.releves_generer(mois=timezone.localdate(), today=next_month())
    return services.lot_preparer(user=world["users"]["anct"])


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_matrix(client, world, lot, name, who):
    allowed, default = MATRIX[name]
    if who != "anonymous":
        login(client, world["users"][who])
    args = [lot.pk] if name.startswith("lot_") or name == "lot" else []
    response = client.get(reverse(f"passnum:{name}", args=args))
    if who == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == allowed.get(who, default), (name, who)


@pytest.mark.parametrize("name", ["lot_preparer", "lot_transmettre", "lot_payer"])
@pytest.mark.parametrize("who", ["commanditaire", "lieu", "structure"])
def test_batch_actions_are_refused_to_non_national(client, world, lot, name, who):
    login(client, world["users"][who])
    args = [] if name == "lot_preparer" else [lot.pk]
    assert client.post(reverse(f"passnum:{name}", args=args)).status_code == 403
    lot.refresh_from_db()
    assert lot.statut == StatutLot.PREPARE and LotPaiement.objects.count() == 1


def test_buyer_sees_only_its_orders_and_exports_in_french(client, world):
    redeem(world, 2)
    login(client, world["users"]["commanditaire_autre"])
    assert world["commande"].reference not in client.get(reverse("passnum:tableau")).content.decode()
    login(client, world["users"]["commanditaire"])
    page = client.get(reverse("passnum:tableau")).content.decode()
    assert world["commande"].reference in page and "20,0 %" in page
    text = client.get(reverse("passnum:tableau") + "?export=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["Commande", "Commanditaire", "Libellé", "Chèques émis"]
    assert rows[1][5] == "2" and rows[1][9] == "20,0"
    xlsx = client.get(reverse("passnum:tableau") + "?export=xlsx&vue=territoires")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "Territoire" and sheet["D2"].value == 2


def test_place_sees_only_its_statements(client, world, lot):
    login(client, world["users"]["lieu"])
    assert "30,00" in client.get(reverse("passnum:releves")).content.decode()
    login(client, world["users"]["lieu_lyon"])
    assert "Aucun relevé" in client.get(reverse("passnum:releves")).content.decode()


def test_batch_journey_and_french_errors(client, world):
    login(client, world["users"]["anct"])
    response = client.post(reverse("passnum:lot_preparer"), follow=True)
    assert "Aucun relevé à payer" in response.content.decode() and not LotPaiement.objects.exists()
    redeem(world, 3)
    services.releves_generer(mois=timezone.localdate(), today=next_month())
    response = client.post(reverse("passnum:lot_preparer"), follow=True)
    lot = LotPaiement.objects.get()
    assert lot.reference in response.content.decode()
    xml = client.get(reverse("passnum:lot_xml", args=[lot.pk]))
    assert xml["Content-Type"].startswith("application/xml") and b"<NbOfTxs>1</NbOfTxs>" in xml.content
    client.post(reverse("passnum:lot_transmettre", args=[lot.pk]))
    client.post(reverse("passnum:lot_payer", args=[lot.pk]))
    response = client.post(reverse("passnum:lot_payer", args=[lot.pk]), follow=True)
    assert "déjà marqué payé" in response.content.decode()
    assert ReleveMensuel.objects.get().statut == "paye"
