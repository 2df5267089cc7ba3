"""National overview: the recruitment → training → field funnel by territory, VAE decisions."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cnfs.core.errors import DomainError
from cnfs.formation import exports, permissions, selectors, services
from cnfs.formation.forms import TerritoireForm, VaeDecisionForm, attach_error
from cnfs.formation.models import DemandeVAE
from cnfs.formation.views._helpers import crumbs


def _allowed(predicate, message: str):
    """View decorator: 403 with `message` unless `predicate(user)`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


_national = _allowed(permissions.can_decide_vae, "Cette page est réservée à l’équipe nationale.")
_funnel_viewer = _allowed(
    permissions.can_view_funnel, "Cette page est réservée à l’équipe nationale, aux préfectures et aux hubs."
)


def _territoire(request) -> tuple[TerritoireForm | None, selectors.Territoire]:
    """The national team picks any territory; a prefecture or hub agent always sees their own départements."""
    departements = permissions.funnel_departements(request.user)
    if departements is not None:
        return None, selectors.Territoire(departements=departements)
    form = TerritoireForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, selectors.Territoire(
            region=data["region"].code if data["region"] else None,
            departement=data["departement"].code if data["departement"] else None,
            hub=data["hub"].pk if data["hub"] else None,
        )
    return form, selectors.Territoire()


@_funnel_viewer
def pilotage(request):
    form, territoire = _territoire(request)
    funnel = selectors.funnel(territoire)
    return render(
        request,
        "formation/pilotage/index.html",
        {
            "form": form,
            "territoire_label": territoire.label(),
            "funnel": funnel,
            "bars": _bars(funnel),
            "query": request.GET.urlencode(),
            "rows": selectors.funnel_by_departement(territoire),
            "national": permissions.can_decide_vae(request.user),
            "vae": selectors.vae_to_decide() if permissions.can_decide_vae(request.user) else [],
            "breadcrumbs": crumbs(("Formation et entrée en poste", None)),
        },
    )


def _bars(funnel: selectors.Funnel) -> list[dict]:
    """The funnel as bar widths (percent of the recruited), for the chart above its data table."""
    total = funnel.recrutes or 1
    return [
        {"label": label, "value": value, "percent": round(value * 100 / total)}
        for label, value in (
            ("Recrutés", funnel.recrutes),
            ("En formation", funnel.en_formation),
            ("En poste", funnel.en_poste),
        )
    ]


@_funnel_viewer
def pilotage_export(request, fmt):
    _, territoire = _territoire(request)
    rows = exports.funnel_rows(selectors.funnel_by_departement(territoire))
    return exports.response(exports.FUNNEL_HEADERS, rows, filename="entonnoir-formation", fmt=fmt)


@_national
@require_http_methods(["GET", "POST"])
def vae_decision(request, pk):
    demande = get_object_or_404(DemandeVAE.objects.select_related("candidature"), pk=pk)
    form = VaeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.vae_decide(actor=request.user, demande=demande, request=request, **form.cleaned_data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Décision de VAE enregistrée.")
            return redirect("formation:pilotage")
    return render(
        request,
        "formation/pilotage/vae.html",
        {
            "demande": demande,
            "form": form,
            "breadcrumbs": crumbs(
                ("Formation et entrée en poste", reverse("formation:pilotage")),
                (f"VAE de {demande.candidature}", None),
            ),
        },
    )
