"""Forms of the training pages. They parse input only; rules stay in services (errors come back as
`DomainError` and are attached to the field they name)."""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from cnfs.formation.enums import BlocCertification, ResultatBloc, ResultatFormation, StatutPresence, StatutVAE
from cnfs.formation.importers import ALL_OR_NOTHING, MODES
from cnfs.formation.models import HEURES_MAX, ModuleFormation
from cnfs.recrutement.forms import DateInput, attach_error
from cnfs.territoires.models import Departement, Hub, Region

__all__ = ["attach_error"]

PARCOURS = "parcours"


class OrganismeForm(DsfrBaseForm):
    nom = forms.CharField(label="Raison sociale", max_length=255)
    siret = forms.CharField(label="Numéro SIRET", max_length=17, required=False, help_text="14 chiffres.")
    email = forms.EmailField(label="Adresse électronique de contact", required=False)


class SessionForm(DsfrBaseForm):
    module = forms.ModelChoiceField(label="Module", queryset=ModuleFormation.objects.filter(actif=True))
    date_debut = forms.DateField(label="Date de début", widget=DateInput())
    date_fin = forms.DateField(label="Date de fin", widget=DateInput())
    lieu = forms.CharField(label="Lieu", max_length=255, required=False)
    places = forms.IntegerField(label="Nombre de places", min_value=1, max_value=500, initial=20)


class InscriptionForm(DsfrBaseForm):
    email = forms.EmailField(label="Adresse électronique du conseiller recruté")
    cible = forms.ChoiceField(label="Inscrire au")
    session = forms.ModelChoiceField(
        label="Session", queryset=None, required=False, help_text="Facultatif : la session suivie, si elle existe."
    )
    date_debut = forms.DateField(
        label="Date de début", widget=DateInput(), required=False, help_text="Par défaut, le début de la session."
    )

    def __init__(self, *args, organisme, **kwargs):
        super().__init__(*args, **kwargs)
        modules = ModuleFormation.objects.filter(actif=True)
        self.fields["cible"].choices = [(PARCOURS, "Parcours initial selon le niveau Pix")] + [
            (m.code, f"Module : {m}") for m in modules
        ]
        self.fields["session"].queryset = organisme.sessions.select_related("module")

    def clean(self):
        data = super().clean()
        if not data.get("date_debut") and not data.get("session"):
            self.add_error("date_debut", "Indiquez la date de début ou choisissez une session.")
        if data.get("cible") == PARCOURS and data.get("session"):
            self.add_error("session", "Le parcours initial compte plusieurs modules : inscrivez sans session.")
        return data


class ResultatForm(DsfrBaseForm):
    heures_prevues = forms.DecimalField(
        label="Heures prévues", min_value=0, max_value=HEURES_MAX, decimal_places=1, max_digits=5
    )
    heures_realisees = forms.DecimalField(label="Heures réalisées", min_value=0, decimal_places=1, max_digits=5)
    date_debut = forms.DateField(label="Date de début", widget=DateInput())
    date_fin = forms.DateField(label="Date de fin", widget=DateInput(), required=False)
    resultat = forms.ChoiceField(label="Résultat", choices=ResultatFormation.choices)


class PresenceForm(DsfrBaseForm):
    date = forms.DateField(label="Jour", widget=DateInput())
    statut = forms.ChoiceField(label="Présence", choices=StatutPresence.choices)
    heures = forms.DecimalField(
        label="Heures suivies", min_value=0, max_value=12, decimal_places=1, max_digits=4, initial=7, required=False
    )


class PassageForm(DsfrBaseForm):
    candidature = forms.ModelChoiceField(label="Stagiaire", queryset=None)
    bloc = forms.ChoiceField(label="Bloc de compétences", choices=BlocCertification.choices)
    date_passage = forms.DateField(label="Date de l’épreuve", widget=DateInput())
    resultat = forms.ChoiceField(label="Résultat", choices=ResultatBloc.choices)

    def __init__(self, *args, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidature"].queryset = trainees


class ImportForm(DsfrBaseForm):
    fichier = forms.FileField(
        label="Fichier CSV",
        help_text="Colonnes : email, code, heures_prevues, heures_realisees, date_debut, date_fin, resultat. 5 Mo.",
    )
    mode = forms.ChoiceField(
        label="Si des lignes sont rejetées",
        choices=[(k, v.capitalize()) for k, v in MODES.items()],
        initial=ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
    dry_run = forms.BooleanField(label="Simuler seulement (ne rien enregistrer)", required=False)


class VaeRequestForm(DsfrBaseForm):
    observations = forms.CharField(
        label="Votre expérience en quelques lignes",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class VaeDecisionForm(DsfrBaseForm):
    statut = forms.ChoiceField(label="Décision", choices=StatutVAE.choices[1:])
    date_decision = forms.DateField(label="Date de la décision", widget=DateInput())
    blocs_valides = forms.MultipleChoiceField(
        label="Blocs validés (validation partielle)",
        choices=BlocCertification.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class TerritoireForm(DsfrBaseForm):
    region = forms.ModelChoiceField(
        label="Région", queryset=Region.objects.order_by("code"), required=False, to_field_name="code"
    )
    departement = forms.ModelChoiceField(
        label="Département", queryset=Departement.objects.order_by("code"), required=False, to_field_name="code"
    )
    hub = forms.ModelChoiceField(label="Hub territorial", queryset=Hub.objects.order_by("nom"), required=False)


class SessionPresencesForm(DsfrBaseForm):
    """One session day: the presence and hours of each trainee (fields `statut_<pk>`, `heures_<pk>`)."""

    date = forms.DateField(label="Jour", widget=DateInput())

    def __init__(self, *args, inscriptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.inscriptions = list(inscriptions)
        for inscription in self.inscriptions:
            name = f"{inscription.candidature.prenom} {inscription.candidature.nom}"
            self.fields[f"statut_{inscription.pk}"] = forms.ChoiceField(
                label=f"Présence de {name}", choices=StatutPresence.choices, initial=StatutPresence.PRESENT
            )
            self.fields[f"heures_{inscription.pk}"] = forms.DecimalField(
                label=f"Heures suivies par {name}",
                min_value=0,
                max_value=12,
                decimal_places=1,
                max_digits=4,
                initial=7,
                required=False,
            )

    def entries(self) -> dict:
        data = self.cleaned_data
        return {i.pk: (data[f"statut_{i.pk}"], data.get(f"heures_{i.pk}") or 0) for i in self.inscriptions}
