"""Forms of the pass numérique. They parse input only; rules stay in services (errors come back as DomainError,
shown on the form by the recruitment app's `attach_error`)."""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from cnfs.passnum.codes import CODE_LENGTH
from cnfs.passnum.enums import PublicCible, ServicePass, TypeTerritoire
from cnfs.passnum.models.commande import CHEQUES_PAR_CARNET, TAUX_ETAT_MAX
from cnfs.passnum.validators import bic_error, iban_error
from cnfs.recrutement.forms import DateInput
from cnfs.recrutement.validators import siret_error


class CommandeForm(DsfrBaseForm):
    commanditaire = forms.ModelChoiceField(label="Commanditaire", queryset=None, empty_label=None)
    libelle = forms.CharField(label="Libellé de la commande", max_length=200)
    territoire_type = forms.ChoiceField(
        label="Les chèques sont valables dans", choices=TypeTerritoire.choices, initial=TypeTerritoire.DEPARTEMENTS
    )
    territoire_codes = forms.CharField(
        label="Codes INSEE des territoires",
        max_length=2000,
        help_text="Séparés par des virgules : une région (84), des départements (42, 69) ou des communes (42218).",
    )
    publics = forms.MultipleChoiceField(
        label="Publics visés", choices=PublicCible.choices, widget=forms.CheckboxSelectMultiple
    )
    nb_carnets = forms.IntegerField(label="Nombre de carnets", min_value=1, max_value=100_000)
    cheques_par_carnet = forms.TypedChoiceField(
        label="Chèques par carnet", choices=[(n, f"{n} chèques") for n in CHEQUES_PAR_CARNET], coerce=int
    )
    valeur_euros = forms.IntegerField(
        label="Valeur faciale d’un chèque (euros)", min_value=1, max_value=100, initial=10
    )
    date_fin_validite = forms.DateField(
        label="Fin de validité",
        required=False,
        widget=DateInput(),
        help_text="Par défaut le 31 décembre de l’année ; les lieux les acceptent encore un mois après.",
    )
    taux_etat = forms.IntegerField(
        label="Cofinancement de l’État (%)",
        min_value=0,
        max_value=TAUX_ETAT_MAX,
        initial=0,
        help_text=f"Au plus {TAUX_ETAT_MAX} % de la valeur des chèques.",
    )
    enveloppe = forms.ModelChoiceField(
        label="Enveloppe de l’État", queryset=None, required=False, empty_label="Sans cofinancement de l’État"
    )

    def __init__(self, *args, commanditaires, enveloppes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commanditaire"].queryset = commanditaires
        self.fields["enveloppe"].queryset = enveloppes

    def clean_territoire_codes(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["territoire_codes"].replace(";", ",").split(",") if c.strip()]


class AttributionForm(DsfrBaseForm):
    distributeur = forms.ModelChoiceField(label="Distributeur", queryset=None, empty_label=None)
    nombre = forms.IntegerField(label="Nombre de carnets à lui remettre", min_value=1)

    def __init__(self, *args, distributeurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distributeur"].queryset = distributeurs


class AnnulationCarnetForm(DsfrBaseForm):
    numero = forms.IntegerField(label="Numéro du carnet", min_value=1)
    motif = forms.CharField(label="Motif (perte, vol…)", max_length=200)


MAX_CARNETS_PAR_DISTRIBUTION = 200


def booklet_numbers(text: str) -> list[int]:
    """`"3, 7-9"` → `[3, 7, 8, 9]`; `ValidationError` in French for anything else (pure, no database access)."""
    numbers: set[int] = set()
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        low, dash, high = (x.strip() for x in part.partition("-"))
        if not low.isdigit() or (dash and not high.isdigit()):
            raise forms.ValidationError(
                f"« {part} » n’est pas un numéro de carnet : écrivez par exemple 12 ou 12-15, séparés par une virgule."
            )
        first, last = int(low), int(high) if dash else int(low)
        if first < 1 or last < first:
            raise forms.ValidationError(
                f"« {part} » : une plage va du plus petit numéro au plus grand, à partir de 1."
            )
        if last - first + 1 + len(numbers) > MAX_CARNETS_PAR_DISTRIBUTION:
            raise forms.ValidationError(
                f"Au plus {MAX_CARNETS_PAR_DISTRIBUTION} carnets par distribution : découpez la saisie."
            )
        numbers.update(range(first, last + 1))
    if not numbers:
        raise forms.ValidationError("Indiquez le numéro d’au moins un carnet remis.")
    return sorted(numbers)


class DistributionForm(DsfrBaseForm):
    """The booklets handed out are typed by number (as printed on them) within one order: a stock of thousands
    stays one short field, never a list of checkboxes."""

    commande = forms.ModelChoiceField(label="Commande des carnets", queryset=None, empty_label=None)
    numeros = forms.CharField(
        label="Numéros des carnets remis",
        max_length=500,
        help_text="Numéros imprimés sur les carnets, par exemple « 12 » ou « 12, 15-18 ».",
    )
    public = forms.ChoiceField(label="Public de la personne", choices=[("", "—")] + PublicCible.choices)
    consentement = forms.BooleanField(
        label="La personne accepte que son nom soit enregistré",
        required=False,
        help_text="Sans son accord, seul le public est enregistré (comptage anonyme).",
    )
    beneficiaire_nom = forms.CharField(label="Nom de la personne", max_length=200, required=False)

    def __init__(self, *args, carnets, commandes, **kwargs):
        super().__init__(*args, **kwargs)
        self.carnets = carnets
        self.fields["commande"].queryset = commandes
        self.fields["commande"].label_from_instance = lambda c: f"{c.reference} — {c.commanditaire}"

    def clean_numeros(self) -> list[int]:
        return booklet_numbers(self.cleaned_data["numeros"])

    def clean(self):
        data = super().clean()
        commande, numbers = data.get("commande"), data.get("numeros")
        if commande is None or not numbers:
            return data
        found = dict(self.carnets.filter(commande=commande, numero__in=numbers).values_list("numero", "pk"))
        missing = [n for n in numbers if n not in found]
        if missing:
            shown = ", ".join(f"n° {n}" for n in missing[:20]) + (" …" if len(missing) > 20 else "")
            self.add_error(
                "numeros",
                f"Ces carnets ne sont pas dans votre stock pour la commande {commande.reference} : {shown}.",
            )
        data["carnet_ids"] = [found[n] for n in numbers if n in found]
        return data


class QualificationForm(DsfrBaseForm):
    siret = forms.CharField(label="Numéro SIRET du lieu", max_length=20, help_text="14 chiffres, espaces acceptés.")
    services = forms.MultipleChoiceField(
        label="Services proposés en échange d’un chèque",
        choices=ServicePass.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    iban = forms.CharField(label="IBAN", max_length=50, help_text="Par exemple : FR76 3000 6000 0112 3456 7890 189.")
    bic = forms.CharField(label="BIC", max_length=15)
    titulaire_compte = forms.CharField(label="Titulaire du compte", max_length=200)

    def clean_siret(self):
        error = siret_error(self.cleaned_data["siret"])
        if error:
            raise forms.ValidationError(error)
        return self.cleaned_data["siret"]

    def clean_iban(self):
        error = iban_error(self.cleaned_data["iban"])
        if error:
            raise forms.ValidationError(error)
        return self.cleaned_data["iban"]

    def clean_bic(self):
        error = bic_error(self.cleaned_data["bic"])
        if error:
            raise forms.ValidationError(error)
        return self.cleaned_data["bic"]


class DecisionForm(DsfrBaseForm):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[("qualifier", "Qualifier le lieu"), ("refuser", "Refuser"), ("suspendre", "Suspendre")],
        widget=forms.RadioSelect,
    )
    motif = forms.CharField(
        label="Motif",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour un refus ou une suspension ; communiqué au lieu.",
    )


class EncaissementForm(DsfrBaseForm):
    code = forms.CharField(
        label="Code du chèque",
        max_length=40,
        help_text=f"Les {CODE_LENGTH} caractères imprimés sous le QR code, tirets facultatifs.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autocorrect": "off",
                "spellcheck": "false",
                "inputmode": "text",
                "enterkeyhint": "done",
                "class": "passnum-code",
                "autofocus": True,
            }
        ),
    )
