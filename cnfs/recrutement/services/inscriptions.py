"""Public sign-up of host structures and candidates: an inactive account, its structure or application, and an
e-mail with a confirmation link (Django's token machinery) that activates the account."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from cnfs.core import throttling
from cnfs.core.models import User
from cnfs.core.services import audit_log
from cnfs.core.tasks import email_send_later
from cnfs.recrutement.models import Candidature, Structure
from cnfs.recrutement.services._common import refuse
from cnfs.recrutement.services.candidatures import candidature_create
from cnfs.recrutement.services.structures import structure_create

ACCOUNT_EXISTS = (
    "Un compte existe déjà avec cette adresse électronique : connectez-vous, puis revenez sur cette page "
    "(ou utilisez « Mot de passe oublié »)."
)


class ConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """A link that works once: activating the account changes the hashed state (`is_active`)."""

    key_salt = "cnfs.recrutement.inscription"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


confirmation_tokens = ConfirmationTokenGenerator()


def signup_limit() -> throttling.Limit:
    """Sign-up attempts per IP address (every POST counts, accepted or not)."""
    return throttling.Limit(
        "inscription-ip",
        getattr(settings, "RECRUTEMENT_SIGNUP_MAX_PER_IP", 20),
        getattr(settings, "RECRUTEMENT_SIGNUP_WINDOW_SECONDS", 3600),
    )


def _account_create(*, email: str, password: str, first_name: str, last_name: str) -> User:
    email = throttling.normalize_email(email)
    if not email or "@" not in email:
        refuse("Saisissez une adresse électronique valide.", field="email")
    if User.objects.filter(email__iexact=email).exists():
        refuse(ACCOUNT_EXISTS, field="email")
    user = User(email=email, first_name=first_name.strip()[:150], last_name=last_name.strip()[:150], is_active=False)
    try:
        validate_password(password, user)
    except ValidationError as error:
        refuse(" ".join(error.messages), field="password1")
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The same address signed up in a concurrent request that committed first.
        refuse(ACCOUNT_EXISTS, field="email")
    return user


def confirmation_url(user: User, request=None) -> str:
    path = reverse(
        "recrutement:inscription_confirmer",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": confirmation_tokens.make_token(user)},
    )
    return request.build_absolute_uri(path) if request is not None else path


def _send_confirmation(user: User, *, what: str, request) -> None:
    text = render_to_string(
        "recrutement/emails/inscription_confirmer.txt",
        {
            "user": user,
            "what": what,
            "url": confirmation_url(user, request),
            "minutes": max(settings.PASSWORD_RESET_TIMEOUT // 60, 1),
        },
    ).strip()
    subject, _, body = text.partition("\n")
    email_send_later(subject=subject.strip(), body=body.strip() + "\n", to=[user.email])


@transaction.atomic
def structure_signup(
    *, email: str, password: str, contact_prenom: str, contact_nom: str, request=None, **structure_fields
) -> Structure:
    """A structure manager without an account registers their structure: an inactive account (the contact's
    address), the structure with the `structure` role on it, and a confirmation e-mail. All or nothing."""
    user = _account_create(email=email, password=password, first_name=contact_prenom, last_name=contact_nom)
    structure = structure_create(
        actor=user,
        manager=user,
        contact_prenom=contact_prenom,
        contact_nom=contact_nom,
        contact_email=user.email,
        request=request,
        **structure_fields,
    )
    audit_log(actor=user, action="recrutement.inscription_structure", target=user, request=request)
    _send_confirmation(user, what=f"l’inscription de « {structure.nom} »", request=request)
    return structure


@transaction.atomic
def candidat_signup(
    *, email: str, password: str, prenom: str, nom: str, cv=None, request=None, **fields
) -> Candidature:
    """Becoming an advisor (public sign-up): an inactive account with the `candidat` role, the application (same checks
    and duplicate rules as `candidature_create`) and a confirmation e-mail. All or nothing (CV file included)."""
    email = throttling.normalize_email(email)
    if Candidature.objects.filter(email=email).exists():
        refuse(
            "Une candidature existe déjà avec cette adresse électronique : connectez-vous pour la modifier.",
            field="email",
        )
    user = _account_create(email=email, password=password, first_name=prenom, last_name=nom)
    candidature = candidature_create(
        actor=user, user=user, email=email, prenom=prenom, nom=nom, cv=cv, request=request, **fields
    )
    audit_log(actor=user, action="recrutement.inscription_candidat", target=user, request=request)
    _send_confirmation(user, what="votre candidature au métier de conseiller numérique", request=request)
    return candidature


def user_for_confirmation(uidb64: str, token: str) -> User | None:
    """The account a confirmation link names, if the link is genuine, unexpired and not used yet."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or user.is_active or not confirmation_tokens.check_token(user, token):
        return None
    return user


@transaction.atomic
def account_confirm(*, uidb64: str, token: str, request=None) -> User:
    """Activate the account of a confirmation link. Refuses a wrong, expired or already used link."""
    user = user_for_confirmation(uidb64, token)
    if user is None:
        refuse(
            "Ce lien de confirmation n’est pas valide : il a peut-être déjà servi ou expiré. "
            "Essayez de vous connecter, ou demandez un nouveau lien de confirmation."
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_log(actor=user, action="recrutement.inscription_confirmee", target=user, request=request)
    return user


def confirmation_resend(*, email: str, request=None) -> bool:
    """Send a new confirmation link to an account not yet confirmed. The page answers the same way whatever the
    result, so that it tells nobody which addresses have an account; True when a link was sent."""
    user = User.objects.filter(email__iexact=throttling.normalize_email(email), is_active=False).first()
    if user is None or not user.has_usable_password():
        return False
    _send_confirmation(user, what="votre demande d’un nouveau lien de confirmation", request=request)
    audit_log(actor=None, action="recrutement.inscription_relance", target=user, request=request)
    return True
