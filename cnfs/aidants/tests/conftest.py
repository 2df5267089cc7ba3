from cnfs.aidants.tests.helpers import purge_journal_after  # noqa: F401 — a fixture for this app's tests
from tests.oidc.fixtures import franceconnect, oidc_provider  # noqa: F401, E402 — the test FranceConnect provider
