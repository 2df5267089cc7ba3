import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cnfs.lieux.enums import Dispositif, Label, PublicAdresse, Service
from cnfs.lieux.models import Lieu
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.lieux.validators import coordinates_error, pivot_error

pytestmark = pytest.mark.django_db


def test_schema_fields_all_modelled():
    import json

    from cnfs.lieux.tests.conftest import SCHEMA_V1, require_reference

    schema = json.loads(require_reference(SCHEMA_V1).read_text(encoding="utf-8"))
    model_fields = {f.name for f in Lieu._meta.get_fields()}
    # The schema's `id` is our `source_id`, `commune`/`code_insee` are the commune foreign key.
    renamed = {"id": "source_id", "code_insee": "commune"}
    missing = [f["name"] for f in schema["fields"] if renamed.get(f["name"], f["name"]) not in model_fields]
    assert len(schema["fields"]) == 32
    assert missing == []


def test_source_and_id_are_unique_in_the_database():
    LieuFactory(source="hinaura", source_id="1")
    with pytest.raises(IntegrityError), transaction.atomic():
        LieuFactory(source="hinaura", source_id="1")
    LieuFactory(source="autre", source_id="1")  # same id in another source is another place


@pytest.mark.parametrize(
    "latitude, longitude",
    [(91.0, 4.0), (-91.0, 4.0), (45.0, 181.0), (45.0, -180.5), (45.0, None), (None, 4.0)],
)
def test_coordinates_checked_by_the_database(latitude, longitude):
    with pytest.raises(IntegrityError), transaction.atomic():
        LieuFactory(latitude=latitude, longitude=longitude)


def test_postcode_format_checked_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        LieuFactory(code_postal="4200")


def test_label_flags_and_tags_follow_the_lists():
    lieu = LieuFactory(france_services=True)
    assert lieu.label_france_services and not lieu.label_aidants_connect
    assert lieu.labels == [Label.FRANCE_SERVICES]
    lieu.dispositif_programmes_nationaux = [Dispositif.AIDANTS_CONNECT, Dispositif.CONSEILLERS_NUMERIQUES]
    lieu.save(update_fields=["dispositif_programmes_nationaux"])
    lieu.refresh_from_db()
    assert not lieu.label_france_services
    assert lieu.label_aidants_connect and lieu.label_conseillers_numeriques


def test_queryset_filters_on_lists_and_labels():
    fs = LieuFactory(france_services=True, seniors=True)
    pass_num = LieuFactory(pass_numerique=True, services=[Service.PARENTALITE])
    fabrique = LieuFactory(fabrique_de_territoire=True)
    assert list(Lieu.objects.with_label(Label.FRANCE_SERVICES)) == [fs]
    assert list(Lieu.objects.with_label(Label.PASS_NUMERIQUE)) == [pass_num]
    assert list(Lieu.objects.with_label(Label.FABRIQUES_DE_TERRITOIRE)) == [fabrique]
    assert list(Lieu.objects.with_tag("publics_specifiquement_adresses", PublicAdresse.SENIORS)) == [fs]
    assert list(Lieu.objects.with_tag("services", Service.PARENTALITE)) == [pass_num]
    assert set(Lieu.objects.with_tag("services", Service.AIDE_DEMARCHES)) == {fs, fabrique}
    assert set(Lieu.objects.with_any_tag("services", [Service.PARENTALITE, Service.AIDE_DEMARCHES])) == {
        fs,
        pass_num,
        fabrique,
    }
    # A slug that is the prefix of another must not match it.
    assert not Lieu.objects.with_tag("services", "aide").exists()


def test_clean_refuses_unknown_values_bad_postcode_and_swapped_coordinates():
    lieu = LieuFactory.build(
        commune=LieuFactory().commune,
        services=["inconnu"],
        code_postal="75001",
        latitude=4.39,
        longitude=45.43,
    )
    with pytest.raises(ValidationError) as excinfo:
        lieu.full_clean()
    errors = excinfo.value.message_dict
    assert "Valeur(s) inconnue(s) : inconnu." in errors["services"]
    assert any("ne correspond pas à la commune" in m for m in errors["code_postal"])
    assert any("inversées" in m for m in errors["latitude"])


@pytest.mark.parametrize(
    "value, ok",
    [
        ("00000000000000", True),
        ("43493312300029", True),  # the schema's example
        ("43493312300028", False),  # wrong key
        ("35600000049837", True),  # La Poste: sum of digits divisible by 5
        ("732829320", True),  # SIREN
        ("732829321", False),
        ("35600000049838", False),
        ("W751234567", True),
        ("W2A1234567", True),
        ("W75123456", False),
        ("1234", False),
        ("ABCDEFGHIJKLMN", False),
    ],
)
def test_pivot_validation(value, ok):
    assert (pivot_error(value) is None) is ok


@pytest.mark.parametrize(
    "latitude, longitude, expected",
    [
        (45.43, 4.39, None),
        (-21.1, 55.5, None),  # La Réunion
        (4.39, 45.43, "inversées"),
        (40.71, -74.0, "hors de France"),
        (45.0, None, "incomplètes"),
    ],
)
def test_coordinates_error(latitude, longitude, expected):
    message = coordinates_error(latitude, longitude)
    assert (message is None) if expected is None else (expected in message)


def test_one_field_mapping_serves_import_form_and_export():
    import json

    from cnfs.lieux.enums import SCHEMA_LISTS
    from cnfs.lieux.fields import EDITABLE_FIELDS, IMPORTED_FIELDS, SCHEMA_COLUMNS
    from cnfs.lieux.forms import SCALAR_FIELDS
    from cnfs.lieux.tests.conftest import SCHEMA_V1, require_reference

    schema = json.loads(require_reference(SCHEMA_V1).read_text(encoding="utf-8"))
    assert list(SCHEMA_COLUMNS) == [f["name"] for f in schema["fields"]]  # 32 columns, in the schema's order
    model_fields = {f.name if not f.is_relation else f.attname for f in Lieu._meta.get_fields() if f.concrete}
    assert set(IMPORTED_FIELDS) <= model_fields
    assert "source" not in IMPORTED_FIELDS and "structure_id" not in IMPORTED_FIELDS
    assert set(IMPORTED_FIELDS) - set(EDITABLE_FIELDS) == {"date_maj"}
    assert set(SCHEMA_LISTS) <= set(EDITABLE_FIELDS)
    assert "commune_id" not in SCALAR_FIELDS and not set(SCALAR_FIELDS) & set(SCHEMA_LISTS)
