from django import forms
from django.contrib.auth import forms as auth_forms
from django.template import loader
from dsfr.forms import DsfrBaseForm

from cnfs.core.errors import DomainError
from cnfs.core.services import auth as auth_services
from cnfs.core.tasks import email_send_later


class LoginForm(DsfrBaseForm, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": auth_services.LOGIN_INVALID,
        "inactive": auth_services.LOGIN_INVALID,
    }

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            try:
                self.user_cache = auth_services.login_authenticate(
                    request=self.request, email=email, password=password
                )
            except DomainError as error:
                raise forms.ValidationError(error.message, code=error.code) from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class OTPCodeForm(DsfrBaseForm):
    code = forms.CharField(
        label="Code à usage unique",
        help_text="Le code à 6 chiffres affiché par votre application, ou un code de secours à 8 caractères.",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True, "spellcheck": "false"}
        ),
    )


class OTPEnrolForm(DsfrBaseForm):
    code = forms.CharField(
        label="Code à 6 chiffres affiché par l’application",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": r"[0-9 ]*"}),
    )


class PasswordConfirmForm(DsfrBaseForm):
    password = forms.CharField(
        label="Votre mot de passe",
        help_text="Par sécurité, confirmez votre mot de passe.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(DsfrBaseForm, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(DsfrBaseForm, auth_forms.SetPasswordForm):
    pass


class PasswordResetForm(DsfrBaseForm, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_send_later(subject=subject, body=body, to=[to_email], from_email=from_email)
        auth_services.password_reset_link_sent(user=context["user"], request=getattr(self, "request", None))
