"""Forms of the TOTP devices pages and of the 15-minute re-check (ac-life). They parse input only."""

from django import forms
from dsfr.forms import DsfrBaseForm

CSV_MAX_BYTES = 2 * 1024 * 1024


class CartesImportForm(DsfrBaseForm):
    fichier = forms.FileField(
        label="Fichier CSV des cartes",
        help_text="En-tête « serial,seed » (et, si besoin, « digits,step ») ; séparateur virgule ou point-virgule ; "
        "clé en hexadécimal ou en base32.",
    )

    def clean_fichier(self):
        upload = self.cleaned_data["fichier"]
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError("Le fichier dépasse 2 Mo : découpez-le.")
        return upload


class CarteLinkForm(DsfrBaseForm):
    serial = forms.CharField(label="Numéro de série de la carte", max_length=64)


class CodeForm(DsfrBaseForm):
    code = forms.CharField(
        label="Code à 6 chiffres",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
