from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from cnfs.core.forms import LoginForm
from cnfs.core.middleware import second_factor_not_required


@login_not_required
def home(request):
    return render(request, "core/home.html")


class LoginView(auth_views.LoginView):
    """E-mail and password; the throttling and the audit live in `services.auth.login_authenticate`."""

    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"breadcrumbs": [{"label": "Accueil", "url": "/"}, {"label": "Connexion"}]}


login_view = login_not_required(LoginView.as_view())
logout_view = second_factor_not_required(auth_views.LogoutView.as_view())
