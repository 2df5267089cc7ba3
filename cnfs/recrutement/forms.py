"""Forms of the recruitment pages. They parse input only; business rules stay in services (errors come back
as `DomainError` and are attached to the field they name)."""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from cnfs.core.errors import DomainError
from cnfs.recrutement.enums import (
    Avis,
    Decision,
    DistanceMax,
    MotifRupture,
    StatutJustificatif,
    TypeContrat,
)
from cnfs.recrutement.models.candidature import MOTIVATION_MAX
from cnfs.recrutement.models.demande import AVIS_COMMENTAIRE_MAX, AVIS_COMMENTAIRE_MIN
from cnfs.territoires.models import Commune


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def attach_error(form: forms.Form, error: DomainError) -> None:
    """Show a refused action's French message on the field it names, or at the top of the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class DemandeForm(DsfrBaseForm):
    nombre_postes = forms.IntegerField(label="Nombre de conseillers souhaités", min_value=1, max_value=100)
    coordinateur = forms.BooleanField(
        label="Je souhaite qu’un des postes soit celui d’un coordinateur ou d’une coordinatrice", required=False
    )
    date_debut_souhaitee = forms.DateField(label="Date de démarrage souhaitée", widget=DateInput())
    motivation = forms.CharField(
        label="Motivation",
        max_length=MOTIVATION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"{MOTIVATION_MAX} caractères au plus.",
    )
    engagement = forms.BooleanField(
        label="J’atteste que la structure s’engage à accueillir les conseillers dans les conditions du programme",
        required=True,
    )


class AvisForm(DsfrBaseForm):
    avis = forms.ChoiceField(label="Avis", choices=Avis.choices, widget=forms.RadioSelect)
    commentaire = forms.CharField(
        label="Commentaire",
        min_length=AVIS_COMMENTAIRE_MIN,
        max_length=AVIS_COMMENTAIRE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Entre {AVIS_COMMENTAIRE_MIN} et {AVIS_COMMENTAIRE_MAX} caractères.",
    )
    prioritaire = forms.BooleanField(label="Demande prioritaire pour le territoire", required=False)


class SessionForm(DsfrBaseForm):
    date = forms.DateField(label="Date de la session", widget=DateInput())


class DecisionForm(DsfrBaseForm):
    decision = forms.ChoiceField(label="Décision", choices=Decision.choices, widget=forms.RadioSelect)
    postes_accordes = forms.IntegerField(label="Postes accordés", min_value=0)
    observations = forms.CharField(
        label="Observations", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, demande, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postes_accordes"].help_text = f"Entre 0 et {demande.nombre_postes} (nombre demandé)."
        self.fields["postes_accordes"].widget.attrs["max"] = demande.nombre_postes


class RecrutementForm(DsfrBaseForm):
    date_recrutement = forms.DateField(label="Date de prise de poste", widget=DateInput())
    type_contrat = forms.ChoiceField(label="Type de contrat", choices=TypeContrat.choices)
    date_fin = forms.DateField(
        label="Date de fin du contrat", required=False, widget=DateInput(), help_text="Sauf pour un CDI."
    )
    heures_hebdomadaires = forms.DecimalField(
        label="Durée hebdomadaire (heures)", min_value=0, max_value=48, decimal_places=2, initial=35
    )
    salaire_brut_mensuel = forms.DecimalField(
        label="Salaire brut mensuel (€)", required=False, min_value=0, decimal_places=2
    )


class RuptureForm(DsfrBaseForm):
    date_rupture = forms.DateField(label="Date de la rupture", widget=DateInput())
    motif = forms.ChoiceField(label="Motif", choices=MotifRupture.choices)
    justificatif = forms.ChoiceField(label="Pièce justificative", choices=StatutJustificatif.choices)


class CandidateSearchForm(DsfrBaseForm):
    pix_min = forms.TypedChoiceField(
        label="Niveau Pix minimal",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Indifférent"), (1, "1"), (2, "2"), (3, "3")],
    )
    diplome = forms.BooleanField(label="Diplômé·e en médiation numérique", required=False)
    cv = forms.BooleanField(label="Avec un CV", required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


SITUATION_FIELDS = ("demandeur_emploi", "en_emploi", "en_formation", "diplome", "experience")


class CandidatureForm(DsfrBaseForm):
    """The candidate's profile. The commune is found from the postcode (a list appears when several share it)."""

    prenom = forms.CharField(label="Prénom", max_length=150)
    nom = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(label="Adresse électronique")
    telephone = forms.CharField(label="Téléphone", max_length=20, required=False)
    date_naissance = forms.DateField(label="Date de naissance", widget=DateInput())
    code_postal = forms.RegexField(
        label="Code postal",
        regex=r"^\d{5}$",
        error_messages={"invalid": "Le code postal comporte 5 chiffres."},
    )
    commune = forms.ChoiceField(label="Commune", required=False, help_text="Proposée d’après le code postal.")
    demandeur_emploi = forms.BooleanField(label="Je suis demandeur ou demandeuse d’emploi", required=False)
    en_emploi = forms.BooleanField(label="Je suis en emploi", required=False)
    en_formation = forms.BooleanField(label="Je suis en formation", required=False)
    diplome = forms.BooleanField(label="Je suis diplômé·e en médiation numérique", required=False)
    diplome_libelle = forms.CharField(label="Intitulé du diplôme", max_length=255, required=False)
    experience = forms.BooleanField(label="J’ai de l’expérience en médiation numérique", required=False)
    date_disponibilite = forms.DateField(label="Disponible à partir du", widget=DateInput())
    distance_max = forms.TypedChoiceField(
        label="Distance maximale de déplacement", coerce=int, choices=DistanceMax.choices
    )
    motivation = forms.CharField(
        label="Motivation",
        max_length=MOTIVATION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"{MOTIVATION_MAX} caractères au plus.",
    )
    cv = forms.FileField(
        label="CV",
        required=False,
        help_text="Fichier PDF de 5 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code_postal = self.data.get("code_postal") if self.is_bound else self.initial.get("code_postal")
        self.communes = self._communes_for(code_postal)
        self.fields["commune"].choices = [("", "—")] + [(c.code, c.nom) for c in self.communes]
        self.fields["cv"].widget.clear_checkbox_label = ""

    @staticmethod
    def _communes_for(code_postal) -> list[Commune]:
        if not code_postal or len(code_postal) != 5 or not code_postal.isdigit():
            return []
        candidates = Commune.objects.filter(codes_postaux_text__contains=code_postal).order_by("nom")
        return [c for c in candidates if code_postal in (c.codes_postaux or [])]

    def clean(self):
        data = super().clean()
        if "code_postal" in data:
            communes = self.communes
            chosen = data.get("commune")
            if not communes:
                self.add_error("code_postal", "Aucune commune ne correspond à ce code postal.")
            elif len(communes) == 1:
                data["commune"] = communes[0]
            else:
                match = [c for c in communes if c.code == chosen]
                if not match:
                    self.add_error("commune", "Plusieurs communes ont ce code postal : choisissez la vôtre.")
                else:
                    data["commune"] = match[0]
        if not any(data.get(name) for name in SITUATION_FIELDS):
            self.add_error(None, "Indiquez au moins une situation (emploi, formation, diplôme ou expérience).")
        if data.get("diplome") and not (data.get("diplome_libelle") or "").strip():
            self.add_error("diplome_libelle", "Précisez l’intitulé de votre diplôme.")
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("cv", None)
        return data
