from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone

from cnfs.core.errors import DomainError


def today_or(value: datetime.date | None) -> datetime.date:
    return value if value is not None else timezone.localdate()


def snapshot(obj: models.Model, *fields: str) -> dict:
    """JSON-safe copy of some fields, for the audit log's before/after."""
    data = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, datetime.date | datetime.datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif hasattr(value, "name") and isinstance(value, models.fields.files.FieldFile):
            value = value.name or ""
        data[name] = value
    return data


def refuse(message: str, *, field: str | None = None, code: str | None = None):
    raise DomainError(message, field=field, code=code)


def forbid(message: str):
    raise DomainError(message, code="interdit")


class DoublonError(DomainError):
    """A duplicate was refused; `existing` is the object already recorded (views link to it when allowed)."""

    def __init__(self, message: str, *, existing: models.Model, field: str | None = None):
        super().__init__(message, field=field, code="doublon")
        self.existing = existing
