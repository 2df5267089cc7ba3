"""Test helpers of the place search: communes findable by the foundation's commune search."""

from cnfs.territoires.models import Commune, CommuneSearchKey
from cnfs.territoires.normalize import name_keys


def make_searchable(*communes: Commune) -> None:
    """Give communes the search keys `cnfs territoires load` would (postcodes, inner words of the name)."""
    for commune in communes or Commune.objects.all():
        for key in [*commune.codes_postaux, *name_keys(commune.search_name)]:
            CommuneSearchKey.objects.get_or_create(key=key, commune=commune)
