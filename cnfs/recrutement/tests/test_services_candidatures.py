import datetime

import pytest

from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.models import AuditEvent
from cnfs.core.permissions import Scope
from cnfs.core.tests.factories import UserFactory
from cnfs.recrutement import services
from cnfs.recrutement.models import Candidature
from cnfs.recrutement.tests.conftest import nothing_written, pdf_bytes, pdf_upload
from cnfs.recrutement.tests.factories import TODAY, CandidatureFactory, national_agent
from cnfs.territoires.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def candidature_data(**overrides):
    data = {
        "prenom": "Zoé",
        "nom": "Lefèvre",
        "email": "Zoe.Lefevre@exemple.fr",
        "date_naissance": datetime.date(1995, 3, 4),
        "code_postal": "42000",
        "commune": CommuneFactory(),
        "date_disponibilite": TODAY,
        "distance_max": 40,
        "demandeur_emploi": True,
        "motivation": "Transmettre le goût du numérique.",
        "today": TODAY,
    }
    data.update(overrides)
    return data


def test_candidature_create_with_account_cv_and_audit(_private_root):
    user = UserFactory()
    candidature = services.candidature_create(actor=None, user=user, cv=pdf_upload("Mon CV.PDF"), **candidature_data())
    assert candidature.email == "zoe.lefevre@exemple.fr"
    assert candidature.cv_nom == "Mon CV.PDF"
    stored = _private_root / candidature.cv.name
    assert stored.read_bytes().startswith(b"%PDF-")
    assert "Mon CV" not in candidature.cv.name  # the person's file name is never used on disk
    assert AuditEvent.objects.filter(action="recrutement.candidature_create", actor=user).exists()
    user.__dict__.pop("_cnfs_scope", None)
    assert Role.CANDIDAT in Scope.for_user(user).roles


def test_duplicate_email_is_refused_whatever_the_case():
    existing = CandidatureFactory(email="zoe.lefevre@exemple.fr")
    with nothing_written(Candidature), pytest.raises(services.DoublonError, match="adresse électronique") as error:
        services.candidature_create(actor=None, **candidature_data(email="ZOE.LEFEVRE@exemple.fr"))
    assert error.value.existing == existing


def test_duplicate_identity_is_refused():
    CandidatureFactory(nom="LEFEVRE", prenom="zoe", date_naissance=datetime.date(1995, 3, 4), code_postal="42000")
    with nothing_written(Candidature), pytest.raises(services.DoublonError, match="mêmes nom, prénom"):
        services.candidature_create(actor=None, **candidature_data())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"demandeur_emploi": False}, "situations"),
        ({"diplome": True, "diplome_libelle": ""}, "diplome_libelle"),
        ({"distance_max": 30}, "distance_max"),
        ({"motivation": "x" * 2501}, "motivation"),
        ({"code_postal": "69001"}, "code_postal"),
        ({"code_postal": "42 00"}, "code_postal"),
        ({"date_naissance": TODAY}, "date_naissance"),
        ({"email": "pas-une-adresse"}, "email"),
    ],
)
def test_candidature_bad_input(overrides, field, _private_root):
    with nothing_written(Candidature), pytest.raises(DomainError) as error:
        services.candidature_create(actor=None, cv=pdf_upload(), **candidature_data(**overrides))
    assert error.value.field == field
    assert not _private_root.exists() or not any(_private_root.rglob("*.pdf"))


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"GIF89a pretending to be a CV", "fichier PDF"),
        (b"", "vide"),
        (b"%PDF-1.7\n this is not really a pdf \n%%EOF", "endommagé"),
        (pdf_bytes()[:200], "endommagé"),
        (b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "5 Mo"),
    ],
    ids=["gif-named-pdf", "empty", "fake-header", "truncated", "too-large"],
)
def test_cv_checked_by_content(content, fragment, _private_root):
    with nothing_written(Candidature), pytest.raises(DomainError, match=fragment) as error:
        services.candidature_create(actor=None, cv=pdf_upload("cv.pdf", content), **candidature_data())
    assert error.value.field == "cv"
    assert not _private_root.exists() or not any(_private_root.rglob("*"))


def test_candidate_edits_own_application_and_replaces_cv(_private_root, django_capture_on_commit_callbacks):
    user = UserFactory()
    candidature = services.candidature_create(actor=None, user=user, cv=pdf_upload(), **candidature_data())
    old_file = _private_root / candidature.cv.name
    with django_capture_on_commit_callbacks(execute=True):
        services.candidature_update(
            actor=user, candidature=candidature, distance_max=100, cv=pdf_upload("nouveau.pdf"), today=TODAY
        )
    candidature.refresh_from_db()
    assert candidature.distance_max == 100
    assert not old_file.exists()
    assert (_private_root / candidature.cv.name).exists()
    event = AuditEvent.objects.filter(action="recrutement.candidature_update").get()
    assert event.before["distance_max"] == 40 and event.after["distance_max"] == 100


def test_candidate_cannot_edit_another_application():
    owner = UserFactory()
    candidature = services.candidature_create(actor=None, user=owner, **candidature_data())
    intruder = CandidatureFactory(with_account=True).user
    with nothing_written(Candidature), pytest.raises(DomainError, match="votre propre candidature"):
        services.candidature_update(actor=intruder, candidature=candidature, motivation="Piraté", today=TODAY)
    candidature.refresh_from_db()
    assert candidature.motivation == "Transmettre le goût du numérique."


def test_update_cannot_steal_another_email():
    CandidatureFactory(email="pris@exemple.fr")
    user = UserFactory()
    candidature = services.candidature_create(actor=None, user=user, **candidature_data())
    with nothing_written(), pytest.raises(services.DoublonError):
        services.candidature_update(actor=user, candidature=candidature, email="Pris@exemple.fr", today=TODAY)
    candidature.refresh_from_db()
    assert candidature.email == "zoe.lefevre@exemple.fr"


def test_update_refuses_unknown_fields():
    user = UserFactory()
    candidature = services.candidature_create(actor=None, user=user, **candidature_data())
    with pytest.raises(DomainError, match="non modifiables"):
        services.candidature_update(actor=user, candidature=candidature, etape="en_poste", today=TODAY)


def test_national_team_may_correct_an_application():
    candidature = CandidatureFactory()
    services.candidature_update(actor=national_agent(), candidature=candidature, telephone="0600000000", today=TODAY)
    candidature.refresh_from_db()
    assert candidature.telephone == "0600000000"
