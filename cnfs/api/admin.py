"""Back-office of partners' API keys: create (the key is shown once), look, revoke. Never edit, never delete."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone

from cnfs.api.models import ApiKey
from cnfs.api.services import api_key_create, api_key_revoke
from cnfs.core.enums import Role


class ApiKeyCreationForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label="Rôles accordés",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="La clé agit au titre de ces rôles ; l'équipe nationale (ANCT) sans département voit tout.",
    )

    class Meta:
        model = ApiKey
        fields = ["organisation", "siret", "scopes", "departements", "read_only", "requests_per_minute", "expires_at"]

    def clean_expires_at(self):
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError("La date d'expiration doit être dans le futur.")
        return expires_at


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "organisation", "siret", "roles", "read_only", "created_at", "last_used_at", "state"]
    list_filter = ["read_only", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["organisation", "siret", "prefix"]
    list_select_related = ["created_by"]
    filter_horizontal = ["departements"]
    actions = ["revoke"]
    readonly_fields = [
        "organisation",
        "siret",
        "roles",
        "departement_list",
        "read_only",
        "requests_per_minute",
        "prefix",
        "key_hash",
        "created_by",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]

    @admin.display(description="rôles accordés")
    def roles(self, obj: ApiKey) -> str:
        return ", ".join(obj.scope_labels)

    @admin.display(description="départements autorisés")
    def departement_list(self, obj: ApiKey) -> str:
        return ", ".join(str(d) for d in obj.departements.all()) or "Tous (clé nationale)"

    @admin.display(description="état")
    def state(self, obj: ApiKey) -> str:
        if obj.is_revoked:
            return "Révoquée"
        if obj.is_expired():
            return "Expirée"
        return "Active"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyCreationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # A key never changes after creation: revoke it and create another.
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ApiKeyCreationForm._meta.fields
        return self.readonly_fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked keys stay, for the record

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        key, raw_key = api_key_create(
            actor=request.user,
            organisation=data["organisation"],
            siret=data.get("siret") or "",
            scopes=data["scopes"],
            departement_codes=[d.code for d in data.get("departements") or []],
            read_only=data["read_only"],
            requests_per_minute=data["requests_per_minute"],
            expires_at=data.get("expires_at"),
            request=request,
        )
        obj.pk, obj.prefix, obj.created_at = key.pk, key.prefix, key.created_at
        request._cnfs_raw_api_key = raw_key

    def save_related(self, request, form, formsets, change):
        pass  # départements are set by the service

    def response_add(self, request, obj, post_url_continue=None):
        # The raw key is rendered once, here, and stored nowhere (not even in the messages framework).
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Clé d'API créée",
            "api_key": ApiKey.objects.get(pk=obj.pk),
            "raw_key": request._cnfs_raw_api_key,
        }
        return TemplateResponse(request, "admin/api/apikey/cle_creee.html", context)

    @admin.action(description="Révoquer les clés sélectionnées", permissions=["change"])
    def revoke(self, request, queryset):
        revoked = 0
        for key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(actor=request.user, api_key=key, request=request)
            revoked += 1
        if revoked:
            self.message_user(request, f"{revoked} clé(s) révoquée(s).", messages.SUCCESS)
        else:
            self.message_user(request, "Aucune clé active dans la sélection.", messages.WARNING)
