"""Forms of the places management pages (DSFR)."""

from __future__ import annotations

import re

from django import forms
from django.core.validators import EmailValidator, URLValidator
from dsfr.forms import DsfrBaseForm

from cnfs.lieux.enums import (
    Dispositif,
    FormationLabel,
    Frais,
    Itinerance,
    ModaliteAcces,
    ModaliteAccompagnement,
    PriseEnCharge,
    PublicAdresse,
    Service,
)
from cnfs.lieux.fields import EDITABLE_FIELDS
from cnfs.lieux.importers.plan import ALL_OR_NOTHING, MODES
from cnfs.lieux.importers.rows import normalise_phone
from cnfs.lieux.validators import CODE_POSTAL_RE, TELEPHONE_RE, coordinates_error, pivot_error
from cnfs.lieux.widgets import HorairesField
from cnfs.territoires.models import Commune

LIST_FIELDS = {
    "services": (Service, "Services"),
    "publics_specifiquement_adresses": (PublicAdresse, "Publics spécifiquement adressés"),
    "prise_en_charge_specifique": (PriseEnCharge, "Prise en charge spécifique"),
    "frais_a_charge": (Frais, "Frais à charge"),
    "dispositif_programmes_nationaux": (Dispositif, "Dispositifs et programmes nationaux"),
    "formations_labels": (FormationLabel, "Formations et labels"),
    "modalites_acces": (ModaliteAcces, "Modalités d’accès"),
    "modalites_accompagnement": (ModaliteAccompagnement, "Modalités d’accompagnement"),
    "itinerance": (Itinerance, "Itinérance"),
}
TEXT_LISTS = ("typologie", "courriels", "site_web")
# Edited fields that are one value each (the commune is entered as its INSEE code).
SCALAR_FIELDS = tuple(
    name for name in EDITABLE_FIELDS if name not in LIST_FIELDS and name not in TEXT_LISTS and name != "commune_id"
)


def _lines(value: str) -> list[str]:
    items = []
    for part in re.split(r"[\n,;|]+", value or ""):
        part = part.strip()
        if part and part not in items:
            items.append(part)
    return items


class LieuForm(DsfrBaseForm):
    """Every field of the schema a manager fills in; `source`, `id` and `date_maj` are set by the platform."""

    nom = forms.CharField(label="Nom du lieu", max_length=255)
    pivot = forms.CharField(
        label="SIRET ou RNA",
        max_length=14,
        required=False,
        help_text="14 chiffres (SIRET) ou W suivi de 9 caractères (RNA). Laissez vide s’il est inconnu.",
    )
    code_insee = forms.CharField(
        label="Code INSEE de la commune", max_length=5, help_text="5 caractères, par exemple 42218 pour Saint-Étienne."
    )
    code_postal = forms.CharField(label="Code postal", max_length=5)
    adresse = forms.CharField(label="Adresse", max_length=255, help_text="Numéro et voie, ex. 12 rue de la Paix.")
    complement_adresse = forms.CharField(label="Complément d’adresse", max_length=255, required=False)
    latitude = forms.FloatField(label="Latitude", required=False, help_text="Système WGS84, par exemple 45.4339.")
    longitude = forms.FloatField(label="Longitude", required=False, help_text="Système WGS84, par exemple 4.3900.")
    telephone = forms.CharField(label="Téléphone", max_length=20, required=False, help_text="Ex. 04 77 00 00 00.")
    courriels = forms.CharField(
        label="Courriels", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Un par ligne."
    )
    site_web = forms.CharField(
        label="Sites web", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Une adresse par ligne."
    )
    horaires = HorairesField(required=False)
    presentation_resume = forms.CharField(
        label="Présentation résumée", max_length=280, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    presentation_detail = forms.CharField(
        label="Présentation détaillée", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    typologie = forms.CharField(
        label="Typologie", required=False, help_text="Codes data.inclusion séparés par des virgules (ex. ASSO, CCAS)."
    )
    structure_parente = forms.CharField(label="Structure parente", max_length=255, required=False)
    autres_formations_labels = forms.CharField(label="Autres formations et labels", required=False)
    accepte_pass_numerique = forms.BooleanField(label="Accepte le pass numérique", required=False)
    fiche_acces_libre = forms.URLField(
        label="Fiche Accès libre", max_length=500, required=False, assume_scheme="https"
    )
    prise_rdv = forms.URLField(
        label="Prise de rendez-vous en ligne", max_length=500, required=False, assume_scheme="https"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (enum, label) in LIST_FIELDS.items():
            self.fields[name] = forms.MultipleChoiceField(
                label=label, choices=enum.choices, required=False, widget=forms.CheckboxSelectMultiple
            )

    @classmethod
    def initial_for(cls, lieu) -> dict:
        initial = {name: getattr(lieu, name) for name in SCALAR_FIELDS}
        initial["code_insee"] = lieu.commune_id
        for name in TEXT_LISTS:
            initial[name] = "\n".join(getattr(lieu, name) or ()) if name != "typologie" else ", ".join(lieu.typologie)
        for name in LIST_FIELDS:
            initial[name] = list(getattr(lieu, name) or ())
        return initial

    def clean_pivot(self):
        value = re.sub(r"\s", "", self.cleaned_data["pivot"]) or "00000000000000"
        message = pivot_error(value)
        if message:
            raise forms.ValidationError(message)
        return value

    def clean_code_insee(self):
        code = self.cleaned_data["code_insee"].strip().upper()
        commune = Commune.objects.filter(code=code).first()
        if commune is None:
            raise forms.ValidationError(f"Code INSEE {code} inconnu.")
        self.commune = commune
        return code

    def clean_code_postal(self):
        value = self.cleaned_data["code_postal"].strip()
        if not CODE_POSTAL_RE.match(value):
            raise forms.ValidationError("Le code postal compte 5 chiffres.")
        return value

    def clean_telephone(self):
        value = self.cleaned_data["telephone"].strip()
        if not value:
            return ""
        value = normalise_phone(value)
        if not TELEPHONE_RE.match(value):
            raise forms.ValidationError("Numéro invalide : 10 chiffres (04 77 00 00 00) ou format +33477000000.")
        return value

    def clean_courriels(self):
        emails = _lines(self.cleaned_data["courriels"])
        for email in emails:
            try:
                EmailValidator()(email)
            except forms.ValidationError:
                raise forms.ValidationError(f"Adresse électronique invalide : {email}.") from None
        return emails

    def clean_site_web(self):
        sites = _lines(self.cleaned_data["site_web"])
        sites = [s if re.match(r"^https?://", s, re.I) else f"https://{s}" for s in sites]
        for site in sites:
            try:
                URLValidator(schemes=["http", "https"])(site)
            except forms.ValidationError:
                raise forms.ValidationError(f"Adresse web invalide : {site}.") from None
        return sites

    def clean_typologie(self):
        codes = [code.upper() for code in _lines(self.cleaned_data["typologie"])]
        bad = [code for code in codes if not re.match(r"^[A-Z][A-Z0-9_]*$", code)]
        if bad:
            raise forms.ValidationError(f"Code(s) de typologie invalide(s) : {', '.join(bad)}.")
        return codes

    def clean(self):
        data = super().clean()
        message = coordinates_error(data.get("latitude"), data.get("longitude"))
        if message:
            self.add_error("latitude", message)
        commune = getattr(self, "commune", None)
        code_postal = data.get("code_postal")
        if commune is not None and code_postal and commune.codes_postaux and code_postal not in commune.codes_postaux:
            self.add_error(
                "code_postal",
                f"Le code postal {code_postal} ne correspond pas à {commune.nom} "
                f"({', '.join(commune.codes_postaux)}).",
            )
        return data

    def lieu_values(self) -> dict:
        """Cleaned data as `Lieu` field values."""
        data = dict(self.cleaned_data)
        data["commune_id"] = data.pop("code_insee")
        return data


class ImportForm(DsfrBaseForm):
    fichier = forms.FileField(label="Fichier CSV ou JSON", help_text="Schéma v1.0.1 ou v0.1.1, 50 Mo maximum.")
    source = forms.CharField(
        label="Source",
        max_length=150,
        required=False,
        help_text="Structure qui a collecté les données ; laissez vide pour lire la colonne « source » du fichier.",
    )
    mode = forms.ChoiceField(
        label="Si des lignes sont rejetées",
        choices=[(k, v.capitalize()) for k, v in MODES.items()],
        initial=ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
    dry_run = forms.BooleanField(label="Simuler seulement (ne rien enregistrer)", required=False)
