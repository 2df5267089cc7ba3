"""Who sees which activity figures. One scope per user, read once per request (`Scope.for_user`).

National team: everything. Prefecture, hub (and a regional agent): the records of their départements. Structure
manager: the records of their structures. Coordinateur: the records of the structure they coordinate. Conseiller:
their own records. A person with several roles gets the widest of them. Filters only narrow a scope: a
département, structure or advisor outside it is refused (403), never silently emptied.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnfs.core.enums import Role
from cnfs.core.permissions import Scope, is_national

TERRITORIAL_ROLES = frozenset({Role.PREFECTURE, Role.HUB, Role.ANCT})
DASHBOARD_ROLES = (Role.ANCT, Role.PREFECTURE, Role.HUB, Role.STRUCTURE, Role.COORDINATEUR, Role.CONSEILLER)


@dataclass(frozen=True)
class DashboardScope:
    """The records a dashboard may count. `None` on a field: no restriction on it."""

    label: str
    departements: frozenset[str] | None = None
    structure_ids: frozenset[int] | None = None
    conseiller_ids: frozenset[int] | None = None

    @property
    def national(self) -> bool:
        return self.departements is None and self.structure_ids is None and self.conseiller_ids is None

    @property
    def territorial(self) -> bool:
        """National or a set of départements: the coarse (monthly × département) rollups can answer."""
        return self.structure_ids is None and self.conseiller_ids is None

    def covers_departement(self, code: str) -> bool:
        return self.departements is None or code in self.departements


NATIONAL = DashboardScope(label="France entière")


def _ids(values) -> frozenset[int]:
    return frozenset(int(v) for v in values if str(v).isdigit())


def dashboard_scope(user) -> DashboardScope | None:
    """The widest set of records `user` may see on the dashboards, or None when they may see none."""
    if not user.is_authenticated:
        return None
    if is_national(user):
        return NATIONAL
    scope = Scope.for_user(user)
    if scope.roles & TERRITORIAL_ROLES and scope.departements:
        label = "Votre territoire" if len(scope.departements) > 1 else f"Département {next(iter(scope.departements))}"
        return DashboardScope(label=label, departements=frozenset(scope.departements))
    structures = _ids(scope.object_ids(Role.STRUCTURE)) | _ids(scope.object_ids(Role.COORDINATEUR))
    if structures:
        label = "Votre structure" if len(structures) == 1 else "Vos structures"
        return DashboardScope(label=label, structure_ids=structures)
    if Role.CONSEILLER in scope.roles:
        return DashboardScope(label="Votre activité", conseiller_ids=frozenset({user.pk}))
    return None


def can_view_dashboard(user) -> bool:
    """Anyone whose role gives a set of records to count (see `dashboard_scope`)."""
    return dashboard_scope(user) is not None


def can_view_funnel(scope: DashboardScope) -> bool:
    """The recruitment funnel and the coverage figures are territorial: national team, prefectures, hubs."""
    return scope.territorial
