"""Rollup tables: the activity records pre-summed on a few grains, maintained on every write (see `rollups.py`).

Every key column is NOT NULL (0 or '' stand for "none"): a unique key with NULLs would never conflict, and the
additive upsert (`INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`) relies on the conflict. No foreign keys:
the rows are derived data, rebuilt from the raw records by `cnfs pilotage rebuild`.

Three levels, each holding the activity, topic and orientation figures: daily × advisor (structure and advisor
dashboards, exact periods), monthly × département (territorial dashboards), monthly national (the national
dashboard reads a few hundred rows whatever the volume of records).
"""

from django.db import models


class Mesures(models.Model):
    """What every rollup row sums (ateliers: records of type collectif)."""

    accompagnements = models.IntegerField("accompagnements", default=0)
    ateliers = models.IntegerField("ateliers collectifs", default=0)
    participants = models.IntegerField("participants", default=0)
    recurrents = models.IntegerField("participants récurrents", default=0)
    minutes = models.BigIntegerField("minutes", default=0)
    age_moins_12 = models.IntegerField("moins de 12 ans", default=0)
    age_12_18 = models.IntegerField("12 à 18 ans", default=0)
    age_18_35 = models.IntegerField("18 à 35 ans", default=0)
    age_35_60 = models.IntegerField("35 à 60 ans", default=0)
    age_plus_60 = models.IntegerField("plus de 60 ans", default=0)
    statut_etudiant = models.IntegerField("scolarisés ou étudiants", default=0)
    statut_sans_emploi = models.IntegerField("sans emploi", default=0)
    statut_en_emploi = models.IntegerField("en emploi", default=0)
    statut_retraite = models.IntegerField("retraités", default=0)
    statut_non_renseigne = models.IntegerField("situation non renseignée", default=0)

    class Meta:
        abstract = True


class RollupJour(Mesures):
    jour = models.DateField("jour")
    conseiller_id = models.IntegerField("conseiller")
    structure_id = models.IntegerField("structure", default=0)
    lieu_id = models.IntegerField("lieu", default=0)
    commune_code = models.CharField("commune", max_length=5, default="", blank=True)
    departement_code = models.CharField("département", max_length=3, default="", blank=True)
    type = models.CharField("type", max_length=12)
    canal = models.CharField("canal", max_length=15)
    orientation = models.CharField("orientation", max_length=20, default="", blank=True)
    # The set of topics of the records summed here, one bit per topic (`rollups.TOPIC_BITS`): the daily topic
    # figures are these rows read per bit, where a table with one row per record and topic used to be written.
    themes = models.BigIntegerField("thèmes", default=0)

    class Meta:
        verbose_name = "cumul quotidien"
        verbose_name_plural = "cumuls quotidiens"
        constraints = [
            models.UniqueConstraint(
                # Advisor first: the key's index also serves the advisor dashboards (one index less to maintain).
                fields=[
                    "conseiller_id",
                    "jour",
                    "structure_id",
                    "lieu_id",
                    "commune_code",
                    "departement_code",
                    "type",
                    "canal",
                    "orientation",
                    "themes",
                ],
                name="pilotage_rollupjour_topics_key",
            )
        ]
        # No secondary index: a territory or a structure is read through its advisors (`RollupConseiller`), over
        # this key. Each index less is one entry less to write per new row, the bulk of an import's upkeep.

    def __str__(self) -> str:
        return f"{self.jour} — conseiller {self.conseiller_id} — {self.type}/{self.canal}"


class RollupConseiller(models.Model):
    """Which advisors have activity for which structure and département (a few rows per advisor, all periods).

    The daily table is keyed by advisor first and carries no other index: a département's or a structure's
    dashboard reads this small table for its advisors, then the daily rows of those advisors over the key.
    """

    conseiller_id = models.IntegerField("conseiller")
    structure_id = models.IntegerField("structure", default=0)
    departement_code = models.CharField("département", max_length=3, default="", blank=True)
    accompagnements = models.IntegerField("accompagnements", default=0)
    participants = models.IntegerField("participants", default=0)

    class Meta:
        verbose_name = "cumul par conseiller"
        verbose_name_plural = "cumuls par conseiller"
        constraints = [
            models.UniqueConstraint(
                fields=["conseiller_id", "structure_id", "departement_code"], name="pilotage_rollupconseiller_key"
            )
        ]

    def __str__(self) -> str:
        return f"conseiller {self.conseiller_id} — structure {self.structure_id} — {self.departement_code or '—'}"


class RollupMois(Mesures):
    mois = models.DateField("mois")
    departement_code = models.CharField("département", max_length=3, default="", blank=True)
    type = models.CharField("type", max_length=12)
    canal = models.CharField("canal", max_length=15)

    class Meta:
        verbose_name = "cumul mensuel par département"
        verbose_name_plural = "cumuls mensuels par département"
        constraints = [
            models.UniqueConstraint(
                fields=["departement_code", "mois", "type", "canal"], name="pilotage_rollupmois_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mois:%m/%Y} — {self.departement_code} — {self.type}/{self.canal}"


class RollupOrientationMois(models.Model):
    mois = models.DateField("mois")
    departement_code = models.CharField("département", max_length=3, default="", blank=True)
    orientation = models.CharField("orientation", max_length=20, default="", blank=True)
    accompagnements = models.IntegerField("accompagnements", default=0)
    participants = models.IntegerField("participants", default=0)

    class Meta:
        verbose_name = "cumul mensuel par orientation"
        verbose_name_plural = "cumuls mensuels par orientation"
        constraints = [
            models.UniqueConstraint(
                fields=["departement_code", "mois", "orientation"], name="pilotage_rolluporientationmois_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mois:%m/%Y} — {self.departement_code} — {self.orientation or 'sans'}"


class RollupThemeMois(Mesures):
    mois = models.DateField("mois")
    departement_code = models.CharField("département", max_length=3, default="", blank=True)
    theme = models.CharField("thème", max_length=25)

    class Meta:
        verbose_name = "cumul mensuel par thème"
        verbose_name_plural = "cumuls mensuels par thème"
        constraints = [
            models.UniqueConstraint(fields=["departement_code", "mois", "theme"], name="pilotage_rollupthememois_key")
        ]

    def __str__(self) -> str:
        return f"{self.mois:%m/%Y} — {self.departement_code} — {self.theme}"


class RollupDepartementMois(models.Model):
    """Month × département totals only: the national page's table by département reads 36 × 101 rows."""

    departement_code = models.CharField("département", max_length=3, default="", blank=True)
    mois = models.DateField("mois")
    accompagnements = models.IntegerField("accompagnements", default=0)
    participants = models.IntegerField("participants", default=0)

    class Meta:
        verbose_name = "cumul mensuel par département (totaux)"
        verbose_name_plural = "cumuls mensuels par département (totaux)"
        constraints = [
            models.UniqueConstraint(fields=["departement_code", "mois"], name="pilotage_rollupdepartementmois_key")
        ]

    def __str__(self) -> str:
        return f"{self.mois:%m/%Y} — {self.departement_code}"


class RollupNational(Mesures):
    mois = models.DateField("mois")
    type = models.CharField("type", max_length=12)
    canal = models.CharField("canal", max_length=15)

    class Meta:
        verbose_name = "cumul mensuel national"
        verbose_name_plural = "cumuls mensuels nationaux"
        constraints = [models.UniqueConstraint(fields=["mois", "type", "canal"], name="pilotage_rollupnational_key")]

    def __str__(self) -> str:
        return f"{self.mois:%m/%Y} — {self.type}/{self.canal}"


class RollupOrientationNational(models.Model):
    mois = models.DateField("mois")
    orientation = models.CharField("orientation", max_length=20, default="", blank=True)
    accompagnements = models.IntegerField("accompagnements", default=0)
    participants = models.IntegerField("participants", default=0)

    class Meta:
        verbose_name = "cumul mensuel national par orientation"
        verbose_name_plural = "cumuls mensuels nationaux par orientation"
        constraints = [
            models.UniqueConstraint(fields=["mois", "orientation"], name="pilotage_rolluporientationnational_key")
        ]

    def __str__(self) -> str:
        return f"{self.mois:%m/%Y} — {self.orientation or 'sans'}"


class RollupThemeNational(Mesures):
    mois = models.DateField("mois")
    theme = models.CharField("thème", max_length=25)

    class Meta:
        verbose_name = "cumul mensuel national par thème"
        verbose_name_plural = "cumuls mensuels nationaux par thème"
        constraints = [models.UniqueConstraint(fields=["mois", "theme"], name="pilotage_rollupthemenational_key")]

    def __str__(self) -> str:
        return f"{self.mois:%m/%Y} — {self.theme}"
