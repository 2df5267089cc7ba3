"""Navigation entries by role. Each app adds its sections here as it lands."""

from dataclasses import dataclass

from django.urls import reverse

from cnfs.core.permissions import Scope


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] | None = None  # None: everyone (public)
    authenticated: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)


PUBLIC_ITEMS: list[NavItem] = [
    NavItem("Accueil", "core:home"),
    NavItem("Trouver un lieu", "lieux:recherche"),
]

# Pass numérique: the app's landing page lists the spaces each role holds.
PASSNUM_ITEM = NavItem(
    "Pass numérique",
    "passnum:accueil",
    roles=frozenset({"commanditaire", "distributeur", "lieu_pass", "anct"}),
    authenticated=True,
)

SPACE_ITEMS: list[NavItem] = [
    NavItem("Mon espace", "core:mon_espace", authenticated=True),
    NavItem("Mon compte", "core:mon_compte", authenticated=True),
    PASSNUM_ITEM,
]


def items_for(user, path: str = "") -> list[dict]:
    roles = Scope.for_user(user).roles if user.is_authenticated else frozenset()
    result = []
    for item in PUBLIC_ITEMS + SPACE_ITEMS:
        if item.authenticated and not user.is_authenticated:
            continue
        if item.roles is not None and not (roles & item.roles):
            continue
        url = item.url
        result.append({"label": item.label, "url": url, "current": path == url})
    return result
