"""Breadcrumbs and pagination: the same as the recruitment pages'."""

from cnfs.recrutement.views._helpers import crumbs, paginate

__all__ = ["crumbs", "paginate"]
