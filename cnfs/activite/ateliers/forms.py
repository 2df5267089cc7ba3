"""Forms of permanences, ateliers, bookings and appointments. They parse input; the rules live in services and
come back as `DomainError`, shown on the field they name."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from cnfs.activite.ateliers.enums import Niveau, TypeAcces
from cnfs.activite.ateliers.services import CRENEAU_DUREES
from cnfs.activite.enums import AGE_FIELDS, STATUT_FIELDS, Autonomie, DemarcheType, Materiel, Orientation, Theme
from cnfs.activite.models.atelier import CAPACITE_MAX
from cnfs.core.errors import DomainError
from cnfs.lieux import horaires


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def lieu_label(lieu) -> str:
    return f"{lieu.nom} ({lieu.commune.nom})"


def attach_error(form: forms.Form, error: DomainError) -> None:
    """Show a refused action's French message on the field it names, or at the top of the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


CONSENT_REQUIRED = "Vous devez accepter que vos coordonnées soient utilisées pour gérer votre inscription."


class ContactForm(DsfrBaseForm):
    """Who books, without an account. The checks themselves are in `contact.clean_contact` (service side)."""

    nom = forms.CharField(
        label="Nom et prénom",
        max_length=150,
        error_messages={"required": "Indiquez votre nom."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.CharField(
        label="Adresse électronique",
        required=False,
        max_length=254,
        help_text="Pour recevoir la confirmation, le rappel et le lien d’annulation. Format attendu : nom@exemple.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    telephone = forms.CharField(
        label="Téléphone",
        required=False,
        max_length=25,
        help_text="À défaut de courriel, pour être joint·e. Format attendu : 06 12 34 56 78",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    consentement = forms.BooleanField(
        label=(
            "J’accepte que mes coordonnées soient utilisées uniquement pour gérer mon inscription "
            "(confirmation, rappel, annulation). Elles sont effacées après l’événement."
        ),
        # The service checks it too, with the same message (API or other callers).
        error_messages={"required": CONSENT_REQUIRED},
    )


class RendezVousForm(ContactForm):
    motif = forms.CharField(
        label="Motif du rendez-vous",
        required=False,
        max_length=280,
        help_text="Par exemple : créer une adresse électronique, déclarer ses revenus en ligne.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    field_order = ["nom", "email", "telephone", "motif", "consentement"]


class RechercheAteliersForm(DsfrBaseForm):
    q = forms.CharField(
        label="Commune ou code postal",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "ex. Saint-Étienne ou 42000"}),
    )
    theme = forms.ChoiceField(label="Thème", required=False, choices=[("", "Tous les thèmes"), *Theme.choices])


class AtelierForm(DsfrBaseForm):
    titre = forms.CharField(label="Titre", max_length=150)
    description = forms.CharField(
        label="Description", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    themes = forms.MultipleChoiceField(label="Thèmes", choices=Theme.choices, widget=forms.CheckboxSelectMultiple)
    niveau = forms.ChoiceField(label="Niveau", choices=Niveau.choices)
    jour = forms.DateField(label="Date", widget=DateInput())
    heure = forms.TimeField(label="Heure de début", widget=TimeInput())
    duree_minutes = forms.IntegerField(label="Durée (minutes)", min_value=15, max_value=480, initial=90)
    lieu = forms.ModelChoiceField(label="Lieu", queryset=None, required=False, empty_label="À distance")
    lien_distance = forms.URLField(
        label="Lien de connexion (atelier à distance)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Seulement si l’atelier a lieu à distance. Format attendu : https://…",
    )
    capacite = forms.IntegerField(label="Nombre de places", min_value=1, max_value=CAPACITE_MAX, initial=10)
    liste_attente = forms.BooleanField(
        label="Ouvrir une liste d’attente quand l’atelier est complet", required=False, initial=True
    )

    def __init__(self, *args, lieux, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lieu"].queryset = lieux.select_related("commune")
        self.fields["lieu"].label_from_instance = lieu_label
        principal = lieux.values_list("pk", flat=True).first()
        if principal is not None:
            self.fields["lieu"].initial = principal

    def debut(self) -> datetime:
        naive = datetime.combine(self.cleaned_data["jour"], self.cleaned_data["heure"])
        return timezone.make_aware(naive, timezone.get_default_timezone())


class DetailsAtelierForm(DsfrBaseForm):
    """Title and start of an upcoming atelier (the advisor's management page)."""

    titre = forms.CharField(label="Titre", max_length=150)
    jour = forms.DateField(label="Date", widget=DateInput())
    heure = forms.TimeField(label="Heure de début", widget=TimeInput())

    def debut(self) -> datetime:
        naive = datetime.combine(self.cleaned_data["jour"], self.cleaned_data["heure"])
        return timezone.make_aware(naive, timezone.get_default_timezone())


class CapaciteForm(DsfrBaseForm):
    capacite = forms.IntegerField(label="Nombre de places", min_value=1, max_value=CAPACITE_MAX)


class PermanenceForm(DsfrBaseForm):
    lieu = forms.ModelChoiceField(label="Lieu d’activité", queryset=None)
    horaires = forms.CharField(
        label="Horaires",
        max_length=horaires.MAX_LENGTH,
        help_text=f"Syntaxe OpenStreetMap opening_hours. Exemple : {horaires.EXAMPLE}",
    )
    acces = forms.ChoiceField(label="Type d’accès", choices=TypeAcces.choices, widget=forms.RadioSelect)
    itinerante = forms.BooleanField(label="Permanence itinérante (bus numérique, tournée)", required=False)
    description = forms.CharField(label="Précisions", required=False, max_length=280)

    def __init__(self, *args, lieux, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lieu"].queryset = lieux.select_related("commune")
        self.fields["lieu"].label_from_instance = lieu_label


class CreneauxForm(DsfrBaseForm):
    jour = forms.DateField(label="Date", widget=DateInput())
    de = forms.TimeField(label="De", widget=TimeInput())
    a = forms.TimeField(label="À", widget=TimeInput())
    duree_minutes = forms.TypedChoiceField(
        label="Durée de chaque créneau",
        coerce=int,
        choices=[(d, f"{d} minutes") for d in CRENEAU_DUREES],
        initial=30,
    )


def _count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=CAPACITE_MAX, initial=0, required=False)


# Declared fields (not added in __init__) so that django-dsfr styles them like the others.
_CountsForm = type(
    "_CountsForm",
    (DsfrBaseForm,),
    {"__module__": __name__, **{name: _count_field(label) for name, label in (*AGE_FIELDS, *STATUT_FIELDS)}},
)


class PresencesForm(_CountsForm):
    """Who came (one checkbox per confirmed booking), walk-ins, and the age and situation breakdowns."""

    presents = forms.MultipleChoiceField(
        label="Personnes inscrites présentes", required=False, widget=forms.CheckboxSelectMultiple
    )
    sans_inscription = _count_field("Personnes venues sans inscription")

    field_order = ["presents", "sans_inscription"]

    def __init__(self, *args, reservations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presents"].choices = [(str(r.pk), r.nom or f"Inscription n° {r.pk}") for r in reservations]

    def age_fields(self):
        return [self[name] for name, _ in AGE_FIELDS]

    def statut_fields(self):
        return [self[name] for name, _ in STATUT_FIELDS]

    def counts(self, fields) -> dict[str, int]:
        return {name: self.cleaned_data[name] or 0 for name, _ in fields}


def _optional(choices) -> list[tuple[str, str]]:
    return [("", "Non précisé"), *choices]


class CompteRenduRendezVousForm(DsfrBaseForm):
    """The individual activity record of an appointment: date, place, duration and one participant are known."""

    themes = forms.MultipleChoiceField(
        label="Thèmes abordés", choices=Theme.choices, widget=forms.CheckboxSelectMultiple
    )
    demarche_type = forms.ChoiceField(
        label="Type de démarche en ligne", required=False, choices=_optional(DemarcheType.choices)
    )
    age = forms.ChoiceField(label="Tranche d’âge de la personne", choices=AGE_FIELDS, widget=forms.RadioSelect)
    statut = forms.ChoiceField(
        label="Situation de la personne",
        choices=STATUT_FIELDS,
        initial="statut_non_renseigne",
        widget=forms.RadioSelect,
    )
    duree_minutes = forms.IntegerField(label="Durée (minutes)", min_value=1, max_value=24 * 60)
    autonomie = forms.ChoiceField(label="Autonomie atteinte", required=False, choices=_optional(Autonomie.choices))
    materiel = forms.ChoiceField(label="Matériel utilisé", required=False, choices=_optional(Materiel.choices))
    orientation = forms.ChoiceField(
        label="Orientation vers un autre organisme", required=False, choices=_optional(Orientation.choices)
    )
    notes = forms.CharField(label="Notes", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
