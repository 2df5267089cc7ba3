"""Strict test settings shared by every app's tests (see STYLE.md)."""

import copy
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

REQUIRE_ALL = os.environ.get("CNFS_REQUIRE_ALL") == "1"

# Property tests check correctness, not speed: on a loaded 2-core CI machine Hypothesis' timing health check
# ("input generation is slow") and its per-example deadline fail tests that are right. The examples stay the same.
hypothesis_settings.register_profile(
    "cnfs", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
hypothesis_settings.load_profile("cnfs")

# Browser fixtures (browser_page, login_as, axe_check) for every app's journeys.
pytest_plugins = ["tests.browser.fixtures"]


PROJECT_DIR = str(Path(__file__).resolve().parent / "cnfs")


def _current_template_name() -> str:
    """File of the template node being rendered (nodes keep the origin they were parsed from)."""
    frame = sys._getframe(2)
    while frame is not None:
        node = frame.f_locals.get("self")
        origin = getattr(node, "origin", None)
        if origin is not None and hasattr(node, "token"):
            return str(origin.name)
        frame = frame.f_back
    return ""


class InvalidTemplateVariable(str):
    """`string_if_invalid` that makes any undefined variable in our own templates fail the test.

    Third-party templates (django-dsfr, the admin) probe optional attributes on purpose; they are left alone.
    """

    def __mod__(self, other):
        if _current_template_name().startswith(PROJECT_DIR):
            raise AssertionError(f"Variable de gabarit indéfinie : {other!r}")
        return ""


@pytest.fixture(autouse=True)
def _strict_settings(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    for engine in templates:
        engine.setdefault("OPTIONS", {})["string_if_invalid"] = InvalidTemplateVariable("%s")
    settings.TEMPLATES = templates  # assigning (not mutating) resets the template engines
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}


@pytest.fixture(autouse=True)
def _clear_cache(_strict_settings):  # after the switch to the test cache, or the one cleared is not the one used
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _on_postgresql() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL (row locks, real concurrency).

    On SQLite they are skipped on a laptop, and deselected in CI (`CNFS_REQUIRE_ALL=1`), whose PostgreSQL pass runs
    them: so CI never counts them as skipped, and never lets them pass unseen.
    """
    if _on_postgresql():
        return
    marked = [item for item in items if item.get_closest_marker("postgres")]
    if not marked:
        return
    if REQUIRE_ALL:
        config.hook.pytest_deselected(items=marked)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
    else:
        skip = pytest.mark.skip(reason="PostgreSQL requis (DATABASE_URL=postgres://…)")
        for item in marked:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    # In CI every test must run: a skipped browser or PostgreSQL test is a failure there.
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"Test ignoré alors que CNFS_REQUIRE_ALL=1 : {report.longrepr}"
