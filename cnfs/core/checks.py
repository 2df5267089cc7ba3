"""Deployment checks (`cnfs check --deploy`): settings that production needs and development fills in itself."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def production_settings(app_configs, **kwargs):
    warnings = []
    site_url = getattr(settings, "SITE_URL", "")
    if not site_url.startswith("https://"):
        warnings.append(
            Warning(
                "SITE_URL n’est pas une adresse https : les liens des courriels envoyés par les tâches de fond "
                "(rappels, confirmations) seraient faux.",
                hint="Définissez SITE_URL=https://cnfs.exemple.fr (adresse publique de la plateforme).",
                id="cnfs.W001",
            )
        )
    if not all(
        getattr(settings, name, "")
        for name in ("PASSNUM_DEBITEUR_NOM", "PASSNUM_DEBITEUR_IBAN", "PASSNUM_DEBITEUR_BIC")
    ):
        warnings.append(
            Warning(
                "Le compte débiteur des virements pass numérique n’est pas configuré : aucun lot de paiement ne "
                "pourra être préparé.",
                hint="Définissez PASSNUM_DEBITEUR_NOM, PASSNUM_DEBITEUR_IBAN et PASSNUM_DEBITEUR_BIC.",
                id="cnfs.W002",
            )
        )
    return warnings
