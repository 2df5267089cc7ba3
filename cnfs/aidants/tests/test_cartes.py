"""TOTP devices of aidants: CSV import of hardware cards (all or nothing), linking by the responsable, unlinking."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.aidants.enums import ActionJournal
from cnfs.aidants.models import Aidant, CarteTOTP, JournalEntry
from cnfs.aidants.services import cartes as services
from cnfs.aidants.tests.factories import OrganisationFactory, aidant_user, responsable_user
from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.services.otp import otp_verify
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import user_with_role

pytestmark = pytest.mark.django_db

SEED_HEX = "3132333435363738393031323334353637383930"  # RFC 6238's 20-byte test key
SEED_B32 = base64.b32encode(bytes.fromhex(SEED_HEX)).decode()


@pytest.fixture
def world():
    org, other = OrganisationFactory(), OrganisationFactory()
    aidant = aidant_user(org)
    return {
        "org": org,
        "other": other,
        "anct": user_with_role(Role.ANCT),
        "aidant": Aidant.objects.get(user=aidant),
        "aidant_autre": Aidant.objects.get(user=aidant_user(other)),
        "responsable": responsable_user(org),
        "responsable_autre": responsable_user(other),
    }


def test_import_accepts_hex_and_base32_with_optional_columns(world):
    csv = f"serial;seed;digits;step\nAC-0001;{SEED_HEX};6;30\nAC-0002;{SEED_B32.lower()};;60\n"
    report = services.cartes_import_csv(actor=world["anct"], content=csv.encode())
    assert report.ok and report.imported == 2
    one, two = CarteTOTP.objects.order_by("serial")
    assert one.key == SEED_HEX and two.key == SEED_HEX and (one.step, two.step) == (30, 60)
    entry = JournalEntry.objects.get(action=ActionJournal.CARTE_TOTP_IMPORTEE)
    assert entry.data["cartes"] == 2 and SEED_HEX not in entry.payload


def test_import_is_all_or_nothing_and_reports_each_bad_row(world):
    CarteTOTP.objects.create(serial="AC-0009", key=SEED_HEX)
    csv = "\n".join(
        [
            "serial,seed,digits,step",
            f"AC-0001,{SEED_HEX},6,30",  # good, but the file is refused as a whole
            f",{SEED_HEX}",
            "AC-0002,zz!!",
            "AC-0003,00ff",
            f"AC-0004,{SEED_HEX},8",
            f"AC-0005,{SEED_HEX},6,0",
            f"AC-0001,{SEED_HEX}",
            f"AC-0009,{SEED_HEX}",
            f"AC 0010,{SEED_HEX}",
        ]
    )
    report = services.cartes_import_csv(actor=world["anct"], content=csv)
    assert not report.ok and report.imported == 0
    assert report.errors == [
        "Ligne 3 : numéro de série manquant.",
        "Ligne 4 : la clé secrète n’est ni en hexadécimal ni en base32.",
        "Ligne 5 : la clé secrète fait 2 octets (de 10 à 40 attendus).",
        "Ligne 6 : nombre de chiffres « 8 » non pris en charge (seules les cartes à 6 chiffres le sont).",
        "Ligne 7 : période « 0 » invalide (un nombre de secondes entre 10 et 120, 30 le plus souvent).",
        "Ligne 8 : numéro de série AC-0001 déjà présent ligne 2.",
        "Ligne 9 : la carte AC-0009 est déjà importée.",
        "Ligne 10 : numéro de série « AC 0010 » invalide (lettres, chiffres, tirets, 64 caractères au plus).",
    ]
    assert list(CarteTOTP.objects.values_list("serial", flat=True)) == ["AC-0009"]
    assert not JournalEntry.objects.filter(action=ActionJournal.CARTE_TOTP_IMPORTEE).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"numero;cle\nA;B\n", "l’en-tête doit nommer"),
        (b"serial,seed\n", "aucune carte"),
        ("serial,seed\nA,é".encode("latin-1"), "UTF-8"),
    ],
)
def test_bad_files(world, content, message):
    report = services.cartes_import_csv(actor=world["anct"], content=content)
    assert not report.ok and message in report.errors[0]
    assert not CarteTOTP.objects.exists()


def test_import_is_national_only(client, world):
    with pytest.raises(DomainError):
        services.cartes_import_csv(actor=world["responsable"], content=f"serial,seed\nX1,{SEED_HEX}")
    login(client, world["responsable"])
    upload = SimpleUploadedFile("cartes.csv", f"serial,seed\nX1,{SEED_HEX}".encode(), content_type="text/csv")
    assert client.post(reverse("aidants:anct_cartes"), {"fichier": upload}).status_code == 403
    assert not CarteTOTP.objects.exists()


def test_import_page(client, world):
    login(client, world["anct"])
    bad = SimpleUploadedFile("cartes.csv", b"serial,seed\nX1,zz!!\n", content_type="text/csv")
    html = client.post(reverse("aidants:anct_cartes"), {"fichier": bad}).content.decode()
    assert "Fichier refusé" in html and "Ligne 2 : la clé secrète" in html
    good = SimpleUploadedFile("cartes.csv", f"serial,seed\nX1,{SEED_HEX}\n".encode(), content_type="text/csv")
    response = client.post(reverse("aidants:anct_cartes"), {"fichier": good}, follow=True)
    assert "1 carte(s) importée(s)" in response.content.decode()
    assert CarteTOTP.objects.filter(serial="X1").exists()


def test_responsable_links_a_card_then_the_aidant_uses_it_then_unlinks(client, world):
    CarteTOTP.objects.create(serial="AC-0001", key=SEED_HEX)
    aidant = world["aidant"]
    login(client, world["responsable"])
    url = reverse("aidants:dispositifs", args=[world["org"].pk, aidant.pk])
    assert "Aucune carte importée" in client.post(url, {"serial": "AC-9999"}).content.decode()
    client.post(url, {"serial": "AC-0001"})
    carte = CarteTOTP.objects.get(serial="AC-0001")
    assert carte.aidant == aidant and carte.device.user == aidant.user and carte.device.key == SEED_HEX
    # The aidant's code is the card's code, checked by core's django-otp verification.
    code = f"{totp(bytes.fromhex(SEED_HEX), step=30):06d}"
    assert otp_verify(user=aidant.user, code=code).pk == carte.device_id
    assert "déjà liée" in client.post(url, {"serial": "AC-0001"}).content.decode()
    assert JournalEntry.objects.get(action=ActionJournal.CARTE_TOTP_LIEE).data["serie"] == "AC-0001"
    device_pk = carte.device_id
    client.post(reverse("aidants:dispositif_retirer", args=[world["org"].pk, aidant.pk, device_pk]))
    carte.refresh_from_db()
    assert carte.aidant is None and carte.device is None
    assert not TOTPDevice.objects.filter(pk=device_pk).exists()
    assert JournalEntry.objects.get(action=ActionJournal.CARTE_TOTP_RETIREE).data["serie"] == "AC-0001"


def test_responsable_links_an_application(client, world):
    aidant = world["aidant"]
    login(client, world["responsable"])
    url = reverse("aidants:dispositif_application", args=[world["org"].pk, aidant.pk])
    page = client.get(url)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=aidant.user, confirmed=False)
    assert "Code incorrect" in client.post(url, {"code": "12"}).content.decode()
    device.throttle_reset()  # the wrong code started django-otp's delay: as if the aidant waited
    code = f"{totp(device.bin_key, step=device.step):06d}"
    response = client.post(url, {"code": code})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert JournalEntry.objects.get(action=ActionJournal.CARTE_TOTP_LIEE).data["type"] == "application"


@pytest.mark.parametrize("who", ["responsable_autre", "aidant", "anonymous"])
def test_device_pages_refused_outside_the_organisation(client, world, who):
    CarteTOTP.objects.create(serial="AC-0001", key=SEED_HEX)
    aidant = world["aidant"]
    device = TOTPDevice.objects.create(user=aidant.user, name="Application", confirmed=True)
    if who != "anonymous":
        login(client, world["aidant"].user if who == "aidant" else world[who])
    org = world["org"].pk
    expected = 302 if who == "anonymous" else 404
    assert client.get(reverse("aidants:dispositifs", args=[org, aidant.pk])).status_code == expected
    assert client.post(reverse("aidants:dispositifs", args=[org, aidant.pk]), {"serial": "AC-0001"}).status_code in (
        expected,
    )
    assert client.get(reverse("aidants:dispositif_application", args=[org, aidant.pk])).status_code == expected
    assert client.post(reverse("aidants:dispositif_retirer", args=[org, aidant.pk, device.pk])).status_code == expected
    assert CarteTOTP.objects.get(serial="AC-0001").aidant is None
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not TOTPDevice.objects.filter(user=aidant.user, confirmed=False).exists()


def test_aidant_of_another_organisation_cannot_be_targeted(client, world):
    CarteTOTP.objects.create(serial="AC-0001", key=SEED_HEX)
    login(client, world["responsable"])
    # The other organisation's aidant under my organisation's URL: not found.
    url = reverse("aidants:dispositifs", args=[world["org"].pk, world["aidant_autre"].pk])
    assert client.post(url, {"serial": "AC-0001"}).status_code == 404
    with pytest.raises(DomainError, match="n’appartient pas"):
        services.carte_link(actor=world["responsable"], aidant=world["aidant_autre"], serial="AC-0001")
    assert CarteTOTP.objects.get(serial="AC-0001").aidant is None
