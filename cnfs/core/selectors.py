from cnfs.core.models import RoleAssignment


def role_assignments_for(user) -> list[RoleAssignment]:
    """The user's (role, scope) pairs with their territory, in one query."""
    return list(
        RoleAssignment.objects.filter(user=user).select_related("region", "departement", "hub").order_by("role", "id")
    )
