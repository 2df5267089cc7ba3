"""Core demo step: one account per role, with scopes that make sense around the Loire (42).

The prefecture agent of the Rhône (69) is the "wrong territory" user: demos and tests show what she is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from cnfs.core.enums import Role, ScopeType
from cnfs.core.models import RoleAssignment, User
from cnfs.core.services import role_assign
from cnfs.demo.context import DemoContext, DemoError
from cnfs.territoires.models import Departement, Hub

EMAIL_DOMAIN = "demo.cnfs.localhost"
DEPARTEMENT = "42"  # Loire
OTHER_DEPARTEMENT = "69"  # Rhône: the "wrong territory"

# Identifiers of the demo organisations, used by organisation scopes until their apps link real models.
ORGANISATIONS = {
    "structure": "demo-structure-42-1",
    "formation": "demo-formation-1",
    "aidants": "demo-aidants-42-1",
}
# Once an app's model backs an organisation scope, its demo module registers how to find the demo organisation
# (key of ORGANISATIONS → its object_id, or None before the app's own step has created it).
ORGANISATION_LOOKUPS: dict[str, Callable[[], str | None]] = {}


def organisation_ids() -> dict[str, str]:
    ids = dict(ORGANISATIONS)
    for key, lookup in ORGANISATION_LOOKUPS.items():
        ids[key] = lookup() or ids[key]
    return ids


@dataclass(frozen=True)
class AccountSpec:
    key: str  # ctx.accounts key and local part of the e-mail address
    role: str
    scope_type: str
    departement: str | None = None
    hub: bool = False
    organisation: str | None = None  # key of ORGANISATIONS
    staff: bool = False
    note: str = ""

    @property
    def email(self) -> str:
        return f"{self.key.replace('_', '.')}@{EMAIL_DOMAIN}"


ACCOUNTS = [
    AccountSpec("anct", Role.ANCT, ScopeType.NATIONAL, staff=True),
    AccountSpec("prefecture", Role.PREFECTURE, ScopeType.DEPARTEMENT, departement=DEPARTEMENT),
    AccountSpec("hub", Role.HUB, ScopeType.HUB, hub=True),
    AccountSpec("structure", Role.STRUCTURE, ScopeType.STRUCTURE, organisation="structure"),
    AccountSpec("candidat", Role.CANDIDAT, ScopeType.PERSONNEL),
    AccountSpec("conseiller", Role.CONSEILLER, ScopeType.PERSONNEL),
    AccountSpec("coordinateur", Role.COORDINATEUR, ScopeType.STRUCTURE, organisation="structure"),
    AccountSpec("formation", Role.FORMATION, ScopeType.ORGANISATION, organisation="formation"),
    AccountSpec("aidant", Role.AIDANT, ScopeType.ORGANISATION, organisation="aidants"),
    AccountSpec("responsable", Role.RESPONSABLE, ScopeType.ORGANISATION, organisation="aidants"),
    AccountSpec(
        "prefecture_hors_territoire",
        Role.PREFECTURE,
        ScopeType.DEPARTEMENT,
        departement=OTHER_DEPARTEMENT,
        note="hors territoire : pour voir les refus",
    ),
]

TERRITORIES_MISSING = "Les territoires ne sont pas chargés. Lancez d’abord : cnfs territoires load"


def _hub_for(departement: Departement, ctx: DemoContext) -> Hub | None:
    hub = Hub.objects.filter(departements=departement).order_by("nom").first()
    if hub is None:
        hub = Hub.objects.order_by("nom").first()
        if hub is None:
            ctx.warn(
                "Aucun hub territorial n’est chargé : le compte « hub » n’est pas créé (lancez cnfs territoires load)."
            )
        else:
            ctx.warn(f"Aucun hub ne couvre le département {departement.code} : le compte « hub » couvre {hub}.")
    return hub


def _password_hash(password: str | None) -> str | None:
    """One hash for every demo account, with a fixed salt: a rerun compares strings instead of hashing each account.

    The password is public anyway (printed by `cnfs demo`); with DEBUG off, accounts get an unusable password.
    """
    if password is None:
        return None
    return make_password(password, salt="cnfsdemocomptes")


def _save_user(spec: AccountSpec, ctx: DemoContext) -> User:
    first_name, last_name = ctx.faker.first_name(), ctx.faker.last_name()
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        user = User(email=spec.email)
    changed = user.pk is None
    for attr, value in {
        "first_name": first_name,
        "last_name": last_name,
        "is_active": True,
        "is_staff": spec.staff,
        "is_superuser": spec.staff,
    }.items():
        if getattr(user, attr) != value:
            setattr(user, attr, value)
            changed = True
    wanted_hash = ctx.shared["password_hash"]
    if wanted_hash is None:
        if user.has_usable_password():
            user.set_unusable_password()
            changed = True
    elif user.password != wanted_hash:
        user.password = wanted_hash
        changed = True
    if changed:
        user.save()
    return user


def _sync_roles(user: User, spec: AccountSpec, target: dict) -> None:
    """Leave the demo account with exactly its one (role, scope) pair, whatever an earlier demo gave it."""
    wanted = RoleAssignment(user=user, role=spec.role, scope_type=spec.scope_type, **target)
    stale = [
        a.pk
        for a in user.role_assignments.all()
        if (a.role, a.scope_type, a.departement_id, a.hub_id, a.region_id, a.object_id)
        != (
            wanted.role,
            wanted.scope_type,
            wanted.departement_id,
            wanted.hub_id,
            wanted.region_id,
            wanted.object_id,
        )
    ]
    if stale:
        RoleAssignment.objects.filter(pk__in=stale).delete()
    role_assign(actor=None, user=user, role=spec.role, scope_type=spec.scope_type, **target)


def scope_label(spec: AccountSpec, target: dict) -> str:
    if "departement" in target:
        return f"Département : {target['departement']}"
    if "hub" in target:
        hub = target["hub"]
        codes = ", ".join(d.code for d in hub.departements.order_by("code"))
        return f"{hub} ({codes})" if codes else str(hub)
    if "object_id" in target:
        return f"{ScopeType(spec.scope_type).label} : {target['object_id']}"
    return ScopeType(spec.scope_type).label


def seed(ctx: DemoContext) -> None:
    departements = {d.code: d for d in Departement.objects.filter(code__in=[DEPARTEMENT, OTHER_DEPARTEMENT])}
    if len(departements) < 2:
        raise DemoError(TERRITORIES_MISSING)
    hub = _hub_for(departements[DEPARTEMENT], ctx)
    organisations = organisation_ids()
    ctx.organisations.update(organisations)
    ctx.shared["departement"] = departements[DEPARTEMENT]
    ctx.shared["departement_hors_territoire"] = departements[OTHER_DEPARTEMENT]
    ctx.shared["hub"] = hub
    ctx.shared["account_rows"] = rows = []
    ctx.shared["password_hash"] = _password_hash(ctx.password)
    for spec in ctx.progress(ACCOUNTS, "Comptes de démonstration", len(ACCOUNTS)):
        if spec.departement:
            target = {"departement": departements[spec.departement]}
        elif spec.hub:
            if hub is None:
                continue
            target = {"hub": hub}
        elif spec.organisation:
            target = {"object_id": organisations[spec.organisation]}
        else:
            target = {}
        user = _save_user(spec, ctx)
        _sync_roles(user, spec, target)
        ctx.accounts[spec.key] = user
        label = Role(spec.role).label + (f" ({spec.note})" if spec.note else "")
        rows.append((label, spec.email, scope_label(spec, target)))
    ctx.report("comptes", len(rows))
