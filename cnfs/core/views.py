from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from cnfs.core.enums import Role
from cnfs.core.forms import LoginForm
from cnfs.core.selectors import role_assignments_for
from cnfs.core.spaces import SECTION_INTROS, SECTIONS


@login_not_required
def home(request):
    return render(request, "core/home.html")


def mon_espace(request):
    assignments = role_assignments_for(request.user)
    labels = dict(Role.choices)
    held = []
    for role in dict.fromkeys(a.role for a in assignments):
        held.append(
            {
                "role": role,
                "label": labels.get(role, role),
                "intro": SECTION_INTROS.get(role, ""),
                "scopes": [a for a in assignments if a.role == role],
                "cards": [c for c in SECTIONS.get(role, []) if c.url],
            }
        )
    return render(
        request,
        "core/mon_espace.html",
        {"sections": held, "breadcrumbs": [{"label": "Accueil", "url": "/"}, {"label": "Mon espace"}]},
    )


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


login_view = login_not_required(LoginView.as_view())
logout_view = auth_views.LogoutView.as_view()
