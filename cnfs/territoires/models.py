from django.db import models


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    nom = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.nom


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    nom = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements", verbose_name="région")

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class Epci(models.Model):
    code = models.CharField("SIREN", max_length=9, unique=True)
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=10, blank=True)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class Commune(models.Model):
    """A commune of the INSEE COG with its population and one point that lies inside its boundary."""

    code = models.CharField("code INSEE", max_length=5, unique=True)
    nom = models.CharField("nom", max_length=150)
    # Lower-case, unaccented, hyphens and apostrophes as spaces, "saint" spelt out: what search compares against.
    search_name = models.CharField("nom normalisé", max_length=150, db_index=True, editable=False)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="communes", verbose_name="département"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes", verbose_name="région")
    epci = models.ForeignKey(
        Epci, null=True, blank=True, on_delete=models.SET_NULL, related_name="communes", verbose_name="EPCI"
    )
    population = models.PositiveIntegerField("population municipale", default=0)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    codes_postaux = models.JSONField("codes postaux", default=list, blank=True)
    # Space-separated postcodes, for a portable prefix search on SQLite and PostgreSQL.
    codes_postaux_text = models.CharField("codes postaux (recherche)", max_length=255, blank=True, db_index=True)

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["nom", "code"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class Hub(models.Model):
    """A territorial hub of the programme: supports structures and advisors of several départements."""

    nom = models.CharField("nom", max_length=150, unique=True)
    slug = models.SlugField("identifiant", max_length=60, unique=True)
    departements = models.ManyToManyField(Departement, related_name="hubs", verbose_name="départements", blank=True)

    class Meta:
        verbose_name = "hub territorial"
        verbose_name_plural = "hubs territoriaux"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class CommuneSearchKey(models.Model):
    """A key that finds a commune by prefix: each postcode, and each word of the name after the first.

    Kept in its own indexed table so that "etienne" or "69005" is an index range lookup on SQLite and PostgreSQL
    alike, instead of a scan of every commune on each keystroke.
    """

    key = models.CharField("clé", max_length=150, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="search_keys", verbose_name="commune")

    class Meta:
        verbose_name = "clé de recherche de commune"
        verbose_name_plural = "clés de recherche de communes"
        constraints = [models.UniqueConstraint(fields=["key", "commune"], name="territoires_searchkey_unique")]

    def __str__(self) -> str:
        return self.key
