import pytest


@pytest.fixture(autouse=True)
def _catalogue(request):
    """The seeded module catalogue, recreated when an earlier transactional test flushed the database."""
    if "django_db_setup" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    from cnfs.formation.catalogue import ensure_catalogue

    request.getfixturevalue("_django_db_helper")
    ensure_catalogue()
