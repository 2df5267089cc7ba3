from contextlib import contextmanager

import pytest

from cnfs.activite.models import Accompagnement, AccompagnementTheme, Beneficiaire
from cnfs.activite.signals import accompagnements_changed
from cnfs.core.models import AuditEvent


@pytest.fixture
def signals():
    """Every `accompagnements_changed` sent during the test: a list of
    {"before": [...], "after": [...], "inserted": [ids]}."""
    sent = []

    def receiver(sender, before, after, **kwargs):
        assert sender is Accompagnement
        sent.append({"before": before, "after": list(after), "inserted": list(kwargs.get("inserted", ()))})

    accompagnements_changed.connect(receiver, dispatch_uid="activite-tests")
    yield sent
    accompagnements_changed.disconnect(dispatch_uid="activite-tests")


@contextmanager
def nothing_written():
    """Assert that the block writes no record, topic, beneficiary nor audit event."""
    tracked = (Accompagnement, AccompagnementTheme, Beneficiaire, AuditEvent)
    before = {m: m.objects.count() for m in tracked}
    yield
    after = {m: m.objects.count() for m in tracked}
    assert after == before, f"écritures inattendues : {before} → {after}"
