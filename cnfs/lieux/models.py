"""A place of digital mediation, with every field of the national schema v1.0.1.

Multi-valued fields are JSON lists of enum slugs (see `enums.py`), portable to SQLite and PostgreSQL. Two
denormalised columns make them fast to filter on both engines: one boolean per programme label (`label_*`, indexed)
and `search_tags`, a `|`-delimited string of `key:slug` tags searched with a plain LIKE. `sync_derived()` computes
both from the lists; `save()` calls it and bulk writers must call it themselves.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from cnfs.lieux.enums import (
    LABEL_FLAGS,
    SCHEMA_LISTS,
    TAG_KEYS,
    Dispositif,
    FormationLabel,
)
from cnfs.lieux.validators import coordinates_error, validate_code_postal, validate_pivot, validate_telephone


def list_field(verbose_name: str, help_text: str = "") -> models.JSONField:
    return models.JSONField(verbose_name, default=list, blank=True, help_text=help_text)


class LieuQuerySet(models.QuerySet):
    def with_tag(self, field: str, value: str) -> LieuQuerySet:
        """Places whose enumerated list `field` (e.g. "services") contains the slug `value`."""
        return self.filter(search_tags__contains=f"|{TAG_KEYS[field]}:{value}|")

    def with_any_tag(self, field: str, values) -> LieuQuerySet:
        condition = Q()
        for value in values:
            condition |= Q(search_tags__contains=f"|{TAG_KEYS[field]}:{value}|")
        return self.filter(condition) if condition else self

    def with_label(self, label: str) -> LieuQuerySet:
        """Places holding one of the programme's labels (`enums.Label`): an indexed boolean column."""
        return self.filter(**{LABEL_FLAGS[label]: True})

    def in_departements(self, codes) -> LieuQuerySet:
        return self.filter(commune__departement__code__in=list(codes))

    def of_structures(self, structure_ids) -> LieuQuerySet:
        return self.filter(structure_id__in=list(structure_ids))

    def located(self) -> LieuQuerySet:
        return self.filter(latitude__isnull=False, longitude__isnull=False)


class Lieu(models.Model):
    """A place where people get help with digital tools (schéma des lieux de médiation numérique v1.0.1)."""

    # Identity: (source, source_id) is the schema's `id` within the data producer that published it.
    source = models.CharField("structure collectant la donnée", max_length=150)
    source_id = models.CharField("identifiant local du lieu", max_length=255)
    pivot = models.CharField(
        "SIRET ou RNA",
        max_length=14,
        validators=[validate_pivot],
        help_text="SIRET (14 chiffres), SIREN, numéro RNA (W + 9 caractères) ou 00000000000000 s’il est inconnu.",
    )
    nom = models.CharField("nom", max_length=255)

    # Address and position.
    commune = models.ForeignKey(
        "territoires.Commune",
        to_field="code",
        db_column="code_insee",
        on_delete=models.PROTECT,
        related_name="lieux",
        verbose_name="commune",
    )
    code_postal = models.CharField("code postal", max_length=5, validators=[validate_code_postal])
    adresse = models.CharField("adresse", max_length=255)
    complement_adresse = models.CharField("complément d’adresse", max_length=255, blank=True)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)

    # Description and contacts.
    typologie = list_field("typologie", "Types de structure du référentiel data.inclusion (ex. ASSO, CCAS).")
    telephone = models.CharField("téléphone", max_length=20, blank=True, validators=[validate_telephone])
    courriels = list_field("courriels")
    site_web = list_field("sites web")
    horaires = models.TextField("horaires", blank=True, help_text="Format OpenStreetMap opening_hours.")
    presentation_resume = models.CharField("présentation résumée", max_length=280, blank=True)
    presentation_detail = models.TextField("présentation détaillée", blank=True)
    itinerance = list_field("itinérance")
    structure_parente = models.CharField("structure parente", max_length=255, blank=True)
    date_maj = models.DateField("date de mise à jour")

    # Offer.
    services = list_field("services")
    publics_specifiquement_adresses = list_field("publics spécifiquement adressés")
    prise_en_charge_specifique = list_field("prise en charge spécifique")
    frais_a_charge = list_field("frais à charge")
    dispositif_programmes_nationaux = list_field("dispositifs et programmes nationaux")
    formations_labels = list_field("formations et labels")
    autres_formations_labels = models.TextField("autres formations et labels", blank=True)
    modalites_acces = list_field("modalités d’accès")
    modalites_accompagnement = list_field("modalités d’accompagnement")
    fiche_acces_libre = models.URLField("fiche Accès libre", max_length=500, blank=True)
    prise_rdv = models.URLField("prise de rendez-vous", max_length=500, blank=True)

    # Not in schema v1.0.1, which dropped it; v0.1.1 had "Accepte le Pass numérique". Exported in
    # `autres_formations_labels` so that it survives a round trip.
    accepte_pass_numerique = models.BooleanField("accepte le pass numérique", default=False)

    # Ownership: the `object_id` of the structure role that manages this place (until the recrutement app links a
    # model). Empty: a place imported from open data that no structure has claimed.
    structure_id = models.CharField("identifiant de la structure gestionnaire", max_length=64, blank=True)

    # Denormalised for fast filters on both database engines (see module docstring).
    label_france_services = models.BooleanField("France Services", default=False, editable=False)
    label_conseillers_numeriques = models.BooleanField("Conseillers numériques", default=False, editable=False)
    label_aidants_connect = models.BooleanField("Aidants Connect", default=False, editable=False)
    label_fabriques_de_territoire = models.BooleanField("Fabriques de Territoire", default=False, editable=False)
    label_pass_numerique = models.BooleanField("pass numérique", default=False, editable=False)
    search_tags = models.TextField("étiquettes de recherche", blank=True, editable=False)
    # Fingerprint of the last imported row: a rerun of the same file recognises unchanged places.
    import_fingerprint = models.CharField("empreinte d’import", max_length=64, blank=True, editable=False)

    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = LieuQuerySet.as_manager()

    class Meta:
        verbose_name = "lieu de médiation numérique"
        verbose_name_plural = "lieux de médiation numérique"
        ordering = ["nom", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                name="lieu_source_id_unique",
                violation_error_message="Un lieu de cette source porte déjà cet identifiant.",
            ),
            models.CheckConstraint(
                name="lieu_latitude_range",
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                violation_error_message="La latitude doit être comprise entre -90 et 90.",
            ),
            models.CheckConstraint(
                name="lieu_longitude_range",
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                violation_error_message="La longitude doit être comprise entre -180 et 180.",
            ),
            models.CheckConstraint(
                name="lieu_coordinates_both_or_none",
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                violation_error_message="Renseignez la latitude et la longitude, ou aucune des deux.",
            ),
            models.CheckConstraint(
                name="lieu_code_postal_format",
                condition=Q(code_postal__regex=r"^[0-9]{5}$"),
                violation_error_message="Le code postal doit compter 5 chiffres.",
            ),
        ]
        indexes = [
            models.Index(fields=["structure_id"], name="lieu_structure_idx"),
            models.Index(fields=["pivot"], name="lieu_pivot_idx"),
            models.Index(fields=["latitude", "longitude"], name="lieu_latlon_idx"),
            models.Index(fields=["label_france_services"], name="lieu_label_fs_idx"),
            models.Index(fields=["label_conseillers_numeriques"], name="lieu_label_cnfs_idx"),
            models.Index(fields=["label_aidants_connect"], name="lieu_label_ac_idx"),
            models.Index(fields=["label_fabriques_de_territoire"], name="lieu_label_fdt_idx"),
            models.Index(fields=["label_pass_numerique"], name="lieu_label_pass_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code_postal})"

    def save(self, *args, **kwargs):
        self.sync_derived()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *DERIVED_FIELDS}
        super().save(*args, **kwargs)

    def clean(self):
        errors: dict[str, list[str]] = {}
        for field, enum in SCHEMA_LISTS.items():
            if enum is None:
                continue
            unknown = [v for v in getattr(self, field) or () if v not in enum.values]
            if unknown:
                errors.setdefault(field, []).append(f"Valeur(s) inconnue(s) : {', '.join(map(str, unknown))}.")
        message = coordinates_error(self.latitude, self.longitude)
        if message:
            errors.setdefault("latitude", []).append(message)
        if self.commune_id and self.code_postal and self.commune.codes_postaux:
            if self.code_postal not in self.commune.codes_postaux:
                errors.setdefault("code_postal", []).append(
                    f"Le code postal {self.code_postal} ne correspond pas à la commune {self.commune.nom}."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def labels(self) -> list[str]:
        """Programme labels held, as `enums.Label` values."""
        return [label for label, flag in LABEL_FLAGS.items() if getattr(self, flag)]

    def sync_derived(self) -> None:
        """Recompute the label flags and search tags from the lists. Call before any bulk write."""
        dispositifs = set(self.dispositif_programmes_nationaux or ())
        self.label_france_services = Dispositif.FRANCE_SERVICES in dispositifs
        self.label_conseillers_numeriques = Dispositif.CONSEILLERS_NUMERIQUES in dispositifs
        self.label_aidants_connect = Dispositif.AIDANTS_CONNECT in dispositifs
        self.label_fabriques_de_territoire = FormationLabel.FABRIQUES_DE_TERRITOIRE in (self.formations_labels or ())
        self.label_pass_numerique = bool(self.accepte_pass_numerique)
        tags = [f"{key}:{value}" for field, key in TAG_KEYS.items() for value in (getattr(self, field) or ())]
        tags += [f"label:{label}" for label in self.labels]
        self.search_tags = f"|{'|'.join(tags)}|" if tags else ""


DERIVED_FIELDS = (*LABEL_FLAGS.values(), "search_tags")
