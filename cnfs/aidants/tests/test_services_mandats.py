"""Mandates: creation with TOTP, replacement, renewal, revocation, expiry, the authorisation check; every refusal
is a French DomainError, writes nothing but a journal entry of the attempt."""

import datetime

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.aidants import services
from cnfs.aidants.enums import ActionJournal, Demarche, DureeMandat, StatutAidant, add_months, mandat_end
from cnfs.aidants.models import Autorisation, JournalEntry, Mandat, Usager
from cnfs.aidants.tests.factories import MandatFactory, OrganisationFactory, UsagerFactory, aidant_user
from cnfs.core.errors import DomainError
from cnfs.core.services.otp import totp_device_create_confirmed
from cnfs.core.tests.auth import totp_code

pytestmark = pytest.mark.django_db

CLAIMS = {"sub": "fc-sub-1", "given_name": "Jeanne Marie", "family_name": "Martin", "birthdate": "1948-05-02"}


@pytest.fixture
def org():
    return OrganisationFactory()


@pytest.fixture
def aidant(org):
    user = aidant_user(org)
    totp_device_create_confirmed(user=user)
    return user


def _code(user, steps_ahead=0):
    return totp_code(TOTPDevice.objects.get(user=user), steps_ahead=steps_ahead)


def _create(aidant, demarches=(Demarche.SOCIAL, Demarche.LOGEMENT), claims=CLAIMS, duree=DureeMandat.SIX_MOIS, **kw):
    code = kw.pop("totp_code", None) or _code(aidant)
    return services.mandat_create(aidant_user=aidant, claims=claims, demarches=demarches, duree=duree, totp_code=code)


def _refusals():
    return list(JournalEntry.objects.filter(action=ActionJournal.TENTATIVE_REFUSEE).order_by("seq"))


def test_creation_writes_mandate_authorisations_and_journal(aidant, org):
    mandat = _create(aidant)
    assert mandat.organisation == org
    assert sorted(a.demarche for a in mandat.autorisations.all()) == ["logement", "social"]
    assert mandat.fin == add_months(mandat.debut, 6)
    assert mandat.consentement_version == "2026-12"
    actions = list(JournalEntry.objects.values_list("action", flat=True))
    assert actions == ["identite_usager", "autorisation_creee", "autorisation_creee", "mandat_cree"]
    assert services.journal_verify().ok
    usager = Usager.objects.get()
    assert usager.sub_hash == services.sub_hash("fc-sub-1") and "fc-sub-1" not in usager.sub_hash
    assert services.aidant_can_act(aidant, usager, Demarche.SOCIAL)


def test_sub_hash_is_keyed_by_a_secret(settings):
    before = services.sub_hash("abc")
    settings.AIDANTS_SUB_SECRET = "un-autre-secret"
    assert services.sub_hash("abc") != before and len(before) == 64


def test_same_identity_is_the_same_usager(aidant):
    _create(aidant, demarches=[Demarche.SOCIAL])
    _create(
        aidant,
        demarches=[Demarche.ARGENT],
        claims={**CLAIMS, "family_name": "Martin-Durand"},
        totp_code=_code(aidant, 1),
    )
    assert Usager.objects.count() == 1
    assert Usager.objects.get().family_name == "Martin-Durand"


def test_new_authorisation_replaces_the_active_one_for_the_same_demarche(aidant):
    first = _create(aidant, demarches=[Demarche.SOCIAL, Demarche.LOGEMENT])
    second = _create(aidant, demarches=[Demarche.SOCIAL], totp_code=_code(aidant, 1))
    old = first.autorisations.get(demarche=Demarche.SOCIAL)
    assert old.revoked_at is not None and old.remplacee_par == second.autorisations.get()
    assert first.autorisations.get(demarche=Demarche.LOGEMENT).revoked_at is None
    usager = first.usager
    assert Autorisation.objects.active().filter(mandat__usager=usager, demarche=Demarche.SOCIAL).count() == 1
    assert JournalEntry.objects.filter(action=ActionJournal.AUTORISATION_REMPLACEE).count() == 1


def test_replacing_every_authorisation_ends_the_old_mandate(aidant):
    first = _create(aidant, demarches=[Demarche.SOCIAL])
    _create(aidant, demarches=[Demarche.SOCIAL], totp_code=_code(aidant, 1))
    first.refresh_from_db()
    assert first.revoked_at is not None


def test_other_organisation_mandates_are_untouched(aidant):
    other = MandatFactory(demarches=[Demarche.SOCIAL])
    claims = services.claims_from_aidant_form(
        given_name=other.usager.given_names, family_name=other.usager.family_name, birthdate=other.usager.birthdate
    )
    other.usager.sub_hash = services.sub_hash(claims["sub"])
    other.usager.save()
    _create(aidant, demarches=[Demarche.SOCIAL], claims=claims)
    assert other.autorisations.get().revoked_at is None


# --- Refusals: French message, nothing written, the attempt journaled ---------------------------------------------


def _assert_refused(call, message_part, motif):
    mandats, autorisations = Mandat.objects.count(), Autorisation.objects.count()
    with pytest.raises(DomainError) as error:
        call()
    assert message_part in error.value.message
    assert Mandat.objects.count() == mandats and Autorisation.objects.count() == autorisations
    refusal = _refusals()[-1]
    assert refusal.data["motif"] == motif
    assert services.journal_verify().ok
    return refusal


def test_demarche_outside_the_allowed_list(aidant, org):
    refusal = _assert_refused(
        lambda: _create(aidant, demarches=[Demarche.SOCIAL, Demarche.JUSTICE]),
        "n’est pas habilitée pour : « Justice »",
        "demarche_hors_habilitation",
    )
    assert refusal.organisation_id == org.pk and refusal.demarche == "justice"
    assert not Usager.objects.exists()


def test_unknown_demarche_and_duration(aidant):
    _assert_refused(lambda: _create(aidant, demarches=["impots"]), "Démarche inconnue", "demarche_inconnue")
    _assert_refused(lambda: _create(aidant, duree="3_ans"), "Choisissez une durée", "duree_invalide")
    _assert_refused(lambda: _create(aidant, demarches=[]), "au moins une démarche", "aucune_demarche")


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({**CLAIMS, "birthdate": "31/12/1950"}, "date de naissance"),
        ({**CLAIMS, "birthdate": "2999-01-01"}, "pas vraisemblable"),
        ({**CLAIMS, "family_name": " "}, "nom de naissance est obligatoire"),
        ({**CLAIMS, "sub": ""}, "identifiant"),
    ],
)
def test_bad_identity(aidant, claims, message):
    _assert_refused(lambda: _create(aidant, claims=claims), message, "identite")


def test_wrong_totp_code(aidant):
    good = _code(aidant)
    wrong = "000000" if good != "000000" else "111111"
    _assert_refused(lambda: _create(aidant, totp_code=wrong), "Code incorrect", "totp_invalid_code")


def test_reused_totp_code(aidant):
    code = _code(aidant)
    _create(aidant, totp_code=code)
    _assert_refused(
        lambda: _create(aidant, demarches=[Demarche.ARGENT], totp_code=code), "déjà utilisé", "totp_invalid_code"
    )


def test_backup_code_is_not_a_fresh_totp(aidant):
    _assert_refused(lambda: _create(aidant, totp_code="abcdefgh"), "code à 6 chiffres", "totp_format")


@pytest.mark.parametrize("statut", [StatutAidant.EN_FORMATION, StatutAidant.DESACTIVE])
def test_non_habilitated_aidant(org, statut):
    user = aidant_user(org, statut=statut)
    totp_device_create_confirmed(user=user)
    _assert_refused(lambda: _create(user), "n’est pas celui d’un aidant habilité", "non_habilite")


def test_inactive_organisation(aidant, org):
    org.active = False
    org.save()
    _assert_refused(lambda: _create(aidant), "aidant habilité d’une organisation active", "non_habilite")


# --- The check -----------------------------------------------------------------------------------------------------


def test_aidant_of_a_cannot_act_for_an_usager_of_b(aidant):
    mandat_b = MandatFactory(demarches=[Demarche.SOCIAL])
    with pytest.raises(DomainError, match="Aucun mandat de votre organisation"):
        services.autorisation_require(aidant_user=aidant, usager=mandat_b.usager, demarche=Demarche.SOCIAL)
    assert not services.aidant_can_act(aidant, mandat_b.usager, Demarche.SOCIAL)
    refusals = _refusals()
    assert len(refusals) == 2 and refusals[-1].data == {"motif": "sans_mandat", "tentative": "agir_pour_usager"}
    assert refusals[-1].usager == str(mandat_b.usager.uuid)


def test_only_the_authorised_demarche(aidant, org):
    mandat = MandatFactory(organisation=org, demarches=[Demarche.SOCIAL])
    assert services.aidant_can_act(aidant, mandat.usager, Demarche.SOCIAL)
    assert not services.aidant_can_act(aidant, mandat.usager, Demarche.ARGENT)
    assert not services.aidant_can_act(aidant, mandat.usager, "inconnue")


def test_expired_authorisation(aidant, org):
    mandat = MandatFactory(organisation=org, expire=True, demarches=[Demarche.SOCIAL])
    with pytest.raises(DomainError, match=r"a expiré le \d\d/\d\d/\d{4}"):
        services.autorisation_require(aidant_user=aidant, usager=mandat.usager, demarche=Demarche.SOCIAL)
    assert _refusals()[-1].data["motif"] == "autorisation_expiree"


def test_revoked_authorisation(aidant, org):
    mandat = MandatFactory(organisation=org, demarches=[Demarche.SOCIAL, Demarche.ARGENT])
    services.autorisation_revoke(actor=aidant, autorisation=mandat.autorisations.get(demarche=Demarche.SOCIAL))
    with pytest.raises(DomainError, match="a été révoquée"):
        services.autorisation_require(aidant_user=aidant, usager=mandat.usager, demarche=Demarche.SOCIAL)
    assert services.aidant_can_act(aidant, mandat.usager, Demarche.ARGENT)


def test_aidant_who_changed_organisation_loses_the_old_mandates(aidant, org):
    mandat = MandatFactory(organisation=org, demarches=[Demarche.SOCIAL])
    new_org = OrganisationFactory()
    aidant.aidant.organisation = new_org
    aidant.aidant.save()
    aidant.__dict__.pop("_cnfs_aidant", None)
    assert not services.aidant_can_act(aidant, mandat.usager, Demarche.SOCIAL)


# --- Revocation and renewal ----------------------------------------------------------------------------------------


def test_revoking_the_last_authorisation_ends_the_mandate(aidant, org):
    mandat = MandatFactory(organisation=org, demarches=[Demarche.SOCIAL])
    services.autorisation_revoke(actor=aidant, autorisation=mandat.autorisations.get())
    mandat.refresh_from_db()
    assert mandat.revoked_at is not None
    assert list(JournalEntry.objects.values_list("action", flat=True)) == ["autorisation_revoquee", "mandat_revoque"]


def test_revoke_whole_mandate_then_again(aidant, org):
    mandat = MandatFactory(organisation=org, demarches=[Demarche.SOCIAL, Demarche.ARGENT])
    services.mandat_revoke(actor=aidant, mandat=mandat)
    assert not Autorisation.objects.active().exists()
    with pytest.raises(DomainError, match="déjà révoqué"):
        services.mandat_revoke(actor=aidant, mandat=mandat)
    assert _refusals()[-1].data["motif"] == "deja_revoque"


def test_cannot_revoke_a_mandate_of_another_organisation(aidant):
    other = MandatFactory(demarches=[Demarche.SOCIAL])
    with pytest.raises(DomainError, match="n’appartient pas à votre organisation"):
        services.mandat_revoke(actor=aidant, mandat=other)
    with pytest.raises(DomainError, match="n’appartient pas à votre organisation"):
        services.autorisation_revoke(actor=aidant, autorisation=other.autorisations.get())
    other.refresh_from_db()
    assert other.revoked_at is None and other.autorisations.get().revoked_at is None
    assert len(_refusals()) == 2


def test_renewal_replaces_the_active_authorisations(aidant):
    mandat = _create(aidant, demarches=[Demarche.SOCIAL, Demarche.LOGEMENT], duree=DureeMandat.MOIS)
    renewed = services.mandat_renew(
        aidant_user=aidant, mandat=mandat, duree=DureeMandat.DOUZE_MOIS, totp_code=_code(aidant, 1)
    )
    assert renewed.remplace == mandat and renewed.duree == DureeMandat.DOUZE_MOIS
    assert sorted(renewed.autorisations.values_list("demarche", flat=True)) == ["logement", "social"]
    mandat.refresh_from_db()
    assert mandat.revoked_at is not None
    assert JournalEntry.objects.filter(action=ActionJournal.MANDAT_RENOUVELE, mandat_id=renewed.pk).exists()


def test_renewal_of_another_organisation_mandate_is_refused(aidant):
    other = MandatFactory(demarches=[Demarche.SOCIAL])
    with pytest.raises(DomainError, match="autre organisation"):
        services.mandat_renew(aidant_user=aidant, mandat=other, duree=DureeMandat.MOIS, totp_code=_code(aidant))
    assert Mandat.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "duree", "end"),
    [
        (
            datetime.datetime(2026, 1, 31, 10, tzinfo=datetime.UTC),
            DureeMandat.MOIS,
            datetime.datetime(2026, 2, 28, 10, tzinfo=datetime.UTC),
        ),
        (
            datetime.datetime(2026, 8, 31, 10, tzinfo=datetime.UTC),
            DureeMandat.SIX_MOIS,
            datetime.datetime(2027, 2, 28, 10, tzinfo=datetime.UTC),
        ),
        (
            datetime.datetime(2028, 2, 29, 10, tzinfo=datetime.UTC),
            DureeMandat.DOUZE_MOIS,
            datetime.datetime(2029, 2, 28, 10, tzinfo=datetime.UTC),
        ),
        (
            datetime.datetime(2026, 12, 31, 23, tzinfo=datetime.UTC),
            DureeMandat.JOUR,
            datetime.datetime(2027, 1, 1, 23, tzinfo=datetime.UTC),
        ),
    ],
)
def test_expiry_computation(start, duree, end):
    assert mandat_end(start, duree) == end


def test_active_queryset_follows_the_clock(org):
    mandat = MandatFactory(
        organisation=org, duree=DureeMandat.JOUR, debut=timezone.now() - datetime.timedelta(hours=1)
    )
    assert Mandat.objects.active().filter(pk=mandat.pk).exists()
    assert not Mandat.objects.active(timezone.now() + datetime.timedelta(days=2)).filter(pk=mandat.pk).exists()
    assert UsagerFactory().mandats.count() == 0
