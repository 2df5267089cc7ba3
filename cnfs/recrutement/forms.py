"""Forms of the recruitment pages. They parse input only; business rules stay in services (errors come back
as `DomainError` and are attached to the field they name)."""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from cnfs.core.errors import DomainError
from cnfs.recrutement.enums import (
    MOTIFS_AJOUT,
    MOTIFS_RENDU,
    Avis,
    Decision,
    DistanceMax,
    MotifAvenant,
    MotifRupture,
    StatutDemande,
    StatutJustificatif,
    TypeAvenant,
    TypeContrat,
    TypeStructure,
)
from cnfs.recrutement.models.candidature import MOTIVATION_MAX
from cnfs.recrutement.models.demande import AVIS_COMMENTAIRE_MAX, AVIS_COMMENTAIRE_MIN
from cnfs.recrutement.models.message import MESSAGE_MAX
from cnfs.recrutement.validators import normalize_siret, siret_error
from cnfs.territoires.models import Commune
from cnfs.territoires.selectors import commune_search


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def attach_error(form: forms.Form, error: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Show a refused action's French message on the field it names (`aliases` renames a service's field to the
    form's), or at the top of the form."""
    field = (aliases or {}).get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


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
        required=False,
        help_text="Obligatoire pour déposer la demande ; un brouillon peut s’en passer.",
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


# --- Accounts of the public sign-up pages ---------------------------------------------------------------------
class PasswordFieldsMixin(forms.Form):
    """Choose a password, typed twice. Django's password validators run in the service (French messages)."""

    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="12 caractères au moins ; évitez un mot de passe trop courant ou proche de votre nom.",
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        return data


class CommuneSearchMixin(forms.Form):
    """A commune found with the territories' commune search: the person types a name, a postcode or an INSEE code;
    when several communes match, a list appears to choose from (no script needed)."""

    commune_recherche = forms.CharField(
        label="Commune", max_length=100, help_text="Nom, code postal ou code INSEE, par exemple « Saint-Étienne »."
    )
    commune = forms.CharField(label="Précisez la commune", required=False, widget=forms.Select)

    COMMUNE_CHOICES_MAX = 10

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        query = self.data.get(self.add_prefix("commune_recherche")) if self.is_bound else None
        self.commune_matches = commune_search(query, limit=self.COMMUNE_CHOICES_MAX) if query else []
        self.fields["commune"].widget.choices = [("", "—")] + [
            (c.code, f"{c.nom} ({c.departement.code}) — {', '.join(c.codes_postaux or []) or c.code}")
            for c in self.commune_matches
        ]
        if not (self.is_bound and len(self.commune_matches) > 1):
            self.fields["commune"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if "commune_recherche" not in data:
            return data
        matches = self.commune_matches
        chosen = data.get("commune")
        exact = [c for c in matches if getattr(c, "rank", None) == 0]
        picked = [c for c in matches if c.code == chosen]
        if picked:
            data["commune"] = picked[0]
        elif not matches:
            self.add_error("commune_recherche", "Aucune commune ne correspond : vérifiez le nom ou le code postal.")
        elif len(matches) == 1 or len(exact) == 1:
            data["commune"] = matches[0] if len(matches) == 1 else exact[0]
        else:
            self.add_error("commune", "Plusieurs communes correspondent : choisissez la vôtre dans la liste.")
        return data


class StructureForm(CommuneSearchMixin, DsfrBaseForm):
    """A host structure. The contact is the person filling the form when they sign up."""

    siret = forms.CharField(
        label="Numéro SIRET",
        max_length=20,
        help_text="14 chiffres, par exemple 213 502 388 00019 (les espaces sont acceptés).",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    type = forms.ChoiceField(label="Type de structure", choices=[("", "—"), *TypeStructure.choices])
    nom = forms.CharField(label="Raison sociale", max_length=255)
    adresse = forms.CharField(label="Adresse", max_length=255, help_text="Numéro et voie.")
    contact_prenom = forms.CharField(label="Prénom du contact", max_length=150)
    contact_nom = forms.CharField(label="Nom du contact", max_length=150)
    contact_fonction = forms.CharField(label="Fonction du contact", max_length=150, required=False)
    contact_email = forms.EmailField(label="Adresse électronique du contact")
    contact_telephone = forms.CharField(label="Téléphone du contact", max_length=20, required=False)
    qpv = forms.BooleanField(
        label="La structure intervient en quartier prioritaire de la politique de la ville (QPV)", required=False
    )
    zrr = forms.BooleanField(label="La structure est en zone France Ruralités Revitalisation (ex-ZRR)", required=False)
    france_services = forms.BooleanField(label="La structure est labellisée France Services", required=False)

    field_order = ["siret", "type", "nom", "adresse", "commune_recherche", "commune"]

    def clean_siret(self):
        value = self.cleaned_data["siret"]
        error = siret_error(value)
        if error:
            raise forms.ValidationError(error)
        return normalize_siret(value)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("commune_recherche", None)
        return data


class StructureSignupForm(PasswordFieldsMixin, StructureForm):
    """Public sign-up: the contact's address becomes the account's login."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_email"].label = "Votre adresse électronique"
        self.fields[
            "contact_email"
        ].help_text = "Elle servira à vous connecter ; un lien de confirmation y sera envoyé."
        self.fields["contact_prenom"].label = "Votre prénom"
        self.fields["contact_nom"].label = "Votre nom"
        self.fields["contact_fonction"].label = "Votre fonction"
        self.fields["contact_telephone"].label = "Votre téléphone"

    def service_kwargs(self) -> dict:
        data = super().service_kwargs()
        data["email"] = data.pop("contact_email")
        data["password"] = data.pop("password1")
        data.pop("password2", None)
        return data


class CandidatSignupForm(PasswordFieldsMixin, CandidatureForm):
    """ "Devenir conseiller numérique": the application plus the account's password (login = e-mail address)."""

    def service_kwargs(self) -> dict:
        data = super().service_kwargs()
        data["password"] = data.pop("password1")
        data.pop("password2", None)
        return data


class ResendConfirmationForm(DsfrBaseForm):
    email = forms.EmailField(label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "email"}))


# --- Structure space ------------------------------------------------------------------------------------------
class AvenantForm(DsfrBaseForm):
    type = forms.ChoiceField(label="Type d’avenant", choices=TypeAvenant.choices, widget=forms.RadioSelect)
    nombre_postes = forms.IntegerField(label="Nombre de postes", min_value=1, max_value=100)
    motif = forms.ChoiceField(
        label="Motif",
        choices=[
            ("", "—"),
            (TypeAvenant.AJOUT.label, [(m.value, MotifAvenant(m).label) for m in MOTIFS_AJOUT]),
            (TypeAvenant.RENDU.label, [(m.value, MotifAvenant(m).label) for m in MOTIFS_RENDU]),
        ],
        help_text="Les motifs fixés par le programme, selon que vous demandez ou rendez des postes.",
    )
    commentaire = forms.CharField(
        label="Commentaire", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


CLOTURE_LABELS = {
    StatutDemande.ABANDONNEE: "Abandonner la demande",
    StatutDemande.ANNULEE: "Annuler la demande",
    StatutDemande.DOUBLON: "Classer comme doublon",
}


class ClotureForm(DsfrBaseForm):
    statut = forms.ChoiceField(label="Clôture", choices=[(k.value, v) for k, v in CLOTURE_LABELS.items()])


class RenouvellementForm(DsfrBaseForm):
    type_contrat = forms.ChoiceField(label="Type du nouveau contrat", choices=TypeContrat.choices)
    date_fin = forms.DateField(
        label="Date de fin du nouveau contrat", required=False, widget=DateInput(), help_text="Sauf pour un CDI."
    )
    heures_hebdomadaires = forms.DecimalField(
        label="Durée hebdomadaire (heures)", min_value=0, max_value=48, decimal_places=2, initial=35
    )
    salaire_brut_mensuel = forms.DecimalField(
        label="Salaire brut mensuel (€)", required=False, min_value=0, decimal_places=2
    )


class JustificatifForm(DsfrBaseForm):
    justificatif = forms.ChoiceField(label="Pièce justificative", choices=StatutJustificatif.choices)

    def __init__(self, *args, national: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not national:
            self.fields["justificatif"].choices = [
                c for c in StatutJustificatif.choices if c[0] != StatutJustificatif.VERIFIE
            ]


class MessageForm(DsfrBaseForm):
    corps = forms.CharField(
        label="Votre message",
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"{MESSAGE_MAX} caractères au plus. La personne est prévenue par courriel.",
    )
