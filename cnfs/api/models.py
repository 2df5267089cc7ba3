from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from cnfs.core.enums import Role


class ApiKeyQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        not_expired = models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        return self.filter(not_expired, revoked_at__isnull=True)


class ApiKey(models.Model):
    """A partner organisation's key to the API. Only the key's hash is stored; the key is shown once, at creation.

    `scopes` lists the roles the key acts as (values of `cnfs.core.enums.Role`); `departements` restricts it to some
    départements (none: national). A key is read-only unless `read_only` is off.
    """

    organisation = models.CharField("organisation", max_length=200)
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        validators=[RegexValidator(r"^\d{14}$", "Le SIRET compte exactement 14 chiffres.")],
    )
    scopes = models.JSONField("rôles accordés", default=list, help_text="Rôles au titre desquels la clé agit.")
    departements = models.ManyToManyField(
        "territoires.Departement",
        blank=True,
        related_name="+",
        verbose_name="départements autorisés",
        help_text="Aucun département : la clé couvre tout le territoire.",
    )
    read_only = models.BooleanField("lecture seule", default=True)
    requests_per_minute = models.PositiveIntegerField(
        "requêtes par minute", default=120, validators=[MinValueValidator(1)]
    )
    prefix = models.CharField("préfixe", max_length=16, unique=True, editable=False)
    key_hash = models.CharField("empreinte SHA-256", max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True, editable=False)
    expires_at = models.DateTimeField("expire le", null=True, blank=True)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "clé d'API"
        verbose_name_plural = "clés d'API"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(s, s)) for s in self.scopes]
