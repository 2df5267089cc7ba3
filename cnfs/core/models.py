from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.core.enums import ROLES_REQUIRING_2FA, Role, ScopeType


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Logs in with an e-mail address; roles come from `RoleAssignment`."""

    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration", default=False)
    date_joined = models.DateTimeField("date d'inscription", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def role_set(self) -> frozenset[str]:
        """The roles this user holds, read once per request object."""
        cached = getattr(self, "_role_set", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True))
            self._role_set = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def requires_2fa(self) -> bool:
        return self.is_superuser or self.is_staff or bool(self.role_set & ROLES_REQUIRING_2FA)


def _only_target(*scope_types: str, target: str | None = None) -> Q:
    """Scope types whose assignment sets exactly `target` among the territorial foreign keys."""
    nulls = {f"{name}__isnull": name != target for name in ("region", "departement", "hub")}
    return Q(scope_type__in=list(scope_types), **nulls)


class RoleAssignment(models.Model):
    """One (role, scope) pair held by a user. A user may hold any number of them.

    The scope is territorial (national, région, département, hub) or organisational (structure, organisation).
    Organisational scopes carry the organisation's identifier in `object_id` until their app links a model.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name="compte")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    scope_type = models.CharField("périmètre", max_length=20, choices=ScopeType.choices)
    region = models.ForeignKey(
        "territoires.Region", null=True, blank=True, on_delete=models.PROTECT, verbose_name="région"
    )
    departement = models.ForeignKey(
        "territoires.Departement", null=True, blank=True, on_delete=models.PROTECT, verbose_name="département"
    )
    hub = models.ForeignKey("territoires.Hub", null=True, blank=True, on_delete=models.PROTECT, verbose_name="hub")
    object_id = models.CharField("identifiant de la structure ou organisation", max_length=64, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "rôle attribué"
        verbose_name_plural = "rôles attribués"
        constraints = [
            models.CheckConstraint(
                name="role_scope_target_matches",
                condition=(
                    _only_target(ScopeType.NATIONAL, ScopeType.PERSONNEL)
                    | _only_target(ScopeType.REGION, target="region")
                    | _only_target(ScopeType.DEPARTEMENT, target="departement")
                    | _only_target(ScopeType.HUB, target="hub")
                    | (Q(scope_type__in=[ScopeType.STRUCTURE, ScopeType.ORGANISATION]) & ~Q(object_id=""))
                ),
                violation_error_message="Le périmètre ne correspond pas à la cible choisie.",
            ),
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        target = self.region or self.departement or self.hub or self.object_id or self.get_scope_type_display()
        return f"{self.get_role_display()} — {target}"


class AuditEvent(models.Model):
    """Who did what to which object, with the state before and after. Written by services, never edited."""

    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="auteur"
    )
    action = models.CharField("action", max_length=100, db_index=True)
    target_type = models.CharField("type d'objet", max_length=100, blank=True)
    target_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    target_repr = models.CharField("objet", max_length=255, blank=True)
    before = models.JSONField("avant", null=True, blank=True)
    after = models.JSONField("après", null=True, blank=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    created_at = models.DateTimeField("date", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "événement du journal d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} — {self.action} — {self.target_repr}"


class AuthenticatorDevice(TOTPDevice):
    """A TOTP application of a person, as the back-office shows it (django-otp's model, French labels)."""

    class Meta:
        proxy = True
        verbose_name = "application d’authentification"
        verbose_name_plural = "applications d’authentification"


class BackupCodeSet(StaticDevice):
    """A person's single-use backup codes (django-otp's static device)."""

    class Meta:
        proxy = True
        verbose_name = "jeu de codes de secours"
        verbose_name_plural = "codes de secours"
