from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.core.models import AuditEvent, AuthenticatorDevice, BackupCodeSet, RoleAssignment, User
from cnfs.core.services import role_assignment_save, role_revoke
from cnfs.core.services.otp import totp_device_remove


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["region", "departement", "hub"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    inlines = [RoleAssignmentInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        # Role changes go through the services so that each one lands in the audit log.
        instances = formset.save(commit=False)
        for assignment in formset.deleted_objects:
            role_revoke(actor=request.user, assignment=assignment, request=request)
        for assignment in instances:
            role_assignment_save(actor=request.user, assignment=assignment, request=request)
        formset.save_m2m()


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "target_repr", "ip_address"]
    list_filter = ["action"]
    search_fields = ["action", "target_repr", "target_id", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-otp's own admin pages show secrets and English labels: replaced by read-only, French ones on proxies.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class _DeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed_label", "created", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__last_name"]
    fields = ["user", "name", "confirmed_label", "created", "last_used"]
    readonly_fields = fields

    @admin.display(description="activé", boolean=True)
    def confirmed_label(self, obj):
        return obj.confirmed

    @admin.display(description="créé le", ordering="created_at")
    def created(self, obj):
        return obj.created_at

    @admin.display(description="dernière utilisation", ordering="last_used_at")
    def last_used(self, obj):
        return obj.last_used_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuthenticatorDevice)
class AuthenticatorDeviceAdmin(_DeviceAdmin):
    """Staff may remove the application of someone who lost their phone; the person then enrols again."""

    def delete_model(self, request, obj):
        totp_device_remove(actor=request.user, device=obj, request=request)

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            totp_device_remove(actor=request.user, device=device, request=request)


@admin.register(BackupCodeSet)
class BackupCodeSetAdmin(_DeviceAdmin):
    def has_delete_permission(self, request, obj=None):
        return False
