from django.shortcuts import render

from cnfs.core.enums import Role
from cnfs.core.selectors import role_assignments_for
from cnfs.core.spaces import SECTION_INTROS, SECTIONS


def mon_espace(request):
    """The sections of every role the user holds, with the scopes of each, as registered in `core.spaces`."""
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
