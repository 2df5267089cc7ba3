"""The aidant's TOTP re-check after inactivity (ac-life): core's django-otp verification, journaled."""

from __future__ import annotations

import re

from django.utils import timezone

from cnfs.aidants import permissions
from cnfs.aidants.enums import ActionJournal
from cnfs.aidants.models import Aidant
from cnfs.aidants.recheck import touch
from cnfs.aidants.services._refusal import Refused, journal_refusal
from cnfs.aidants.services.journal import journal_append
from cnfs.core.errors import DomainError
from cnfs.core.services.otp import otp_verify

_TOTP = re.compile(r"^\d{6}$")
FORMAT = "Saisissez le code à 6 chiffres affiché par votre carte ou votre application d’authentification."


def totp_recheck(*, request, code: str) -> None:
    """A fresh 6-digit TOTP code (not a backup code): the session's act window starts again."""
    user = request.user
    aidant = permissions.current_aidant(user)
    if aidant is None:
        raise DomainError("Cette vérification est réservée aux aidants habilités.")
    try:
        code = re.sub(r"[\s-]", "", code or "")
        if not _TOTP.match(code):
            raise Refused(FORMAT, code="totp_format", organisation=aidant.organisation_id)
        try:
            otp_verify(user=user, code=code, request=request)
        except DomainError as error:
            raise Refused(
                error.message, code=f"totp_{error.code or 'refuse'}", organisation=aidant.organisation_id
            ) from None
    except Refused as refusal:
        raise journal_refusal(refusal, actor=user, attempted="totp_reverification") from None
    now = timezone.now()
    Aidant.objects.filter(pk=aidant.pk).update(last_activity_at=now)
    journal_append(action=ActionJournal.TOTP_REVERIFIE, actor=user, organisation=aidant.organisation_id)
    touch(request)
