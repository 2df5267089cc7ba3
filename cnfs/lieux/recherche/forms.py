"""The public search form: the same parsing serves the page (GET) and the JSON API."""

from django import forms
from dsfr.forms import DsfrBaseForm

from cnfs.lieux.enums import Frais, Label, ModaliteAccompagnement, PriseEnCharge, PublicAdresse, Service

RAYONS = [("", "Sans limite"), ("5", "5 km"), ("10", "10 km"), ("20", "20 km"), ("50", "50 km"), ("100", "100 km")]
PAGE = 20
MAX_RESULTS = 200

# Form field → index dimension (see `index.DIMENSIONS`).
VALUE_FILTERS = {
    "services": "services",
    "publics": "publics",
    "prise_en_charge": "prise_en_charge",
    "labels": "labels",
    "modalites": "modalites",
    "frais": "frais",
}


class RechercheParams(forms.Form):
    """Parameters of a search; the API uses it as is, the page through `RechercheForm` (DSFR markup)."""

    q = forms.CharField(
        label="Commune, code postal ou nom du lieu",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "placeholder": "ex. Saint-Étienne"}),
    )
    commune = forms.RegexField(regex=r"^(\d{5}|2[ABab]\d{3})$", required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(min_value=-90, max_value=90, required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(min_value=-180, max_value=180, required=False, widget=forms.HiddenInput)
    services = forms.MultipleChoiceField(
        label="Services", choices=Service.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    publics = forms.MultipleChoiceField(
        label="Publics", choices=PublicAdresse.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    prise_en_charge = forms.MultipleChoiceField(
        label="Accompagnement adapté",
        choices=PriseEnCharge.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    labels = forms.MultipleChoiceField(
        label="Labels et dispositifs", choices=Label.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    modalites = forms.MultipleChoiceField(
        label="Modalités d’accompagnement",
        choices=ModaliteAccompagnement.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    frais = forms.MultipleChoiceField(
        label="Frais", choices=Frais.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    ouvert_maintenant = forms.BooleanField(label="Ouvert maintenant", required=False)
    ouvert_samedi = forms.BooleanField(label="Ouvert samedi", required=False)
    rayon = forms.TypedChoiceField(
        label="Distance maximale", choices=RAYONS, required=False, coerce=float, empty_value=None
    )
    nombre = forms.IntegerField(min_value=1, max_value=MAX_RESULTS, required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("lat") is None) != (cleaned.get("lon") is None):
            raise forms.ValidationError("La position transmise est incomplète : latitude et longitude sont requises.")
        return cleaned

    def search_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "q": data["q"].strip(),
            "commune_code": (data["commune"] or "").upper(),
            "latitude": data["lat"],
            "longitude": data["lon"],
            "valeurs": {dimension: data[name] for name, dimension in VALUE_FILTERS.items() if data[name]},
            "ouvert_maintenant": data["ouvert_maintenant"],
            "ouvert_samedi": data["ouvert_samedi"],
            "rayon_km": data["rayon"],
            "limit": data["nombre"] or PAGE,
        }

    def active_filter_count(self) -> int:
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return 0
        data = self.cleaned_data
        count = sum(len(data.get(name) or []) for name in VALUE_FILTERS)
        return count + sum(bool(data.get(name)) for name in ("ouvert_maintenant", "ouvert_samedi", "rayon"))


class _SharedFields(dict):
    """Fields a form instance uses as they are: `BaseForm.__init__` deep-copies `base_fields`, this copies the dict."""

    def __deepcopy__(self, memo):
        return dict(self)


class RechercheApiParams(RechercheParams):
    """The API's parameters. The API never renders nor alters its fields, so they are not deep-copied per request
    (copying fourteen fields, their widgets and choices was a third of the cost of an answer)."""

    def __init__(self, *args, **kwargs):
        self.base_fields = _SharedFields(type(self).base_fields)
        super().__init__(*args, **kwargs)


class RechercheForm(DsfrBaseForm, RechercheParams):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # django-dsfr marks checkbox lists with a non-standard `dsfr` attribute; the template does the markup.
            field.widget.attrs.pop("dsfr", None)
