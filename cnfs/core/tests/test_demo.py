import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cnfs.core.enums import Role
from cnfs.core.models import AuditEvent, RoleAssignment, User
from cnfs.core.permissions import Scope, can_view_departement
from cnfs.demo import DemoContext, DemoError, discover_steps, run_demo
from cnfs.demo.accounts import ACCOUNTS, EMAIL_DOMAIN
from cnfs.territoires.tests.factories import DepartementFactory, HubFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def territoires():
    """The two départements and the hub the demo accounts point at (what `cnfs territoires load` provides)."""
    loire = DepartementFactory(code="42", nom="Loire")
    rhone = DepartementFactory(code="69", nom="Rhône", region=RegionFactory())
    DepartementFactory(code="01", nom="Ain")
    hub = HubFactory(nom="Hub Auvergne-Rhône-Alpes", slug="hub-aura")
    hub.departements.add(loire, rhone)
    HubFactory(nom="Hub Antilles", slug="hub-antilles")
    return {"42": loire, "69": rhone, "hub": hub}


def snapshot():
    """Everything the demo decides about its accounts, in a comparable form."""
    return sorted(
        (
            a.user.email,
            a.user.first_name,
            a.user.last_name,
            a.user.is_staff,
            a.role,
            a.scope_type,
            a.departement.code if a.departement else None,
            a.hub.slug if a.hub else None,
            a.object_id,
        )
        for a in RoleAssignment.objects.select_related("user", "departement", "hub")
    )


def run(*args):
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def test_one_account_per_role_with_sensible_scopes(territoires, debug):
    run("--scale", "small", "--seed", "7")
    accounts = {a.user.email.split("@")[0]: a for a in RoleAssignment.objects.select_related("user", "hub")}
    # The pass numérique accounts point at a buyer, a distributor and a place: the passnum demo step makes them once
    # the places exist (cnfs/passnum/tests/test_demo.py checks them); every other role has its account here.
    pass_roles = {Role.COMMANDITAIRE, Role.DISTRIBUTEUR, Role.LIEU_PASS}
    assert {a.role for a in accounts.values()} == set(Role.values) - pass_roles
    assert len(accounts) == len(ACCOUNTS) == User.objects.count()
    assert accounts["prefecture"].departement.code == "42"
    assert accounts["prefecture.hors.territoire"].departement.code == "69"
    assert accounts["hub"].hub == territoires["hub"]
    assert accounts["structure"].object_id == accounts["coordinateur"].object_id != ""
    assert accounts["aidant"].object_id == accounts["responsable"].object_id != ""
    anct = accounts["anct"].user
    assert anct.is_staff and Scope.for_user(anct).national
    # The wrong-territory agent is refused on the Loire, the Loire agent accepted; the hub covers both.
    assert can_view_departement(accounts["prefecture"].user, "42")
    assert not can_view_departement(accounts["prefecture.hors.territoire"].user, "42")
    assert can_view_departement(accounts["hub"].user, "42")
    assert not can_view_departement(accounts["hub"].user, "01")
    assert all(email.endswith(EMAIL_DOMAIN) for email in (u.email for u in User.objects.all()))


def test_same_seed_gives_same_accounts_and_other_seed_other_names(territoires, debug):
    run("--seed", "11")
    first = snapshot()
    User.objects.all().delete()
    run("--seed", "11")
    assert snapshot() == first
    run("--seed", "12")
    other = snapshot()
    assert [row[0] for row in other] == [row[0] for row in first]  # same e-mails: nothing duplicated
    assert [row[1:3] for row in other] != [row[1:3] for row in first]  # but other French names


def test_rerun_creates_nothing_and_changes_nothing(territoires, debug):
    run("--seed", "3")
    users = {u.pk: (u.email, u.password, u.first_name) for u in User.objects.all()}
    assignments = set(RoleAssignment.objects.values_list("pk", flat=True))
    events = AuditEvent.objects.count()
    run("--seed", "3")
    assert {u.pk: (u.email, u.password, u.first_name) for u in User.objects.all()} == users
    assert set(RoleAssignment.objects.values_list("pk", flat=True)) == assignments
    assert AuditEvent.objects.count() == events


def test_rerun_repairs_a_demo_account(territoires, debug):
    run()
    user = User.objects.get(email=f"candidat@{EMAIL_DOMAIN}")
    user.set_password("autre-mot-de-passe-long")
    user.is_active = False
    user.save()
    user.role_assignments.update(role=Role.ANCT)
    run()
    user.refresh_from_db()
    assert user.is_active and user.check_password("cnfs-demo-2021")
    assert list(user.role_assignments.values_list("role", flat=True)) == [Role.CANDIDAT]


def test_accounts_and_password_printed_when_debug(territoires, debug):
    output = run()
    assert "Comptes de démonstration" in output
    assert f"prefecture@{EMAIL_DOMAIN}" in output
    assert "Département : Loire (42)" in output
    assert "cnfs-demo-2021" in output
    assert User.objects.get(email=f"anct@{EMAIL_DOMAIN}").check_password("cnfs-demo-2021")


def test_refuses_without_debug_unless_forced(territoires, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run()
    assert not User.objects.exists()
    output = run("--force")
    assert "cnfs-demo-2021" not in output
    assert f"anct@{EMAIL_DOMAIN}" not in output
    assert User.objects.count() == len(ACCOUNTS)
    assert not any(u.has_usable_password() for u in User.objects.all())


def test_refuses_when_territories_are_missing(debug):
    with pytest.raises(CommandError, match="cnfs territoires load"):
        run()
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


def test_empty_hub_table_is_said_in_french_and_other_accounts_exist(debug):
    DepartementFactory(code="42", nom="Loire")
    DepartementFactory(code="69", nom="Rhône")
    output = run()
    assert "Aucun hub territorial n’est chargé" in output
    assert not RoleAssignment.objects.filter(role=Role.HUB).exists()
    assert User.objects.count() == len(ACCOUNTS) - 1


def test_failing_step_leaves_nothing_behind(territoires, monkeypatch):
    def broken(ctx: DemoContext):
        raise DemoError("Étape cassée.")

    from cnfs.demo import runner

    steps = discover_steps() + [("cassee", broken)]
    monkeypatch.setattr(runner, "discover_steps", lambda: steps)
    with pytest.raises(DemoError, match="Étape cassée"):
        run_demo(password="x")
    assert not User.objects.exists()


def test_unknown_scale_is_refused():
    with pytest.raises(DemoError, match="Échelle inconnue"):
        run_demo(scale="énorme")


def test_each_step_has_its_own_seeded_randomness():
    ctx = DemoContext(seed=5, scale=None)
    a = ctx.for_step("comptes").faker.last_name(), ctx.rng.random()
    ctx.for_step("lieux")
    b = ctx.for_step("comptes").faker.last_name(), ctx.rng.random()
    assert a == b
