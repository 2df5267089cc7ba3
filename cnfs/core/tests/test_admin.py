"""Back-office: second factor required, read-only audit log, audited role and device changes."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.core.enums import Role, ScopeType
from cnfs.core.models import AuditEvent, RoleAssignment
from cnfs.core.services import audit_log
from cnfs.core.services.otp import totp_device_create_confirmed
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import UserFactory, user_with_role
from cnfs.territoires.tests.factories import DepartementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(superuser=True)
    login(client, user)
    client.user = user
    return client


def test_staff_without_verified_device_cannot_reach_the_admin(client):
    staff = UserFactory(superuser=True)
    totp_device_create_confirmed(user=staff)
    login(client, staff, verified=False)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("core:otp_verify"))


def test_audit_log_is_read_only(admin_client):
    event = audit_log(actor=None, action="test.action", after={"a": 1})
    assert admin_client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])
    page = admin_client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.post(change_url, {"action": "modifié"}).status_code == 403
    assert admin_client.get(reverse("admin:core_auditevent_add")).status_code == 403
    delete_url = reverse("admin:core_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.action == "test.action"


def _user_form(user, **inline):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "date_joined_0": "01/01/2026",
        "date_joined_1": "10:00:00",
        "role_assignments-TOTAL_FORMS": "0",
        "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
    }
    data.update(inline)
    return data


def test_role_changes_in_the_admin_are_audited(admin_client):
    person = UserFactory()
    departement = DepartementFactory()
    url = reverse("admin:core_user_change", args=[person.pk])
    response = admin_client.post(
        url,
        _user_form(
            person,
            **{
                "role_assignments-TOTAL_FORMS": "1",
                "role_assignments-0-role": Role.PREFECTURE,
                "role_assignments-0-scope_type": ScopeType.DEPARTEMENT,
                "role_assignments-0-departement": departement.pk,
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assignment = RoleAssignment.objects.get(user=person)
    event = AuditEvent.objects.get(action="role.assign")
    assert event.actor == admin_client.user
    assert event.target_id == str(person.pk)
    assert event.after == {"role": "prefecture", "scope_type": "departement", "departement": str(departement)}

    response = admin_client.post(
        url,
        _user_form(
            person,
            **{
                "role_assignments-TOTAL_FORMS": "1",
                "role_assignments-INITIAL_FORMS": "1",
                "role_assignments-0-id": assignment.pk,
                "role_assignments-0-user": person.pk,
                "role_assignments-0-role": Role.PREFECTURE,
                "role_assignments-0-scope_type": ScopeType.DEPARTEMENT,
                "role_assignments-0-departement": departement.pk,
                "role_assignments-0-DELETE": "on",
            },
        ),
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user=person).exists()
    revoke = AuditEvent.objects.get(action="role.revoke")
    assert revoke.before["role"] == "prefecture"


def test_inconsistent_scope_is_refused_in_french(admin_client):
    person = UserFactory()
    response = admin_client.post(
        reverse("admin:core_user_change", args=[person.pk]),
        _user_form(
            person,
            **{
                "role_assignments-TOTAL_FORMS": "1",
                "role_assignments-0-role": Role.PREFECTURE,
                "role_assignments-0-scope_type": ScopeType.DEPARTEMENT,
            },
        ),
    )
    assert response.status_code == 200
    assert "Le périmètre ne correspond pas à la cible choisie." in response.content.decode()
    assert not RoleAssignment.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="role.").exists()


def test_staff_removes_a_lost_device_and_it_is_audited(admin_client):
    person = user_with_role("aidant")
    device = totp_device_create_confirmed(user=person)
    changelist = admin_client.get(reverse("admin:core_authenticatordevice_changelist")).content.decode()
    assert "Applications d’authentification" in changelist
    assert device.key not in changelist
    response = admin_client.post(reverse("admin:core_authenticatordevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    event = AuditEvent.objects.get(action="otp.remove")
    assert event.actor == admin_client.user and event.target_id == str(person.pk)


def test_otp_secrets_are_not_editable_in_the_admin(admin_client):
    device = totp_device_create_confirmed(user=UserFactory())
    assert admin_client.get(reverse("admin:core_authenticatordevice_add")).status_code == 403
    page = admin_client.get(reverse("admin:core_authenticatordevice_change", args=[device.pk])).content.decode()
    assert device.key not in page
    # django-otp's own pages (which show keys) are not registered.
    assert admin_client.get("/admin/otp_totp/totpdevice/").status_code == 404
