"""Forms of Aidants Connect. They parse input only; rules stay in services (errors come back as DomainError,
shown on the form by the recruitment app's `attach_error`)."""

from __future__ import annotations

import datetime

from django import forms
from django.core.validators import validate_email
from dsfr.forms import DsfrBaseForm

from cnfs.aidants.enums import Demarche, DureeMandat, TypeOrganisation
from cnfs.recrutement.forms import DateInput
from cnfs.recrutement.validators import normalize_siret, siret_error

AIDANTS_MAX = 50


class DemandeHabilitationForm(DsfrBaseForm):
    nom = forms.CharField(label="Nom de l’organisation", max_length=200)
    siret = forms.CharField(label="Numéro SIRET", max_length=20, help_text="14 chiffres, espaces acceptés.")
    type = forms.ChoiceField(label="Type d’organisation", choices=TypeOrganisation.choices)
    departement = forms.RegexField(
        label="Département (code)",
        regex=r"^(\d{2}|2A|2B|97\d)$",
        max_length=3,
        help_text="Par exemple : 42, 2A, 974.",
        error_messages={"invalid": "Saisissez un code de département (par exemple 42, 2A ou 974)."},
    )
    adresse = forms.CharField(label="Adresse", max_length=255)
    demarches = forms.MultipleChoiceField(
        label="Démarches pour lesquelles vos aidants accompagneront les usagers",
        choices=Demarche.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    demandeur_prenom = forms.CharField(label="Votre prénom", max_length=150)
    demandeur_nom = forms.CharField(label="Votre nom", max_length=150)
    demandeur_email = forms.EmailField(label="Votre adresse électronique")
    demandeur_fonction = forms.CharField(label="Votre fonction", max_length=150)
    responsable_prenom = forms.CharField(label="Prénom du ou de la responsable", max_length=150)
    responsable_nom = forms.CharField(label="Nom du ou de la responsable", max_length=150)
    responsable_email = forms.EmailField(label="Adresse électronique du ou de la responsable")
    responsable_telephone = forms.RegexField(
        label="Téléphone du ou de la responsable",
        regex=r"^\+?[\d .-]{10,20}$",
        max_length=20,
        error_messages={"invalid": "Saisissez un numéro de téléphone (10 chiffres)."},
    )
    aidants_prevus = forms.CharField(
        label="Futurs aidants",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Une personne par ligne : prénom ; nom ; adresse électronique.",
    )
    cgu_acceptees = forms.BooleanField(label="J’accepte les conditions générales d’utilisation d’Aidants Connect")
    protection_donnees = forms.BooleanField(
        label="Je m’engage, pour l’organisation, à protéger les données personnelles des usagers (RGPD)"
    )

    def clean_siret(self):
        value = self.cleaned_data["siret"]
        error = siret_error(value)
        if error:
            raise forms.ValidationError(error)
        return normalize_siret(value)

    def clean_aidants_prevus(self):
        people = []
        lines = [line.strip() for line in self.cleaned_data["aidants_prevus"].splitlines() if line.strip()]
        if len(lines) > AIDANTS_MAX:
            raise forms.ValidationError(f"{AIDANTS_MAX} aidants au plus par demande.")
        seen = set()
        for number, line in enumerate(lines, start=1):
            parts = [p.strip() for p in line.split(";")]
            if len(parts) != 3 or not all(parts):
                raise forms.ValidationError(f"Ligne {number} : écrivez « prénom ; nom ; adresse électronique ».")
            try:
                validate_email(parts[2])
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"Ligne {number} : l’adresse électronique « {parts[2]} » n’est pas valide."
                ) from None
            email = parts[2].lower()
            if email in seen:
                raise forms.ValidationError(f"Ligne {number} : l’adresse {email} est déjà citée.")
            seen.add(email)
            people.append({"prenom": parts[0], "nom": parts[1], "email": email})
        return people


class DecisionForm(DsfrBaseForm):
    ACCEPTER, REFUSER, MODIFIER = "accepter", "refuser", "modifier"
    decision = forms.ChoiceField(
        label="Décision",
        choices=[
            (ACCEPTER, "Accepter : créer l’organisation et le compte du responsable"),
            (MODIFIER, "Demander des modifications"),
            (REFUSER, "Refuser"),
        ],
        widget=forms.RadioSelect,
    )
    commentaire = forms.CharField(
        label="Commentaire pour le demandeur",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Obligatoire pour un refus ou une demande de modifications.",
    )


class FormationForm(DsfrBaseForm):
    formation_date = forms.DateField(label="Date de la formation", widget=DateInput())
    test_reussi = forms.TypedChoiceField(
        label="Test de compétences numériques",
        choices=[("1", "Réussi"), ("0", "Non réussi")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )


class TotpField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label="Code de votre application d’authentification",
            max_length=9,
            help_text="Les 6 chiffres affichés maintenant par votre application : ils confirment votre acte.",
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
            **kwargs,
        )


class MandatForm(DsfrBaseForm):
    """The aidant types the usager's identity: the demo's form when FranceConnect is not configured."""

    given_name = forms.CharField(label="Prénoms de l’usager", max_length=255)
    family_name = forms.CharField(label="Nom de naissance de l’usager", max_length=255)
    birthdate = forms.DateField(label="Date de naissance de l’usager", widget=DateInput())
    demarches = forms.MultipleChoiceField(
        label="Démarches autorisées", choices=Demarche.choices, widget=forms.CheckboxSelectMultiple
    )
    duree = forms.ChoiceField(label="Durée du mandat", choices=DureeMandat.choices, widget=forms.RadioSelect)
    consentement = forms.BooleanField(
        label="J’ai lu le texte de consentement à l’usager, qui l’accepte", required=True
    )
    totp = TotpField()

    def __init__(self, *args, allowed: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            # Only the organisation's démarches are offered; any of the ten still parses, so that the service
            # refuses (and journals) a forged one instead of the form hiding the attempt.
            self.fields["demarches"].widget.choices = [(d.value, d.label) for d in Demarche if d.value in allowed]

    def clean_birthdate(self):
        value = self.cleaned_data["birthdate"]
        if value > datetime.date.today():
            raise forms.ValidationError("La date de naissance ne peut pas être dans le futur.")
        return value


class RenouvellementForm(DsfrBaseForm):
    duree = forms.ChoiceField(label="Durée du nouveau mandat", choices=DureeMandat.choices, widget=forms.RadioSelect)
    totp = TotpField()


class MandatChoixForm(DsfrBaseForm):
    """FranceConnect configured: the démarches and duration first; the usager then signs in with FranceConnect."""

    demarches = forms.MultipleChoiceField(
        label="Démarches autorisées", choices=Demarche.choices, widget=forms.CheckboxSelectMultiple
    )
    duree = forms.ChoiceField(label="Durée du mandat", choices=DureeMandat.choices, widget=forms.RadioSelect)

    def __init__(self, *args, allowed: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:  # as MandatForm: a forged démarche still parses, the service refuses it
            self.fields["demarches"].widget.choices = [(d.value, d.label) for d in Demarche if d.value in allowed]


class MandatConfirmationForm(DsfrBaseForm):
    """The recap of a FranceConnect identity: the consent read to the usager, the aidant's fresh TOTP code."""

    consentement = forms.BooleanField(
        label="J’ai lu le texte de consentement à l’usager, qui l’accepte", required=True
    )
    totp = TotpField()
