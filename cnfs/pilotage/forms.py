"""Dashboard filters. The lists offered depend on the scope; values outside it are refused by `resolve_filters`."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from dsfr.forms import DsfrBaseForm

from cnfs.pilotage.permissions import DashboardScope
from cnfs.pilotage.selectors import Filters, conseiller_in_scope, conseillers_of, theme_choices

DATE_MIN = dt.date(2020, 1, 1)
# Past this many choices a list becomes a number field (the national team has thousands of structures).
MAX_CHOICES = 500


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Saisissez une date valide (jj/mm/aaaa)."},
    )


def _id_field(label: str, choices: list[tuple[int, str]] | None, empty: str) -> forms.Field:
    if choices is not None and len(choices) <= MAX_CHOICES:
        return forms.TypedChoiceField(
            label=label,
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", empty), *choices],
            error_messages={"invalid_choice": "Ce choix n’est pas dans votre périmètre."},
        )
    return forms.IntegerField(
        label=f"{label} (numéro)",
        required=False,
        min_value=1,
        error_messages={"invalid": "Saisissez un numéro entier.", "min_value": "Saisissez un numéro positif."},
    )


class FiltresForm(DsfrBaseForm):
    date_debut = _date_field("Du")
    date_fin = _date_field("Au")
    departement = forms.ChoiceField(
        label="Département",
        required=False,
        error_messages={"invalid_choice": "Ce département n’existe pas dans le référentiel."},
    )
    theme = forms.ChoiceField(label="Thème", required=False)

    def __init__(self, *args, scope: DashboardScope, public: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        from cnfs.territoires.models import Departement

        self.scope = scope
        self.fields["theme"].choices = [("", "Tous les thèmes"), *theme_choices()]
        self.fields["theme"].error_messages["invalid_choice"] = "Ce thème ne fait pas partie de la liste du programme."
        departements = Departement.objects.order_by("code")
        if scope.departements is not None:
            departements = departements.filter(code__in=scope.departements)
        self.departements = {d.code: f"{d.nom} ({d.code})" for d in departements}
        # Fields are changed in place, never replaced: the DSFR form has already bound them.
        if len(self.departements) > 1 or scope.departements is None:
            self.fields["departement"].choices = [("", "Tout le périmètre"), *self.departements.items()]
        else:
            del self.fields["departement"]
        if public or scope.conseiller_ids is not None:
            return
        if scope.structure_ids is None or len(scope.structure_ids) > 1:
            self.fields["structure"] = _id_field("Structure", self._structures(), "Toutes les structures")
        # Nationally there are thousands of advisors: a number field, without reading the list.
        advisors = None if scope.national else conseillers_of(scope, MAX_CHOICES)
        self.fields["conseiller"] = _id_field("Conseiller", advisors, "Tous les conseillers")

    def _structures(self) -> list[tuple[int, str]] | None:
        from cnfs.recrutement.models import Structure

        structures = Structure.objects.order_by("nom", "pk")
        if self.scope.structure_ids is not None:
            structures = structures.filter(pk__in=self.scope.structure_ids)
        elif self.scope.departements is not None:
            structures = structures.filter(commune__departement__code__in=self.scope.departements)
        rows = list(structures.values_list("pk", "nom")[: MAX_CHOICES + 1])
        return rows if len(rows) <= MAX_CHOICES else None

    def clean(self):
        data = super().clean()
        start, end = data.get("date_debut"), data.get("date_fin")
        if start and start < DATE_MIN:
            self.add_error("date_debut", "Le programme commence le 1er janvier 2020 : choisissez une date ultérieure.")
        if start and end and start > end:
            self.add_error("date_fin", "La date de fin doit suivre la date de début.")
        return data


def _refuse(message: str):
    raise PermissionDenied(message)


def resolve_filters(data, scope: DashboardScope, *, public: bool = False) -> tuple[FiltresForm, Filters | None]:
    """The form for `data` and the filters it gives (None when invalid). A territory, structure or advisor outside
    `scope` is refused (PermissionDenied → 403) rather than answered with empty figures."""
    from cnfs.territoires.models import Departement

    form = FiltresForm(data or None, scope=scope, public=public)
    code = (data or {}).get("departement") or ""
    if code and code not in form.departements and Departement.objects.filter(code=code).exists():
        _refuse("Ce département n’est pas dans votre périmètre.")
    if not form.is_bound:
        return form, Filters()
    structure = (data or {}).get("structure") or ""
    if str(structure).isdigit() and scope.structure_ids is not None and int(structure) not in scope.structure_ids:
        _refuse("Cette structure n’est pas dans votre périmètre.")
    if structure and "structure" not in form.fields and not public:
        _refuse("Le filtre par structure n’est pas ouvert à votre rôle.")
    conseiller = (data or {}).get("conseiller") or ""
    if conseiller and "conseiller" not in form.fields and not public:
        if not (scope.conseiller_ids and str(conseiller).isdigit() and int(conseiller) in scope.conseiller_ids):
            _refuse("Le filtre par conseiller n’est pas ouvert à votre rôle.")
    if str(conseiller).isdigit() and not conseiller_in_scope(scope, int(conseiller)):
        _refuse("Ce conseiller n’est pas dans votre périmètre.")
    if str(structure).isdigit() and scope.departements is not None:
        from cnfs.recrutement.models import Structure

        found = Structure.objects.filter(pk=int(structure)).values_list("commune__departement__code", flat=True)
        if found and found[0] not in scope.departements:
            _refuse("Cette structure n’est pas dans votre périmètre.")
    if not form.is_valid():
        return form, None
    cleaned = form.cleaned_data
    filters = Filters(
        date_debut=cleaned.get("date_debut"),
        date_fin=cleaned.get("date_fin"),
        departement=cleaned.get("departement") or None,
        structure_id=cleaned.get("structure"),
        conseiller_id=cleaned.get("conseiller"),
        theme=cleaned.get("theme") or None,
    )
    return form, filters
