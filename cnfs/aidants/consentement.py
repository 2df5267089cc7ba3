"""The consent text an usager agrees to, by version. A mandate freezes the version it was given under.

Plain language, short sentences: it is read aloud to the usager. A new wording gets a new version; never edit a
version that mandates already carry.
"""

CONSENTEMENT_VERSION = "2026-12"

CONSENTEMENT_TEXTES = {
    "2026-12": [
        "Vous demandez de l’aide pour faire des démarches en ligne.",
        "Vous autorisez l’organisation {organisation} à faire ces démarches à votre place : {demarches}.",
        "Cette autorisation dure {duree}. Elle s’arrête le {fin}.",
        "Seuls les aidants habilités de cette organisation peuvent agir pour vous. Chacun de leurs actes est noté "
        "dans un journal que personne ne peut modifier.",
        "Vous pouvez arrêter cette autorisation quand vous voulez, pour une démarche ou pour toutes. "
        "Demandez-le à l’organisation.",
        "L’organisation garde seulement vos prénoms, votre nom et votre date de naissance.",
    ],
}


def consentement_lines(version: str, **values) -> list[str]:
    """The consent text of `version`, filled with the mandate's organisation, démarches, duration and end."""
    return [line.format(**values) for line in CONSENTEMENT_TEXTES[version]]
