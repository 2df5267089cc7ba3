"""Forms of the funding pages. They parse input only (amounts in euros → cents); rules stay in services."""

from __future__ import annotations

import datetime

from django import forms
from dsfr.forms import DsfrBaseForm

from cnfs.financement.enums import StatutConvention, TypeFabricant
from cnfs.financement.models import Bareme, ModeleMobilier
from cnfs.financement.money import parse_euros
from cnfs.recrutement.forms import DateInput, attach_error

__all__ = ["attach_error"]


class EurosField(forms.CharField):
    """An amount typed in euros ("40 000,00") and cleaned to integer cents."""

    MAX_LENGTH = 30

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", "En euros, par exemple 40 000,00.")
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "maxlength": str(self.MAX_LENGTH)})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > self.MAX_LENGTH:
            raise forms.ValidationError("Ce montant est trop long.", code="montant")
        try:
            return parse_euros(value)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="montant") from None


class EnveloppeForm(DsfrBaseForm):
    libelle = forms.CharField(label="Libellé", max_length=200)
    montant = EurosField(label="Montant")
    date_debut = forms.DateField(label="Début de la période", widget=DateInput())
    date_fin = forms.DateField(label="Fin de la période", widget=DateInput())


class ConventionForm(DsfrBaseForm):
    bareme = forms.ModelChoiceField(label="Barème", queryset=Bareme.objects.none(), empty_label=None)
    nombre_postes = forms.IntegerField(label="Nombre de postes", min_value=1, max_value=1000)
    date_debut = forms.DateField(label="Date de début", widget=DateInput())

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        baremes = [b for b in Bareme.objects.filter(actif=True) if b.applies_to(structure.type)]
        self.fields["bareme"].queryset = Bareme.objects.filter(pk__in=[b.pk for b in baremes])
        self.fields["bareme"].label_from_instance = lambda b: f"{b.libelle} — {b.description}"
        self.fields[
            "nombre_postes"
        ].help_text = f"Au plus les {structure.postes_accordes} poste(s) accordé(s) par le comité de sélection."


class EcheancierForm(DsfrBaseForm):
    """The schedule as lines "date ; amount" (one instalment a line), the way a payment officer writes it down."""

    echeances = forms.CharField(
        label="Échéances",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Une échéance par ligne : date (JJ/MM/AAAA) ; montant en euros. Exemple : 01/03/2025 ; 25 000,00",
    )

    def clean_echeances(self):
        result = []
        for number, line in enumerate(self.cleaned_data["echeances"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            if len(parts) != 2:
                raise forms.ValidationError(f"Ligne {number} : écrivez « date ; montant ».")
            try:
                day = datetime.datetime.strptime(parts[0], "%d/%m/%Y").date()
            except ValueError:
                raise forms.ValidationError(
                    f"Ligne {number} : « {parts[0]} » n’est pas une date JJ/MM/AAAA."
                ) from None
            try:
                amount = parse_euros(parts[1])
            except ValueError as error:
                raise forms.ValidationError(f"Ligne {number} : {error}") from None
            result.append((day, amount))
        return result


class DateActionForm(DsfrBaseForm):
    date = forms.DateField(label="Date", widget=DateInput(), required=False)


class ConventionFilterForm(DsfrBaseForm):
    departement = forms.CharField(label="Département (code)", max_length=3, required=False)
    statut = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *StatutConvention.choices])


class DemandeMobilierForm(DsfrBaseForm):
    lieu = forms.ModelChoiceField(label="Lieu", queryset=None, empty_label=None)
    modele = forms.ModelChoiceField(label="Modèle du catalogue", queryset=ModeleMobilier.objects.none())
    type_fabricant = forms.ChoiceField(label="Fabricant", choices=TypeFabricant.choices, widget=forms.RadioSelect)
    nom_fabricant = forms.CharField(label="Nom du fabricant", max_length=200)
    montant = EurosField(label="Montant demandé")
    devis = forms.FileField(
        label="Devis du fabricant",
        help_text="Fichier PDF de 10 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args, lieux, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lieu"].queryset = lieux
        self.fields["modele"].queryset = ModeleMobilier.objects.filter(actif=True)
        self.fields["devis"].widget.clear_checkbox_label = ""


class DecisionMobilierForm(DsfrBaseForm):
    decision = forms.ChoiceField(
        label="Décision", choices=[("accorder", "Accorder l’aide"), ("refuser", "Refuser")], widget=forms.RadioSelect
    )
    motif_refus = forms.CharField(
        label="Motif du refus",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire en cas de refus (10 caractères au moins).",
    )
