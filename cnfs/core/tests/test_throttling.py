"""`any_exceeded`: several failure counters read in one cache round trip."""

from django.core.cache import caches

from cnfs.core.throttling import Limit, any_exceeded

ACCOUNT = Limit("test-account", 3, 60)
PLACE = Limit("test-place", 5, 60)


def test_any_exceeded_is_true_once_one_counter_reaches_its_limit():
    for _ in range(2):
        ACCOUNT.hit("a")
    for _ in range(4):
        PLACE.hit("p")
    assert not any_exceeded((ACCOUNT, "a"), (PLACE, "p"))
    PLACE.hit("p")
    assert any_exceeded((ACCOUNT, "a"), (PLACE, "p"))
    assert not any_exceeded((ACCOUNT, "a"), (PLACE, "other"))
    ACCOUNT.hit("a")
    assert any_exceeded((ACCOUNT, "a"), (PLACE, "other"))


def test_any_exceeded_ignores_missing_values_and_reads_once(monkeypatch):
    for _ in range(3):
        ACCOUNT.hit("a")
    assert not any_exceeded((ACCOUNT, None), (PLACE, ""))
    calls = []
    backend = type(caches["default"])
    real = backend.get_many
    monkeypatch.setattr(backend, "get_many", lambda self, keys, **kw: calls.append(keys) or real(self, keys, **kw))
    assert any_exceeded((ACCOUNT, "a"), (PLACE, "p"))
    assert len(calls) == 1 and len(calls[0]) == 2
