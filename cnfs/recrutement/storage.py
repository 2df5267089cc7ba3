"""Private file storage: files that must never be reachable by URL (CV, supporting documents).

They live under `settings.PRIVATE_ROOT`, outside `MEDIA_ROOT` and the web root, and are only served by views that
check permissions first.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="cnfs.recrutement.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    # Read at each use (not cached) so that a PRIVATE_ROOT overridden in tests or at run time is honoured.
    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Les fichiers privés n’ont pas d’adresse publique : ils sont servis par une vue contrôlée.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()
