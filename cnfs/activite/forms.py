"""Forms of the activity pages (DSFR). They only read types; the rules live in `validation.py`, through services."""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm
from dsfr.widgets import InlineRadioSelect

from cnfs.activite.enums import (
    AGE_FIELDS,
    DUREE_PRESETS,
    STATUT_FIELDS,
    Autonomie,
    Canal,
    DemarcheType,
    Materiel,
    Orientation,
    Theme,
    TypeAccompagnement,
)

DUREE_AUTRE = "autre"
# Service field → form field, for the errors of `AccompagnementInvalide`.
ERROR_FIELDS = {
    "lieu_id": "lieu",
    "commune_id": "commune",
    "beneficiaire_id": "beneficiaire",
    "duree_minutes": "duree",
}
GROUPS = ("ages", "statuts")


def _count_field(label: str, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "cnfs-count"}),
        **kwargs,
    )


class AccompagnementForm(DsfrBaseForm):
    """The CRA entry form: defaults (today, principal place, individuel, 30 min, 1 participant) make a usual record
    a matter of ticking topics and typing two counts."""

    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    type = forms.ChoiceField(label="Type", choices=TypeAccompagnement.choices, widget=InlineRadioSelect)
    canal = forms.ChoiceField(label="Où ?", choices=Canal.choices, widget=InlineRadioSelect)
    lieu = forms.TypedChoiceField(label="Lieu d’activité", coerce=int, required=False, empty_value=None)
    commune = forms.CharField(
        label="Commune (code INSEE)",
        max_length=5,
        required=False,
        help_text="Pour un accompagnement hors de vos lieux : 5 caractères, par exemple 42218.",
    )
    duree = forms.ChoiceField(
        label="Durée",
        choices=[
            (str(m), f"{m} min" if m < 60 else f"{m // 60} h{m % 60:02d}".replace("h00", " h")) for m in DUREE_PRESETS
        ]
        + [(DUREE_AUTRE, "Autre")],
        widget=InlineRadioSelect,
    )
    duree_autre = forms.IntegerField(
        label="Autre durée (minutes)",
        min_value=1,
        max_value=1440,
        required=False,
        help_text="Si « Autre » est choisi.",
    )
    participants = forms.IntegerField(label="Participants", min_value=1, max_value=100, widget=forms.NumberInput)
    participants_recurrents = _count_field("dont déjà accompagnés")
    themes = forms.MultipleChoiceField(label="Thèmes", choices=Theme.choices, widget=forms.CheckboxSelectMultiple)
    demarche_type = forms.ChoiceField(
        label="Type de démarche en ligne", choices=[("", "—"), *DemarcheType.choices], required=False
    )
    orientation = forms.ChoiceField(
        label="Orientation vers", choices=[("", "Aucune"), *Orientation.choices], required=False
    )
    materiel = forms.ChoiceField(label="Matériel utilisé", choices=[("", "—"), *Materiel.choices], required=False)
    autonomie = forms.ChoiceField(label="Autonomie atteinte", choices=[("", "—"), *Autonomie.choices], required=False)
    beneficiaire = forms.TypedChoiceField(
        label="Bénéficiaire suivi",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Seulement pour un suivi nominatif.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, lieux=(), beneficiaires=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (*AGE_FIELDS, *STATUT_FIELDS):
            self.fields[name] = _count_field(label)
        self.fields["lieu"].choices = [("", "—")] + [(lieu.pk, f"{lieu.nom} ({lieu.commune.nom})") for lieu in lieux]
        self.fields["beneficiaire"].choices = [("", "Anonyme")] + [(b.pk, str(b)) for b in beneficiaires]
        self.group_errors: dict[str, list[str]] = {group: [] for group in GROUPS}

    @staticmethod
    def initial_for_new(*, today, lieu_id) -> dict:
        return {
            "date": today,
            "type": TypeAccompagnement.INDIVIDUEL,
            "canal": Canal.LIEU_ACTIVITE if lieu_id else Canal.AUTRE_LIEU,
            "lieu": lieu_id,
            "duree": "30",
            "participants": 1,
        }

    @staticmethod
    def initial_for(accompagnement) -> dict:
        duree = str(accompagnement.duree_minutes)
        preset = duree if int(duree) in DUREE_PRESETS else DUREE_AUTRE
        initial = {
            name: getattr(accompagnement, name)
            for name in ("date", "type", "canal", "participants", "participants_recurrents", "demarche_type")
        }
        initial.update({name: getattr(accompagnement, name) for name, _ in (*AGE_FIELDS, *STATUT_FIELDS)})
        initial.update(
            orientation=accompagnement.orientation,
            materiel=accompagnement.materiel,
            autonomie=accompagnement.autonomie,
            notes=accompagnement.notes,
            lieu=accompagnement.lieu_id,
            commune=accompagnement.commune_id if not accompagnement.lieu_id else "",
            beneficiaire=accompagnement.beneficiaire_id,
            duree=preset,
            duree_autre=accompagnement.duree_minutes if preset == DUREE_AUTRE else None,
            themes=[t.theme for t in accompagnement.themes.all()],
        )
        return initial

    def clean(self):
        data = super().clean()
        if data.get("duree") == DUREE_AUTRE and not data.get("duree_autre"):
            self.add_error("duree_autre", "Indiquez la durée en minutes.")
        return data

    def service_data(self) -> dict:
        """The values the services validate, from the cleaned form."""
        data = self.cleaned_data
        duree = data["duree_autre"] if data["duree"] == DUREE_AUTRE else int(data["duree"])
        values = {
            "date": data["date"],
            "type": data["type"],
            "canal": data["canal"],
            "lieu_id": data.get("lieu"),
            "commune_id": (data.get("commune") or "").strip() or None,
            "duree_minutes": duree,
            "themes": data["themes"],
            "notes": data.get("notes", ""),
            "beneficiaire_id": data.get("beneficiaire"),
        }
        for name in ("participants", "participants_recurrents", *(n for n, _ in (*AGE_FIELDS, *STATUT_FIELDS))):
            values[name] = data.get(name) or 0
        for name in ("demarche_type", "orientation", "materiel", "autonomie"):
            values[name] = data.get(name) or ""
        return values

    def add_service_errors(self, errors: list[tuple[str | None, str]]) -> None:
        """Show the errors of `AccompagnementInvalide` next to their fields (the count groups at their fieldset)."""
        for name, message in errors:
            if name in GROUPS:
                self.group_errors.setdefault(name, []).append(message)
                self.add_error(None, message)
                continue
            name = ERROR_FIELDS.get(name, name)
            self.add_error(name if name in self.fields else None, message)


class BeneficiaireForm(DsfrBaseForm):
    prenom = forms.CharField(label="Prénom", max_length=150, required=False)
    nom = forms.CharField(label="Nom", max_length=150, required=False)
    email = forms.EmailField(label="Adresse électronique", required=False)
    telephone = forms.CharField(label="Téléphone", max_length=20, required=False)
    commune_code = forms.CharField(label="Commune de résidence (code INSEE)", max_length=5, required=False)
    consentement = forms.BooleanField(
        label="La personne a lu et accepté la notice de suivi nominatif (version en vigueur).",
        required=False,
        help_text="Obligatoire pour enregistrer un nom ou un contact. Sans nom ni contact, le suivi reste anonyme.",
    )


class FusionForm(DsfrBaseForm):
    conserve = forms.TypedChoiceField(label="Bénéficiaire à conserver", coerce=int)
    doublon = forms.TypedChoiceField(label="Doublon à fusionner (il sera supprimé)", coerce=int)

    def __init__(self, *args, beneficiaires=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(b.pk, f"{b} (nº {b.pk})") for b in beneficiaires]
        self.fields["conserve"].choices = choices
        self.fields["doublon"].choices = choices
