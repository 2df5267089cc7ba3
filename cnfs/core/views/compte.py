"""Mon compte: password change and reset, overview of the second factor."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from cnfs.core import forms
from cnfs.core.selectors import role_assignments_for
from cnfs.core.services import auth as auth_services
from cnfs.core.services import otp as otp_services

HOME = {"label": "Accueil", "url": "/"}
MON_COMPTE = {"label": "Mon compte", "url": reverse_lazy("core:mon_compte")}
CONNEXION = {"label": "Connexion", "url": reverse_lazy("core:login")}


@never_cache
def mon_compte(request):
    user = request.user
    return render(
        request,
        "core/mon_compte.html",
        {
            "assignments": role_assignments_for(user),
            "devices": otp_services.totp_devices(user),
            "backup_codes_left": otp_services.backup_codes_left(user),
            "verified": user.is_verified(),
            "breadcrumbs": [HOME, {"label": "Mon compte"}],
        },
    )


@method_decorator(never_cache, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("core:mon_compte")
    extra_context = {"breadcrumbs": [HOME, MON_COMPTE, {"label": "Changer de mot de passe"}]}

    def form_valid(self, form):
        response = super().form_valid(form)
        auth_services.password_changed(user=form.user, request=self.request, reset=False)
        messages.success(self.request, "Votre mot de passe a été modifié.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an address and always answers the same way, whether or not it has an account."""

    form_class = forms.PasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("core:password_reset_done")
    extra_context = {"breadcrumbs": [HOME, CONNEXION, {"label": "Mot de passe oublié"}]}

    def form_valid(self, form):
        if not auth_services.password_reset_allowed(email=form.cleaned_data["email"], request=self.request):
            return redirect(self.success_url)
        form.request = self.request
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"
    extra_context = {"breadcrumbs": [HOME, CONNEXION, {"label": "Mot de passe oublié"}]}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("core:password_reset_complete")
    extra_context = {"breadcrumbs": [HOME, CONNEXION, {"label": "Nouveau mot de passe"}]}

    def form_valid(self, form):
        response = super().form_valid(form)
        auth_services.password_changed(user=form.user, request=self.request, reset=True)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
    extra_context = {"breadcrumbs": [HOME, CONNEXION, {"label": "Mot de passe modifié"}]}


password_change = PasswordChangeView.as_view()
password_reset = login_not_required(PasswordResetView.as_view())
password_reset_done = login_not_required(PasswordResetDoneView.as_view())
password_reset_confirm = login_not_required(PasswordResetConfirmView.as_view())
password_reset_complete = login_not_required(PasswordResetCompleteView.as_view())
